/**
 * OPA's encoding built-ins (`topdown/encoding.go`): base64, base64url, hex, urlquery (Go's
 * `url.QueryEscape` / `ParseQuery` rules) and `json.marshal`, `json.marshal_with_options`,
 * `json.unmarshal`, `json.is_valid`, with Go's error texts.
 */
import { RObject, RSet, compareStrings, formatValue, goQuote, typeName, type Value } from '@policy-engine/rego-value';
import { GoJSONError, goJSONValid, goMarshal, goMarshalIndent, goUnmarshal } from './gojson.js';
import { argObject, argString, BuiltinError, type BuiltinDef } from './registry.js';
import { fail, fromUtf8, goQuoteBytes, operandError, typeErrorOf, utf8 } from './util.js';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function b64encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += alphabet[(v >> 18) & 63]! + alphabet[(v >> 12) & 63]! + alphabet[(v >> 6) & 63]! + alphabet[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = (bytes[i] as number) << 16;
    out += alphabet[(v >> 18) & 63]! + alphabet[(v >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += alphabet[(v >> 18) & 63]! + alphabet[(v >> 12) & 63]! + alphabet[(v >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/** Go's `base64.CorruptInputError`: `illegal base64 data at input byte N`. */
export class Corrupt extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

/** Go's padded, non-strict `base64.Encoding.DecodeString` (newlines are skipped). */
function b64decode(s: string, alphabet: string): Uint8Array {
  const src = utf8(s);
  const map = new Int16Array(256).fill(-1);
  for (let k = 0; k < 64; k++) map[alphabet.charCodeAt(k)] = k;
  const out: number[] = [];
  let si = 0;
  const nl = (c: number | undefined): boolean => c === 0x0a || c === 0x0d;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let end = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out);
        throw new Corrupt(si - j);
      }
      const c = src[si] as number;
      si++;
      const d = map[c] as number;
      if (d >= 0) {
        dbuf[j] = d;
        continue;
      }
      if (nl(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d) throw new Corrupt(si - 1);
      if (j < 2) throw new Corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && nl(src[si])) si++;
        if (si === src.length) throw new Corrupt(src.length);
        if (src[si] !== 0x3d) throw new Corrupt(si - 1);
        si++;
      }
      while (si < src.length && nl(src[si])) si++;
      if (si < src.length) throw new Corrupt(si);
      dlen = j;
      end = true;
      break;
    }
    const v = ((dbuf[0] as number) << 18) | ((dbuf[1] as number) << 12) | ((dbuf[2] as number) << 6) | (dbuf[3] as number);
    out.push((v >> 16) & 255);
    if (dlen >= 3) out.push((v >> 8) & 255);
    if (dlen >= 4) out.push(v & 255);
    if (end) break;
    while (si < src.length && nl(src[si])) si++;
  }
  return Uint8Array.from(out);
}

/** Bytes as base64 (`url`: the URL alphabet; `pad`: with `=` padding), as Go's `base64` encodings. */
export function base64Encode(bytes: Uint8Array, url: boolean, pad: boolean): string {
  return b64encode(bytes, url ? URL : STD, pad);
}

/** Go's `base64.StdEncoding.DecodeString` (or the URL alphabet), as bytes. Throws {@link Corrupt}. */
export function base64Decode(s: string, url: boolean): Uint8Array {
  return b64decode(s, url ? URL : STD);
}

/**
 * OPA's `base64url.decode` as bytes: a missing padding is added first (a length of 1 mod 4
 * fails with `illegal base64url string: <s>`). Throws {@link Corrupt} or `Error`.
 */
export function base64UrlDecodeBytes(s: string): Uint8Array {
  if (!s.endsWith('=')) {
    const r = utf8(s).length % 4;
    if (r === 2) s += '==';
    else if (r === 3) s += '=';
    else if (r === 1) throw new Error(`illegal base64url string: ${s}`);
  }
  return b64decode(s, URL);
}

function decodeWith(name: string, s: string, alphabet: string): string {
  try {
    return fromUtf8(b64decode(s, alphabet));
  } catch (e) {
    if (e instanceof Corrupt) throw fail(name, e.message);
    throw e;
  }
}

const HEXDIGITS = '0123456789abcdef';

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Go's `%#U` of a byte read as a rune. */
function goRuneU(b: number): string {
  const u = 'U+' + b.toString(16).toUpperCase().padStart(4, '0');
  const printable = !(b < 0x20 || (b >= 0x7f && b < 0xa0) || b === 0xad);
  return printable ? `${u} '${String.fromCharCode(b)}'` : u;
}

function hexDecode(s: string): string {
  const src = utf8(s);
  const out: number[] = [];
  let j = 1;
  for (; j < src.length; j += 2) {
    const p = src[j - 1] as number;
    const q = src[j] as number;
    const a = hexValue(p);
    const b = hexValue(q);
    if (a < 0) throw fail('hex.decode', `encoding/hex: invalid byte: ${goRuneU(p)}`);
    if (b < 0) throw fail('hex.decode', `encoding/hex: invalid byte: ${goRuneU(q)}`);
    out.push(a * 16 + b);
  }
  if (src.length % 2 === 1) {
    const p = src[j - 1] as number;
    if (hexValue(p) < 0) throw fail('hex.decode', `encoding/hex: invalid byte: ${goRuneU(p)}`);
    throw fail('hex.decode', 'encoding/hex: odd length hex string');
  }
  return fromUtf8(Uint8Array.from(out));
}

/** Go's `url.QueryEscape`. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

class EscapeError extends Error {}

/** Go's `url.QueryUnescape`. */
function queryUnescape(s: string): string {
  const src = utf8(s);
  const out: number[] = [];
  for (let i = 0; i < src.length;) {
    const c = src[i] as number;
    if (c === 0x25) {
      if (i + 2 >= src.length || hexValue(src[i + 1] as number) < 0 || hexValue(src[i + 2] as number) < 0) {
        throw new EscapeError(`invalid URL escape ${goQuoteBytes(src.subarray(i, Math.min(src.length, i + 3)))}`);
      }
      out.push(hexValue(src[i + 1] as number) * 16 + hexValue(src[i + 2] as number));
      i += 3;
    } else {
      out.push(c === 0x2b ? 0x20 : c);
      i++;
    }
  }
  return fromUtf8(Uint8Array.from(out));
}

function jsonKey(k: Value): string {
  return typeof k === 'string' ? k : goMarshal(k);
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  { name: 'base64.encode', arity: 1, fn: (args) => b64encode(utf8(argString('base64.encode', args, 0)), STD, true) },
  { name: 'base64.decode', arity: 1, fn: (args) => decodeWith('base64.decode', argString('base64.decode', args, 0), STD) },
  {
    name: 'base64.is_valid',
    arity: 1,
    fn: ([v]) => {
      if (typeof v !== 'string') return false;
      try {
        b64decode(v, STD);
        return true;
      } catch (e) {
        if (e instanceof Corrupt) return false;
        throw e;
      }
    },
  },
  { name: 'base64url.encode', arity: 1, fn: (args) => b64encode(utf8(argString('base64url.encode', args, 0)), URL, true) },
  {
    name: 'base64url.encode_no_pad',
    arity: 1,
    fn: (args) => b64encode(utf8(argString('base64url.encode_no_pad', args, 0)), URL, false),
  },
  {
    name: 'base64url.decode',
    arity: 1,
    fn: (args) => {
      try {
        return fromUtf8(base64UrlDecodeBytes(argString('base64url.decode', args, 0)));
      } catch (e) {
        if (e instanceof Error && !(e instanceof BuiltinError)) throw fail('base64url.decode', e.message);
        throw e;
      }
    },
  },
  {
    name: 'hex.encode',
    arity: 1,
    fn: (args) => {
      let out = '';
      for (const b of utf8(argString('hex.encode', args, 0))) out += HEXDIGITS[b >> 4]! + HEXDIGITS[b & 15]!;
      return out;
    },
  },
  { name: 'hex.decode', arity: 1, fn: (args) => hexDecode(argString('hex.decode', args, 0)) },
  { name: 'urlquery.encode', arity: 1, fn: (args) => queryEscape(argString('urlquery.encode', args, 0)) },
  {
    name: 'urlquery.decode',
    arity: 1,
    fn: (args) => {
      try {
        return queryUnescape(argString('urlquery.decode', args, 0));
      } catch (e) {
        if (e instanceof EscapeError) throw fail('urlquery.decode', e.message);
        throw e;
      }
    },
  },
  {
    name: 'urlquery.encode_object',
    arity: 1,
    fn: ([v]) => {
      const obj = v as Value;
      if (!(obj instanceof RObject)) throw typeErrorOf('urlquery.encode_object', 1, obj, 'object');
      const values = new Map<string, string[]>();
      for (const [k, x] of obj.sortedEntries()) {
        const key = jsonKey(k);
        if (typeof x === 'string') values.set(key, [x]);
        else if (Array.isArray(x) || x instanceof RSet) {
          const xs = Array.isArray(x) ? (x as readonly Value[]) : x.sorted();
          for (const s of xs) {
            if (typeof s !== 'string')
              throw operandError('urlquery.encode_object', 1, 'values must be string, array[string], or set[string]');
            const list = values.get(key) ?? [];
            list.push(s);
            values.set(key, list);
          }
        } else throw operandError('urlquery.encode_object', 1, 'values must be string, array[string], or set[string]');
      }
      const keys = [...values.keys()].sort(compareStrings);
      const parts: string[] = [];
      for (const k of keys) for (const s of values.get(k) as string[]) parts.push(queryEscape(k) + '=' + queryEscape(s));
      return parts.join('&');
    },
  },
  {
    name: 'urlquery.decode_object',
    arity: 1,
    fn: (args) => {
      const q = argString('urlquery.decode_object', args, 0);
      const m = new Map<string, string[]>();
      let first: string | undefined;
      for (const part of q.split('&')) {
        if (part === '') continue;
        if (part.includes(';')) {
          // Go's parseQuery: a semicolon error replaces any earlier error; escape errors keep the first.
          first = 'invalid semicolon separator in query';
          continue;
        }
        const eq = part.indexOf('=');
        const rawK = eq < 0 ? part : part.slice(0, eq);
        const rawV = eq < 0 ? '' : part.slice(eq + 1);
        let k: string;
        let val: string;
        try {
          k = queryUnescape(rawK);
          val = queryUnescape(rawV);
        } catch (e) {
          if (e instanceof EscapeError) {
            first ??= e.message;
            continue;
          }
          throw e;
        }
        const list = m.get(k) ?? [];
        list.push(val);
        m.set(k, list);
      }
      if (first !== undefined) throw fail('urlquery.decode_object', first);
      const out = new RObject();
      for (const [k, vs] of m) out.set(k, vs);
      return out;
    },
  },
  { name: 'json.marshal', arity: 1, fn: ([v]) => goMarshal(v as Value) },
  {
    name: 'json.marshal_with_options',
    arity: 2,
    fn: (args) => {
      const name = 'json.marshal_with_options';
      const opts = argObject(name, args, 1);
      let indent = '\t';
      let prefix = '';
      let implicit = false;
      let explicit: boolean | undefined;
      opts.sortedEntries().forEach(([k, val], idx) => {
        if (typeof k !== 'string') {
          throw operandError(
            name,
            2,
            `failed to stringify key ${formatValue(k)} at index ${idx}: operand ${idx} must be string but got ${typeName(k)}`,
          );
        }
        switch (k) {
          case 'prefix':
            if (typeof val !== 'string')
              throw operandError(name, 2, `key prefix failed cast to string: operand ${idx} must be string but got ${typeName(val)}`);
            prefix = val;
            implicit = true;
            break;
          case 'indent':
            if (typeof val !== 'string')
              throw operandError(name, 2, `key indent failed cast to string: operand ${idx} must be string but got ${typeName(val)}`);
            indent = val;
            implicit = true;
            break;
          case 'pretty':
            if (typeof val !== 'boolean') throw operandError(name, 2, 'key pretty failed cast to bool');
            explicit = val;
            break;
          default:
            throw operandError(name, 2, `object contained unknown key ${goQuote(k)}`);
        }
      });
      const pretty = explicit ?? implicit;
      const v = args[0] as Value;
      return pretty ? prefix + goMarshalIndent(v, prefix, indent) : goMarshal(v);
    },
  },
  {
    name: 'json.unmarshal',
    arity: 1,
    fn: (args) => {
      try {
        return goUnmarshal(argString('json.unmarshal', args, 0));
      } catch (e) {
        if (e instanceof GoJSONError) throw fail('json.unmarshal', e.message);
        throw e;
      }
    },
  },
  { name: 'json.is_valid', arity: 1, fn: ([v]) => typeof v === 'string' && goJSONValid(v) },
];
