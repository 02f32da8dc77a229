/**
 * Go's `encoding/json` as OPA's JSON built-ins use it: `json.Marshal` / `MarshalIndent` text
 * (sorted keys, HTML-safe escapes, sets as arrays) and a decoder with `json.Decoder`'s error
 * texts (`invalid character 'x' looking for beginning of value`, `unexpected EOF`, …).
 */
import { RObject, RSet, compareStrings, numberText, parseNumber, type RNumber, type Value } from '@policy-engine/rego-value';

const HEX = '0123456789abcdef';

/** Go's JSON string encoding with HTML escaping (`<`, `>`, `&`, U+2028, U+2029 as `\u` escapes). */
export function goJSONString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i] + (s[i + 1] as string);
        i++;
      } else out += '\ufffd';
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\ufffd';
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
    }
    if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      out += '\\u' + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];
      continue;
    }
    out += s[i];
  }
  return out + '"';
}

function keyText(k: Value): string {
  return typeof k === 'string' ? k : goMarshal(k);
}

function entries(v: RObject): [string, Value][] {
  const m = new Map<string, Value>();
  for (const [k, x] of v.sortedEntries()) m.set(keyText(k), x);
  return [...m.entries()].sort((a, b) => compareStrings(a[0], b[0]));
}

/** `json.Marshal` of a value (as `ast.JSON` converts it). */
export function goMarshal(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return numberText(v);
    case 'string':
      return goJSONString(v);
  }
  if (Array.isArray(v)) return '[' + (v as readonly Value[]).map(goMarshal).join(',') + ']';
  if (v instanceof RSet) return '[' + v.sorted().map(goMarshal).join(',') + ']';
  if (v instanceof RObject)
    return (
      '{' +
      entries(v)
        .map(([k, x]) => goJSONString(k) + ':' + goMarshal(x))
        .join(',') +
      '}'
    );
  return numberText(v as RNumber);
}

/** `json.MarshalIndent(v, prefix, indent)`. */
export function goMarshalIndent(v: Value, prefix: string, indent: string, depth = 0): string {
  const nl = (d: number): string => '\n' + prefix + indent.repeat(d);
  if (Array.isArray(v) || v instanceof RSet) {
    const xs = Array.isArray(v) ? (v as readonly Value[]) : v.sorted();
    if (xs.length === 0) return '[]';
    return '[' + xs.map((x) => nl(depth + 1) + goMarshalIndent(x, prefix, indent, depth + 1)).join(',') + nl(depth) + ']';
  }
  if (v instanceof RObject) {
    const es = entries(v);
    if (es.length === 0) return '{}';
    return (
      '{' +
      es.map(([k, x]) => nl(depth + 1) + goJSONString(k) + ': ' + goMarshalIndent(x, prefix, indent, depth + 1)).join(',') +
      nl(depth) +
      '}'
    );
  }
  return goMarshal(v);
}

/** A JSON syntax error with Go's text. */
export class GoJSONError extends Error {}

const utf8 = new TextEncoder();

/** Go's `quoteChar` of the byte at `s[i]` (the first UTF-8 byte of a non-ASCII character). */
function quoteChar(s: string, i: number): string {
  const c = s.codePointAt(i) as number;
  const b = c < 0x80 ? c : (utf8.encode(String.fromCodePoint(c))[0] as number);
  if (b === 0x27) return "'\\''";
  if (b === 0x22) return "'\"'";
  if (b === 0x5c) return "'\\\\'";
  if (b === 0x0a) return "'\\n'";
  if (b === 0x0d) return "'\\r'";
  if (b === 0x09) return "'\\t'";
  if (b === 0x07) return "'\\a'";
  if (b === 0x08) return "'\\b'";
  if (b === 0x0b) return "'\\v'";
  if (b === 0x0c) return "'\\f'";
  if (b < 0x20 || b === 0x7f) return `'\\x${b.toString(16).padStart(2, '0')}'`;
  if (b >= 0x80 && b < 0xa0) return `'\\u00${b.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(b)}'`;
}

const MAX_DEPTH = 10000;

/** OPA's `ast.maxNumberExp`: the limit on a number's binary exponent. */
const MAX_NUMBER_EXP = 1e5;

/**
 * Whether a JSON number's binary exponent is past ±{@link MAX_NUMBER_EXP} (OPA's
 * `ast.NumberChecked`, which makes `json.unmarshal` fail with "invalid number: number too big").
 * Only exponent forms can be out of range.
 */
function numberOutOfRange(t: string): boolean {
  const e = t.search(/[eE]/);
  if (e < 0) return false;
  const [int = '', frac = ''] = t.slice(0, e).replace(/^-/, '').split('.');
  const all = int + frac;
  const first = all.search(/[1-9]/);
  if (first < 0) return false; // zero
  const exp = Number(t.slice(e + 1));
  // log10 |v| = (int.length - first - 1) + log10(d.ddd…) + exp
  const lead = Number(`${all[first]}.${all.slice(first + 1, first + 16)}0`);
  const log10 = int.length - first - 1 + Math.log10(lead) + exp;
  if (!Number.isFinite(log10)) return true;
  // |v| = mant·2^bexp with 0.5 <= mant < 1: bexp = floor(log2 |v|) + 1.
  const bexp = Math.floor(log10 * Math.LOG2E * Math.LN10) + 1;
  return bexp > MAX_NUMBER_EXP || bexp < -MAX_NUMBER_EXP;
}

/**
 * Decodes one JSON document as OPA's `util.UnmarshalJSON` does (a `json.Decoder` with
 * `UseNumber`, then a check for trailing tokens). Numbers stay exact. Throws `GoJSONError`.
 */
export function goUnmarshal(text: string): Value {
  let i = 0;
  let tooBig = false;
  const n = text.length;
  const bad = (ctx: string): never => {
    throw new GoJSONError(`invalid character ${quoteChar(text, i)} ${ctx}`);
  };
  const eof = (): never => {
    throw new GoJSONError('unexpected EOF');
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const literal = (word: string, v: Value): Value => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= n) eof();
      if (text[i] !== word[k]) bad(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
    return v;
  };
  const str = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= n) eof();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return out;
      }
      if (c < 0x20) bad('in string literal');
      if (c === 0x5c) {
        i++;
        if (i >= n) eof();
        const e = text[i] as string;
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) {
          out += simple[e];
          i++;
          continue;
        }
        if (e !== 'u') bad('in string escape code');
        let cu = 0;
        for (let k = 0; k < 4; k++) {
          i++;
          if (i >= n) eof();
          const h = parseInt(text[i] as string, 16);
          if (Number.isNaN(h)) bad('in \\u hexadecimal character escape');
          cu = cu * 16 + h;
        }
        out += String.fromCharCode(cu);
        i++;
        continue;
      }
      out += text[i];
      i++;
    }
  };
  const num = (): Value => {
    const start = i;
    if (text[i] === '-') {
      i++;
      if (i >= n) eof();
      if (!/[0-9]/.test(text[i] as string)) bad('in numeric literal');
    }
    if (text[i] === '0') i++;
    else while (i < n && /[0-9]/.test(text[i] as string)) i++;
    if (i < n && text[i] === '.') {
      i++;
      if (i >= n) eof();
      if (!/[0-9]/.test(text[i] as string)) bad('after decimal point in numeric literal');
      while (i < n && /[0-9]/.test(text[i] as string)) i++;
    }
    if (i < n && (text[i] === 'e' || text[i] === 'E')) {
      i++;
      if (i < n && (text[i] === '+' || text[i] === '-')) i++;
      if (i >= n) eof();
      if (!/[0-9]/.test(text[i] as string)) bad('in exponent of numeric literal');
      while (i < n && /[0-9]/.test(text[i] as string)) i++;
    }
    const t = text.slice(start, i);
    if (!tooBig && numberOutOfRange(t)) tooBig = true;
    return parseNumber(t) as Value;
  };
  const value = (depth: number, ctx: string): Value => {
    ws();
    if (i >= n) eof();
    const c = text[i] as string;
    if (c === '{') {
      if (depth >= MAX_DEPTH) throw new GoJSONError('exceeded max depth');
      i++;
      const o = new RObject();
      ws();
      if (i >= n) eof();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (i >= n) eof();
        if (text[i] !== '"') bad('looking for beginning of object key string');
        const k = str();
        ws();
        if (i >= n) eof();
        if (text[i] !== ':') bad('after object key');
        i++;
        o.set(k, value(depth + 1, 'looking for beginning of value'));
        ws();
        if (i >= n) eof();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return o;
        } else bad('after object key:value pair');
      }
    }
    if (c === '[') {
      if (depth >= MAX_DEPTH) throw new GoJSONError('exceeded max depth');
      i++;
      const a: Value[] = [];
      ws();
      if (i >= n) eof();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1, 'looking for beginning of value'));
        ws();
        if (i >= n) eof();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return a;
        } else bad('after array element');
      }
    }
    if (c === '"') return str();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    if (c === '-' || (c >= '0' && c <= '9')) return num();
    return bad(ctx);
  };
  ws();
  if (i >= n) throw new GoJSONError('EOF');
  const v = value(0, 'looking for beginning of value');
  // A number at the very end is complete; anything after the value is a second token.
  ws();
  if (i < n) {
    const c = text[i] as string;
    if (c === '{' || c === '[' || c === '"' || c === '-' || (c >= '0' && c <= '9')) {
      let tok = c;
      if (c === '"') {
        tok = str();
      } else if (c !== '{' && c !== '[') {
        const start = i;
        num();
        tok = text.slice(start, i);
      }
      throw new GoJSONError(`error: invalid character '${tok}' after top-level value`);
    }
    if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      literal(word, null);
      throw new GoJSONError(`error: invalid character '${word === 'null' ? '%!s(<nil>)' : `%!s(bool=${word})`}' after top-level value`);
    }
    bad('looking for beginning of value');
  }
  if (tooBig) throw new GoJSONError('invalid number: number too big');
  return v;
}

/** Go's `json.Valid`. */
export function goJSONValid(text: string): boolean {
  try {
    goUnmarshal(text);
    return true;
  } catch (e) {
    if (e instanceof GoJSONError) return false;
    throw e;
  }
}
