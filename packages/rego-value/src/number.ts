/**
 * Rego numbers. A number is a JS `number` whenever that is exact (safe integers, and
 * decimals whose shortest JS text is the decimal itself), otherwise a `BigNum`: an exact
 * decimal `mant × 10^exp`. Every number has exactly one representation (canonical form), so
 * equality of representations is equality of values (`3.50 == 3.5`, `1e400 > 1e399`).
 */

/** An exact decimal `mant × 10^exp`, normalised (no trailing zeros in `mant`). */
export class BigNum {
  /** Mantissa (never divisible by 10 unless 0). */
  readonly mant: bigint;
  /** Power of ten. */
  readonly exp: number;
  /**
   * The number's text as it was sent, when OPA would keep a text other than the canonical one
   * (a JSON input number in exponent form: `1e+21`, `1e-7`); see {@link fromInputNumber}.
   */
  readonly text: string | undefined;
  /** Use `makeNumber` — a BigNum is only built for values a JS number cannot hold exactly (or to keep a text). */
  constructor(mant: bigint, exp: number, text?: string) {
    this.mant = mant;
    this.exp = exp;
    this.text = text;
  }
  /** Decimal text, e.g. `12345678901234567890` or `1e400` (the kept text when there is one). */
  toString(): string {
    return this.text ?? decimalText(this.mant, this.exp);
  }
}

/** A Rego number. */
export type RNumber = number | BigNum;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const NUM_RE = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function normalise(mant: bigint, exp: number): [bigint, number] {
  if (mant === 0n) return [0n, 0];
  while (mant % 10n === 0n) {
    mant /= 10n;
    exp += 1;
  }
  return [mant, exp];
}

/** Text of `mant × 10^exp` as Go/OPA would print a json.Number of it. */
function decimalText(mant: bigint, exp: number): string {
  const neg = mant < 0n;
  const digits = (neg ? -mant : mant).toString();
  const sign = neg ? '-' : '';
  if (exp >= 0) {
    if (exp + digits.length <= 30) return sign + digits + '0'.repeat(exp);
    return `${sign}${digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits}e+${exp + digits.length - 1}`;
  }
  const point = digits.length + exp;
  if (point > 0) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  if (point > -20) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits}e${point - 1}`;
}

/** Exact decimal of a finite JS number (its shortest text). */
export function decimalOf(n: number): [bigint, number] {
  if (Number.isSafeInteger(n)) return normalise(BigInt(n), 0);
  const m = NUM_RE.exec(String(n));
  if (!m) throw new RangeError(`not a finite number: ${n}`);
  return parseParts(m);
}

function parseParts(m: RegExpExecArray): [bigint, number] {
  const frac = m[3] ?? '';
  let mant = BigInt((m[2] ?? '0') + frac);
  if (m[1]) mant = -mant;
  const e = m[4] ? Number(m[4]) : 0;
  return normalise(mant, e - frac.length);
}

/** The canonical number for `mant × 10^exp`. */
export function makeNumber(mant: bigint, exp: number): RNumber {
  [mant, exp] = normalise(mant, exp);
  if (exp >= 0) {
    if (exp <= 16) {
      const v = mant * pow10(exp);
      if (v <= MAX_SAFE && v >= -MAX_SAFE) return Number(v);
    }
    return new BigNum(mant, exp);
  }
  const n = Number(decimalText(mant, exp));
  if (Number.isFinite(n) && !Number.isInteger(n)) {
    const [m2, e2] = decimalOf(n);
    if (m2 === mant && e2 === exp) return n;
  }
  return new BigNum(mant, exp);
}

/** The canonical number of a bigint. */
export function fromBigInt(v: bigint): RNumber {
  if (v <= MAX_SAFE && v >= -MAX_SAFE) return Number(v);
  return makeNumber(v, 0);
}

/** The canonical number of a finite JS number (integral floats past 2^53 become exact BigNums). Throws on NaN/±Infinity. */
export function fromFloat(n: number): RNumber {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  if (!Number.isInteger(n)) return n;
  const [m, e] = decimalOf(n);
  return makeNumber(m, e);
}

/**
 * The number of a JS number read as JSON input. OPA keeps a JSON number's text, and a JS
 * number reaches it as `JSON.stringify` writes it: in exponent form for |n| ≥ 1e21 and
 * |n| < 1e-6 (`1e+21`, `1e-7`). Such a number keeps that text (a `BigNum` with `text`), so
 * `sprintf("%v", [x])` shows `1e+21` and `%d` treats it as a float, as OPA does; its value,
 * equality, order and hash are those of `fromFloat(n)`.
 */
export function fromInputNumber(n: number): RNumber {
  const c = fromFloat(n);
  const text = String(n);
  if (!text.includes('e')) return c;
  const [m, e] = toDecimal(c);
  return new BigNum(m, e, text);
}

/** The canonical number of any number (a kept text dropped). */
export function canonicalNumber(n: RNumber): RNumber {
  return typeof n === 'number' || n.text === undefined ? n : makeNumber(n.mant, n.exp);
}

/** Parses a JSON/Rego number literal exactly; undefined when the text is not a number. */
export function parseNumber(text: string): RNumber | undefined {
  if (text.length <= 15 && /^-?\d+$/.test(text)) return Number(text) || 0;
  const m = NUM_RE.exec(text);
  if (!m) return undefined;
  const [mant, exp] = parseParts(m);
  return makeNumber(mant, exp);
}

/**
 * A Rego number literal as OPA's parser keeps it (`ast.Number` holds the source text): the exact
 * value, and, when the text is a float's (`100.0`, `1e2`, `.0`, `2e308`) but the value an integer or
 * too large for a float64, that text too (as {@link fromInputNumber} does), so `sprintf("%f", [100.0])`
 * formats a float and `sprintf("%v", [2e308])` prints `2e308`, as OPA does. A leading-dot form
 * (`.5`, `-.5`) is read as `0.5`; undefined when the text is not a number.
 */
export function parseNumberLiteral(text: string): RNumber | undefined {
  const t = text.startsWith('.') ? '0' + text : text.startsWith('-.') ? '-0' + text.slice(1) : text;
  const n = parseNumber(t);
  if (n === undefined || !/[.eE]/.test(t)) return n;
  if (!isInteger(n) && Number.isFinite(toFloat(n))) return n;
  const [m, e] = toDecimal(n);
  return new BigNum(m, e, t);
}

/** `mant, exp` of any number. */
export function toDecimal(n: RNumber): [bigint, number] {
  return typeof n === 'number' ? decimalOf(n) : [n.mant, n.exp];
}

function cmpDecimal(a: [bigint, number], b: [bigint, number]): number {
  const [am, ae] = a;
  const [bm, be] = b;
  const as = am < 0n ? -1 : am > 0n ? 1 : 0;
  const bs = bm < 0n ? -1 : bm > 0n ? 1 : 0;
  if (as !== bs) return as < bs ? -1 : 1;
  if (as === 0) return 0;
  // Compare adjusted exponents first (bounded work for huge exponents).
  const ad = (am < 0n ? -am : am).toString().length + ae;
  const bd = (bm < 0n ? -bm : bm).toString().length + be;
  if (ad !== bd) return (ad < bd ? -1 : 1) * as;
  const e = Math.min(ae, be);
  const x = am * pow10(ae - e);
  const y = bm * pow10(be - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Numeric order: -1, 0, 1. */
export function compareNumbers(a: RNumber, b: RNumber): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return cmpDecimal(toDecimal(a), toDecimal(b));
}

/** Numeric equality (canonical forms make this structural; a number with a kept text is compared by value). */
export function numbersEqual(a: RNumber, b: RNumber): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'number') return (b as BigNum).text !== undefined && a === canonicalNumber(b);
  if (typeof b === 'number') return a.text !== undefined && b === canonicalNumber(a);
  return a.mant === b.mant && a.exp === b.exp;
}

/** Whether the number is an integer. */
export function isInteger(n: RNumber): boolean {
  return typeof n === 'number' ? Number.isInteger(n) : n.exp >= 0;
}

/** The integer value as a bigint; undefined when not an integer. */
export function toBigInt(n: RNumber): bigint | undefined {
  if (typeof n === 'number') return Number.isInteger(n) ? BigInt(n) : undefined;
  return n.exp >= 0 ? n.mant * pow10(n.exp) : undefined;
}

/** A JS float approximation (may be ±Infinity for huge BigNums). */
export function toFloat(n: RNumber): number {
  return typeof n === 'number' ? n : Number(decimalText(n.mant, n.exp));
}

/** A safe JS integer when the number is one, else undefined. */
export function toSafeInteger(n: RNumber): number | undefined {
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}

/** Text as OPA prints the number (`1`, `3.5`, `12345678901234567890`, `1e+400`). */
export function numberText(n: RNumber): string {
  if (typeof n === 'number') {
    if (Number.isInteger(n)) return String(n);
    const s = String(n);
    if (!s.includes('e')) return s;
    const [m, e] = decimalOf(n);
    return decimalText(m, e);
  }
  return n.text ?? decimalText(n.mant, n.exp);
}

function exactOp(a: RNumber, b: RNumber, op: 'add' | 'sub' | 'mul'): RNumber {
  const [am, ae] = toDecimal(a);
  const [bm, be] = toDecimal(b);
  if (op === 'mul') return makeNumber(am * bm, ae + be);
  const e = Math.min(ae, be);
  const x = am * pow10(ae - e);
  const y = bm * pow10(be - e);
  return makeNumber(op === 'add' ? x + y : x - y, e);
}

function bothIntegers(a: RNumber, b: RNumber): boolean {
  return isInteger(a) && isInteger(b);
}

/** `a + b`: exact for integers (any size); floats otherwise, exact decimals when a float overflows. */
export function add(a: RNumber, b: RNumber): RNumber {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r) || (!Number.isInteger(r) && Number.isFinite(r))) return r;
  }
  if (bothIntegers(a, b)) return exactOp(a, b, 'add');
  return floatOr(toFloat(a) + toFloat(b), () => exactOp(a, b, 'add'));
}

/** `a - b`. */
export function sub(a: RNumber, b: RNumber): RNumber {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isSafeInteger(r) || (!Number.isInteger(r) && Number.isFinite(r))) return r;
  }
  if (bothIntegers(a, b)) return exactOp(a, b, 'sub');
  return floatOr(toFloat(a) - toFloat(b), () => exactOp(a, b, 'sub'));
}

/** `a * b`. */
export function mul(a: RNumber, b: RNumber): RNumber {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (Number.isSafeInteger(r) || (!Number.isInteger(r) && Number.isFinite(r))) return r;
  }
  if (bothIntegers(a, b)) return exactOp(a, b, 'mul');
  return floatOr(toFloat(a) * toFloat(b), () => exactOp(a, b, 'mul'));
}

function floatOr(r: number, exact: () => RNumber): RNumber {
  if (Number.isFinite(r) && !(Number.isInteger(r) && !Number.isSafeInteger(r))) return r === 0 ? 0 : r;
  return exact();
}

/** `a / b`; undefined when `b` is zero (callers raise OPA's "divide by zero"). */
export function div(a: RNumber, b: RNumber): RNumber | undefined {
  if (isZero(b)) return undefined;
  const ai = toBigInt(a);
  const bi = toBigInt(b);
  if (ai !== undefined && bi !== undefined && ai % bi === 0n) return fromBigInt(ai / bi);
  const r = toFloat(a) / toFloat(b);
  if (Number.isFinite(r)) return fromFloat(r);
  // Exact-ish long division with 40 significant digits.
  const [am, ae] = toDecimal(a);
  const [bm, be] = toDecimal(b);
  const scale = 40;
  return makeNumber((am * pow10(scale)) / bm, ae - be - scale);
}

/** `a % b` for integers (truncated, sign of `a`, as Go); undefined when not integers or `b` is 0. */
export function rem(a: RNumber, b: RNumber): RNumber | undefined {
  const ai = toBigInt(a);
  const bi = toBigInt(b);
  if (ai === undefined || bi === undefined || bi === 0n) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return (a % b) + 0;
  return fromBigInt(ai % bi);
}

/** `-a`. */
export function neg(a: RNumber): RNumber {
  return typeof a === 'number' ? (a === 0 ? 0 : -a) : new BigNum(-a.mant, a.exp);
}

/** `|a|`. */
export function abs(a: RNumber): RNumber {
  return compareNumbers(a, 0) < 0 ? neg(a) : a;
}

/** Whether the number is zero. */
export function isZero(a: RNumber): boolean {
  return typeof a === 'number' ? a === 0 : a.mant === 0n;
}

/** Sign: -1, 0 or 1. */
export function sign(a: RNumber): number {
  return compareNumbers(a, 0);
}

function roundWith(a: RNumber, mode: 'floor' | 'ceil' | 'round'): RNumber {
  if (typeof a === 'number') {
    if (mode === 'round') return fromFloat(a < 0 ? -Math.round(-a) : Math.round(a));
    return fromFloat(mode === 'floor' ? Math.floor(a) : Math.ceil(a));
  }
  if (a.exp >= 0) return a;
  const d = pow10(-a.exp);
  let q = a.mant / d; // truncated
  const r = a.mant % d;
  if (r === 0n) return fromBigInt(q);
  if (mode === 'floor' && a.mant < 0n) q -= 1n;
  else if (mode === 'ceil' && a.mant > 0n) q += 1n;
  else if (mode === 'round') {
    const twice = (r < 0n ? -r : r) * 2n;
    if (twice >= d) q += a.mant < 0n ? -1n : 1n;
  }
  return fromBigInt(q);
}

/** Floor. */
export function floor(a: RNumber): RNumber {
  return roundWith(a, 'floor');
}
/** Ceiling. */
export function ceil(a: RNumber): RNumber {
  return roundWith(a, 'ceil');
}
/** Round half away from zero (Go's math.Round, as OPA's `round`). */
export function round(a: RNumber): RNumber {
  return roundWith(a, 'round');
}
