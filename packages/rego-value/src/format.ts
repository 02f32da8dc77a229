/** OPA's term text (`%v` of a value in error messages, `sprintf`, `print`). */
import { BigNum, numberText } from './number.js';
import type { RObject } from './value.js';
import { RSet, type Value } from './value.js';

import { isNotPrint16, isNotPrint32, isPrint16, isPrint32 } from './isprint-tables.js';

const NAMED: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** First index `i` with `s[i] >= v` (Go's `strconv.bsearch`). */
function bsearch(s: readonly number[], v: number): number {
  let i = 0;
  let j = s.length;
  while (i < j) {
    const h = (i + j) >>> 1;
    if ((s[h] as number) < v) i = h + 1;
    else j = h;
  }
  return i;
}

function inRanges(ranges: readonly number[], r: number): boolean {
  const i = bsearch(ranges, r);
  return i < ranges.length && r >= (ranges[i & ~1] as number) && r <= (ranges[i | 1] as number);
}

function inList(list: readonly number[], v: number): boolean {
  const i = bsearch(list, v);
  return i < list.length && list[i] === v;
}

/** Go's `strconv.IsPrint` (the same as `unicode.IsPrint`), over tables generated from Go's source. */
export function goIsPrint(r: number): boolean {
  if (r <= 0xff) return (r >= 0x20 && r <= 0x7e) || (r >= 0xa1 && r <= 0xff && r !== 0xad);
  if (r < 0x10000) return inRanges(isPrint16, r) && !inList(isNotPrint16, r);
  if (!inRanges(isPrint32, r)) return false;
  return r >= 0x20000 || !inList(isNotPrint32, r - 0x10000);
}

function escapedRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCharCode(r);
  if (asciiOnly ? r < 0x80 && goIsPrint(r) : goIsPrint(r)) return String.fromCodePoint(r);
  const named = NAMED[r];
  if (named !== undefined) return named;
  if (r < 0x20 || r === 0x7f) return '\\x' + r.toString(16).padStart(2, '0');
  if (r < 0x10000) return '\\u' + r.toString(16).padStart(4, '0');
  return '\\U' + r.toString(16).padStart(8, '0');
}

/**
 * Go's `strconv.Quote` (`quote` `"`) / `QuoteRune` (`'`), and with `asciiOnly` `QuoteToASCII`:
 * quoted, with Go's escapes for control and non-printable characters (`strconv.IsPrint` exactly).
 * A lone surrogate (which a Go string cannot hold; OPA reads it as U+FFFD) is quoted as U+FFFD.
 */
export function goQuote(s: string, quote: '"' | "'" = '"', asciiOnly = false): string {
  const q = quote.charCodeAt(0);
  let out = quote;
  for (const ch of s) {
    let r = ch.codePointAt(0) as number;
    if (r >= 0xd800 && r <= 0xdfff) r = 0xfffd;
    out += escapedRune(r, q, asciiOnly);
  }
  return out + quote;
}

/** Go's `strconv.CanBackquote`: the text can be written as a Go raw string. */
export function goCanBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0) as number;
    if (r === 0xfeff || (r >= 0xd800 && r <= 0xdfff)) return false;
    if ((r < 0x20 && r !== 0x09) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

/** OPA's text of a value: `"a"`, `1`, `[1, "x"]`, `{"a": 1}`, `{1, 2}`, `set()`. */
export function formatValue(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return numberText(v);
    case 'string':
      return goQuote(v);
  }
  if (v instanceof BigNum) return numberText(v);
  if (Array.isArray(v)) return '[' + v.map(formatValue).join(', ') + ']';
  if (v instanceof RSet) return v.size === 0 ? 'set()' : '{' + v.sorted().map(formatValue).join(', ') + '}';
  return (
    '{' +
    (v as RObject)
      .sortedEntries()
      .map(([k, x]) => formatValue(k) + ': ' + formatValue(x))
      .join(', ') +
    '}'
  );
}
