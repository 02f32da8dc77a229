/**
 * The JSON-level values the runner compares: what OPA's test runner compares after turning
 * every binding into JSON (sets become arrays in OPA's order, object keys strings). Numbers
 * are exact decimals ({@link Num}), so integers past 2^53 and `1e400` survive.
 */

/** An exact decimal number: `sign × 0.digits × 10^exp` canonicalised (no leading/trailing zeros). */
export class Num {
  /** -1, 0 or 1. */
  readonly sign: -1 | 0 | 1;
  /** Significant digits without leading or trailing zeros ("" for zero). */
  readonly digits: string;
  /** Decimal exponent: the value is `0.<digits> × 10^exp`. */
  readonly exp: number;
  /** The text the number was read from (for messages). */
  readonly text: string;

  private constructor(sign: -1 | 0 | 1, digits: string, exp: number, text: string) {
    this.sign = sign;
    this.digits = digits;
    this.exp = exp;
    this.text = text;
  }

  /** Reads a JSON number text (`-12.5e3`); throws on anything else. */
  static parse(text: string): Num {
    const m = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m) throw new Error(`not a number: ${text}`);
    const neg = m[1] === '-';
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    const e = Number(m[4] ?? '0');
    let all = intPart + frac;
    let exp = intPart.length + e;
    const lead = /^0*/.exec(all)?.[0].length ?? 0;
    all = all.slice(lead);
    exp -= lead;
    all = all.replace(/0+$/, '');
    if (all === '') return new Num(0, '', 0, text);
    return new Num(neg ? -1 : 1, all, exp, text);
  }

  /** From a JS number (its shortest round-trip text) or bigint (exact). */
  static of(n: number | bigint): Num {
    if (typeof n === 'number' && !Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
    return Num.parse(typeof n === 'bigint' ? n.toString() : String(n).replace(/e\+/, 'e'));
  }

  /** Numeric comparison: -1, 0 or 1. */
  compare(o: Num): number {
    if (this.sign !== o.sign) return this.sign < o.sign ? -1 : 1;
    if (this.sign === 0) return 0;
    let mag: number;
    if (this.exp !== o.exp) mag = this.exp < o.exp ? -1 : 1;
    else mag = this.digits < o.digits ? -1 : this.digits > o.digits ? 1 : 0;
    return this.sign * mag;
  }

  /** Canonical text: equal numbers give equal text (`1`, `1.0`, `10e-1` → `1`). */
  toString(): string {
    if (this.sign === 0) return '0';
    const s = this.sign < 0 ? '-' : '';
    const d = this.digits;
    if (this.exp >= d.length && this.exp <= 21) return s + d + '0'.repeat(this.exp - d.length);
    if (this.exp > 0 && this.exp < d.length) return `${s}${d.slice(0, this.exp)}.${d.slice(this.exp)}`;
    if (this.exp <= 0 && this.exp > -7) return `${s}0.${'0'.repeat(-this.exp)}${d}`;
    return `${s}${d[0]}${d.length > 1 ? `.${d.slice(1)}` : ''}e${this.exp - 1}`;
  }
}

/** A JSON value with exact numbers. Objects are plain records (keys are strings in JSON). */
export type JValue = null | boolean | Num | string | readonly JValue[] | { readonly [key: string]: JValue };

/** Whether a value is an object (not an array, a number or null). */
export function isJObject(v: JValue): v is { readonly [key: string]: JValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Num);
}

function rank(v: JValue): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (v instanceof Num) return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  return 5;
}

/** Go's string order (UTF-8 bytes, i.e. code points), which differs from UTF-16 order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a].map((c) => c.codePointAt(0) ?? 0);
  const y = [...b].map((c) => c.codePointAt(0) ?? 0);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] ?? 0) < (y[i] ?? 0) ? -1 : 1;
  return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
}

/**
 * OPA's total order on JSON values (`util.Compare`/`ast.Compare`): null < boolean < number <
 * string < array < object; arrays element-wise, objects by sorted keys then values.
 */
export function compareValues(a: JValue, b: JValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a === null || b === null) return 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Num && b instanceof Num) return a.compare(b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareValues(a[i] as JValue, b[i] as JValue);
      if (c !== 0) return c;
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }
  if (isJObject(a) && isJObject(b)) {
    const ka = Object.keys(a).sort(compareStrings);
    const kb = Object.keys(b).sort(compareStrings);
    const n = Math.min(ka.length, kb.length);
    for (let i = 0; i < n; i++) {
      const c = compareStrings(ka[i] as string, kb[i] as string);
      if (c !== 0) return c;
      const d = compareValues(a[ka[i] as string] as JValue, b[kb[i] as string] as JValue);
      if (d !== 0) return d;
    }
    return ka.length < kb.length ? -1 : ka.length > kb.length ? 1 : 0;
  }
  return 0;
}

/** Rego equality on JSON values: numbers by value (`1` equals `1.0`), objects regardless of key order. */
export function valuesEqual(a: JValue, b: JValue): boolean {
  return compareValues(a, b) === 0;
}

/**
 * Converts what a YAML or JSON reader produced (numbers, bigints, arrays, plain objects) into
 * a {@link JValue}. `Map`s (YAML maps with non-scalar keys) get string keys.
 */
export function fromPlain(v: unknown, where = 'value'): JValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'number':
    case 'bigint':
      return Num.of(v);
  }
  if (v instanceof Num) return v;
  if (Array.isArray(v)) return v.map((x, i) => fromPlain(x, `${where}[${i}]`));
  if (v instanceof Map) {
    const o: Record<string, JValue> = {};
    for (const [k, x] of v) o[String(k)] = fromPlain(x, `${where}.${String(k)}`);
    return o;
  }
  if (typeof v === 'object') {
    const o: Record<string, JValue> = {};
    for (const [k, x] of Object.entries(v)) o[k] = fromPlain(x, `${where}.${k}`);
    return o;
  }
  throw new Error(`${where}: cannot use a ${typeof v} as a JSON value`);
}

/** JSON text of a value, numbers exactly as canonical decimals, object keys sorted. */
export function toJSONText(v: JValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Num) return v.toString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(toJSONText).join(',')}]`;
  const o = v as { readonly [key: string]: JValue };
  return `{${Object.keys(o)
    .sort(compareStrings)
    .map((k) => `${JSON.stringify(k)}:${toJSONText(o[k] as JValue)}`)
    .join(',')}}`;
}

/** A syntax error in JSON text, with its character offset. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

/** Parses JSON text keeping every number exact (no rounding of big integers or `1e400`). */
export function parseJsonExact(text: string): JValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, i);
  };
  const value = (): JValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: Record<string, JValue> = {};
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
        if (text[i] !== ':') fail('expected ":"');
        i++;
        o[k] = value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return o;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const a: JValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        fail('expected "," or "]"');
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
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 4096));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return Num.parse(m[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i < text.length) fail('unexpected text after the value');
  return v;
}
