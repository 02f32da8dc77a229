/** Conversion between Rego values and JSON (values, and text keeping big numbers exact). */
import { BigNum, fromBigInt, fromInputNumber, numberText, parseNumber, toFloat } from './number.js';
import { RObject, RSet, isArray, type Value } from './value.js';

/** Thrown when a JS value or JSON text cannot become a Rego value. */
export class ValueConversionError extends Error {
  /** Stable code. */
  readonly code = 'VALUE_CONVERSION_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'ValueConversionError';
  }
}

/** Options of `fromJSON`. */
export interface FromJSONOptions {
  /** Convert plain objects member by member when first read (errors then surface at that read). */
  readonly lazy?: boolean;
  /** Maximum nesting depth (default 10 000); deeper values throw `ValueConversionError`. */
  readonly maxDepth?: number;
  /**
   * Refuse bigints (throw `ValueConversionError`), as `JSON.stringify` does: for callers whose
   * contract is JSON values only. By default a bigint reads as an exact integer.
   */
  readonly refuseBigInts?: boolean;
}

/**
 * A Rego value from a JS value: JSON data (plain objects, arrays, strings, finite numbers,
 * booleans, null), bigints, JS `Set`s and `Map`s, and values that already are Rego values.
 * `undefined` members of objects are dropped (as JSON.stringify does).
 */
export function fromJSON(x: unknown, depth = 0, options?: FromJSONOptions): Value {
  if (depth > (options?.maxDepth ?? 10_000))
    throw new ValueConversionError(`value nested deeper than ${options?.maxDepth ?? 10_000} levels`);
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new ValueConversionError(`not a JSON number: ${x}`);
    return fromInputNumber(x);
  }
  if (typeof x === 'bigint') {
    if (options?.refuseBigInts) throw new ValueConversionError(`not a JSON value: the bigint ${x}n`);
    return fromBigInt(x);
  }
  if (typeof x !== 'object') throw new ValueConversionError(`cannot convert a ${typeof x} to a Rego value`);
  if (x instanceof RObject || x instanceof RSet || x instanceof BigNum) return x;
  if (Array.isArray(x)) {
    const out: Value[] = new Array<Value>(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i] === undefined ? null : fromJSON(x[i], depth + 1, options);
    return out;
  }
  if (x instanceof Set) {
    const s = new RSet();
    for (const v of x) s.add(fromJSON(v, depth + 1, options));
    return s;
  }
  if (x instanceof Map) {
    const o = new RObject();
    for (const [k, v] of x) if (v !== undefined) o.set(fromJSON(k, depth + 1, options), fromJSON(v, depth + 1, options));
    return o;
  }
  const rec = x as Record<string, unknown>;
  if (typeof (rec as { toJSON?: unknown }).toJSON === 'function')
    return fromJSON((rec as { toJSON: () => unknown }).toJSON(), depth + 1, options);
  if (options?.lazy) return RObject.lazy(rec, (v) => fromJSON(v, depth + 1, options));
  const o = new RObject();
  for (const k of Object.keys(rec)) {
    const v = rec[k];
    if (v !== undefined) o.set(k, fromJSON(v, depth + 1, options));
  }
  return o;
}

/** How `toJSON` renders numbers a JS number cannot hold exactly. */
export interface ToJSONOptions {
  /** `number` (default, nearest float), `bigint` for big integers, or `string` (exact text). */
  readonly bigNumbers?: 'number' | 'bigint' | 'string';
}

/** Key text of an object key in JSON: strings as is, others JSON-encoded (as OPA does). */
function jsonKey(k: Value): string {
  return typeof k === 'string' ? k : toJSONText(k);
}

const NO_OPTIONS: ToJSONOptions = {};

/** A JSON value (sets become arrays in OPA's order; non-string object keys are JSON-encoded). */
export function toJSON(v: Value, options: ToJSONOptions = NO_OPTIONS): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (v instanceof BigNum) {
    if (options.bigNumbers === 'string') return numberText(v);
    if (options.bigNumbers === 'bigint' && v.exp >= 0) return v.mant * 10n ** BigInt(v.exp);
    return toFloat(v);
  }
  if (isArray(v) || v instanceof RSet) {
    const items = isArray(v) ? v : v.sorted();
    const out = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = toJSON(items[i] as Value, options);
    return out;
  }
  const out: Record<string, unknown> = {};
  const entries = v.sortedEntries();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as readonly [Value, Value];
    out[jsonKey(e[0])] = toJSON(e[1], options);
  }
  return out;
}

/** JSON text of a value (compact, keys sorted, numbers exact). */
export function toJSONText(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return numberText(v);
    case 'string':
      return JSON.stringify(v);
  }
  if (v instanceof BigNum) return numberText(v);
  if (Array.isArray(v)) return '[' + v.map(toJSONText).join(',') + ']';
  if (v instanceof RSet) return '[' + v.sorted().map(toJSONText).join(',') + ']';
  const parts: string[] = [];
  for (const [k, x] of (v as RObject).sortedEntries()) parts.push(JSON.stringify(jsonKey(k)) + ':' + toJSONText(x));
  return '{' + parts.join(',') + '}';
}

/** Parses JSON text into a Rego value, keeping every number exact. Throws `ValueConversionError`. */
export function parseJSONText(text: string): Value {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new ValueConversionError(`invalid JSON at offset ${i}: ${what}`);
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (): string => {
    const start = ++i;
    let j = text.indexOf('"', start);
    if (j < 0) fail('unterminated string');
    const plain = text.slice(start, j);
    if (!plain.includes('\\') && !hasControl(plain)) {
      i = j + 1;
      return plain;
    }
    // Find the real end, honouring escapes, then let JSON.parse decode it.
    j = start;
    while (j < n) {
      const c = text[j];
      if (c === '\\') j += 2;
      else if (c === '"') break;
      else j++;
    }
    if (j >= n) fail('unterminated string');
    const raw = text.slice(start - 1, j + 1);
    i = j + 1;
    try {
      return JSON.parse(raw) as string;
    } catch {
      return fail('bad string');
    }
  };
  const value = (depth: number): Value => {
    if (depth > 10_000) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o = new RObject();
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const k = str();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        o.set(k, value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return o;
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const a: Value[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return a;
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r || r[0].length === 0) return fail('unexpected character');
    i += r[0].length;
    return parseNumber(r[0]) ?? fail('bad number');
  };
  const v = value(0);
  ws();
  if (i < n) fail('trailing characters');
  return v;
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}
