/** OPA's term text (`%v` of a value in error messages, `sprintf`, `print`). */
import { BigNum, numberText } from './number.js';
import type { RObject } from './value.js';
import { RSet, type Value } from './value.js';

const NAMED: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 34: '\\"', 92: '\\\\' };

/** Go's `strconv.Quote`: double-quoted, with Go escapes for control and non-printable characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    const named = NAMED[c];
    if (named) out += named;
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (
      (c >= 0x80 && c < 0xa0) ||
      c === 0xad ||
      (c >= 0xd800 && c <= 0xdfff) ||
      c === 0xfeff ||
      c === 0xfffd + 2 ||
      (c >= 0x2028 && c <= 0x2029)
    )
      out += c > 0xffff ? '\\U' + c.toString(16).padStart(8, '0') : '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
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
