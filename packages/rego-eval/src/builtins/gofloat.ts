/**
 * Go `math/big.Float` arithmetic as OPA's built-ins use it: binary floating point with a
 * mantissa of `prec` bits (64 for a number parsed by `SetString`, 53 for `big.NewFloat`),
 * round-half-to-even, unbounded exponent, and `Text('g', -1)` (the shortest decimal that
 * reads back as the same float). OPA's `sum`, `product`, `abs`, `round`, `ceil` and `floor`
 * of non-integers go through it, so `sum([0.1, 0.2])` is `0.3` while `product([0.1, 3])` is
 * `0.30000000000000004`.
 */
import { BigNum, makeNumber, numberText, toDecimal, type RNumber } from '@policy-engine/rego-value';

/** A binary float `(neg ? -1 : 1) × m × 2^e` with `m < 2^prec`. */
export interface GoFloat {
  readonly neg: boolean;
  readonly m: bigint;
  readonly e: number;
  readonly prec: number;
}

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function roundBits(neg: boolean, m: bigint, e: number, sticky: boolean, prec: number): GoFloat {
  const len = bitLen(m);
  if (len <= prec) return { neg, m, e, prec };
  const s = len - prec;
  let q = m >> BigInt(s);
  const r = m & ((1n << BigInt(s)) - 1n);
  const half = 1n << BigInt(s - 1);
  let exp = e + s;
  if (r > half || (r === half && (sticky || (q & 1n) === 1n))) {
    q += 1n;
    if (bitLen(q) > prec) {
      q >>= 1n;
      exp += 1;
    }
  }
  return { neg, m: q, e: exp, prec };
}

/** The float nearest to a Rego number at `prec` bits (Go's `SetString` with precision 64). */
export function goFloat(n: RNumber, prec = 64): GoFloat {
  const [mant, exp] = toDecimal(n);
  const neg = mant < 0n;
  const a = neg ? -mant : mant;
  if (a === 0n) return { neg: false, m: 0n, e: 0, prec };
  if (exp >= 0) return roundBits(neg, a * 10n ** BigInt(exp), 0, false, prec);
  const d = 10n ** BigInt(-exp);
  const s = Math.max(0, prec + 2 + bitLen(d) - bitLen(a));
  const num = a << BigInt(s);
  return roundBits(neg, num / d, -s, num % d !== 0n, prec);
}

/** The float of an exact integer at `max(prec, bit length)` bits (Go's `SetInt`). */
export function goFloatInt(i: bigint): GoFloat {
  const neg = i < 0n;
  const a = neg ? -i : i;
  return { neg, m: a, e: 0, prec: Math.max(64, bitLen(a)) };
}

function signed(f: GoFloat): bigint {
  return f.neg ? -f.m : f.m;
}

function fromSigned(v: bigint, e: number, prec: number): GoFloat {
  if (v === 0n) return { neg: false, m: 0n, e: 0, prec };
  return roundBits(v < 0n, v < 0n ? -v : v, e, false, prec);
}

/** `x + y` rounded to `prec` bits. */
export function goAdd(x: GoFloat, y: GoFloat, prec: number): GoFloat {
  if (x.m === 0n) return roundBits(y.neg, y.m, y.e, false, prec);
  if (y.m === 0n) return roundBits(x.neg, x.m, x.e, false, prec);
  const e = Math.min(x.e, y.e);
  const v = (signed(x) << BigInt(x.e - e)) + (signed(y) << BigInt(y.e - e));
  return fromSigned(v, e, prec);
}

/** `x - y` rounded to `prec` bits. */
export function goSub(x: GoFloat, y: GoFloat, prec: number): GoFloat {
  return goAdd(x, { ...y, neg: !y.neg }, prec);
}

/** `x × y` rounded to `prec` bits. */
export function goMul(x: GoFloat, y: GoFloat, prec: number): GoFloat {
  return fromSigned(signed(x) * signed(y), x.e + y.e, prec);
}

/** `x / y` rounded to `prec` bits (Go's `Float.Quo`); `y` must not be zero. */
export function goQuo(x: GoFloat, y: GoFloat, prec: number): GoFloat {
  if (x.m === 0n) return { neg: false, m: 0n, e: 0, prec };
  // Enough quotient bits for the rounding (prec + 2), the remainder kept as a sticky bit.
  const s = Math.max(0, prec + 2 + bitLen(y.m) - bitLen(x.m));
  const num = x.m << BigInt(s);
  return roundBits(x.neg !== y.neg, num / y.m, x.e - y.e - s, num % y.m !== 0n, prec);
}

/** The integer part (truncated toward zero), as Go's `Float.Int`. */
export function goTrunc(x: GoFloat): bigint {
  const v = x.e >= 0 ? x.m << BigInt(x.e) : x.m >> BigInt(-x.e);
  return x.neg ? -v : v;
}

/** Whether the float is an integer. */
export function goIsInt(x: GoFloat): boolean {
  if (x.e >= 0 || x.m === 0n) return true;
  return (x.m & ((1n << BigInt(-x.e)) - 1n)) === 0n;
}

/** Go's `decimal`: value = 0.mant × 10^exp (digits, trailing zeros trimmed). */
interface Decimal {
  mant: string;
  exp: number;
}

function decimalOf(m: bigint, e: number): Decimal {
  if (m === 0n) return { mant: '', exp: 0 };
  let s: string;
  let exp: number;
  if (e >= 0) {
    s = (m << BigInt(e)).toString();
    exp = s.length;
  } else {
    s = (m * 5n ** BigInt(-e)).toString();
    exp = s.length + e;
  }
  return { mant: s.replace(/0+$/, ''), exp };
}

function at(d: Decimal, i: number): string {
  return i >= 0 && i < d.mant.length ? (d.mant[i] as string) : '0';
}

function trim(d: Decimal): void {
  d.mant = d.mant.replace(/0+$/, '');
  if (d.mant === '') d.exp = 0;
}

function roundDown(d: Decimal, n: number): void {
  if (n < 0 || n >= d.mant.length) return;
  d.mant = d.mant.slice(0, n);
  trim(d);
}

function roundUp(d: Decimal, n: number): void {
  if (n < 0 || n >= d.mant.length) return;
  while (n > 0 && (d.mant[n - 1] as string) >= '9') n--;
  if (n === 0) {
    d.mant = '1';
    d.exp++;
    return;
  }
  d.mant = d.mant.slice(0, n - 1) + String.fromCharCode(d.mant.charCodeAt(n - 1) + 1);
}

function roundHalfEven(d: Decimal, n: number): void {
  if (n < 0 || n >= d.mant.length) return;
  const c = d.mant[n] as string;
  const up = c === '5' && n + 1 === d.mant.length ? n > 0 && (d.mant.charCodeAt(n - 1) - 48) % 2 === 1 : c >= '5';
  if (up) roundUp(d, n);
  else roundDown(d, n);
}

/** Go's `roundShortest`: the shortest decimal that rounds back to `x` at its precision. */
function shortest(x: GoFloat): Decimal {
  const d = decimalOf(x.m, x.e);
  if (d.mant === '') return d;
  const shift = x.prec + 1 - bitLen(x.m);
  const mant = shift >= 0 ? x.m << BigInt(shift) : x.m >> BigInt(-shift);
  const exp = x.e - shift;
  const lower = decimalOf(mant - 1n, exp);
  const upper = decimalOf(mant + 1n, exp);
  const inclusive = (mant & 2n) === 0n;
  for (let i = 0; i < d.mant.length; i++) {
    const l = at(lower, i);
    const u = at(upper, i);
    const m = d.mant[i] as string;
    const okdown = l !== m || (inclusive && i + 1 === lower.mant.length);
    const okup = m !== u && (inclusive || m.charCodeAt(0) + 1 < u.charCodeAt(0) || i + 1 < upper.mant.length);
    if (okdown && okup) {
      roundHalfEven(d, i + 1);
      return d;
    }
    if (okdown) {
      roundDown(d, i + 1);
      return d;
    }
    if (okup) {
      roundUp(d, i + 1);
      return d;
    }
  }
  return d;
}

/** Go's `Float.Text(format, -1)` of the shortest decimal `d` ('f' for integers, else 'g'). */
function goText(neg: boolean, d: Decimal, isInt: boolean): string {
  const sign = neg ? '-' : '';
  const digits = d.mant;
  if (isInt) return sign + (d.exp <= 0 ? '0' : digits + '0'.repeat(Math.max(0, d.exp - digits.length)));
  const exp10 = d.exp - 1;
  if (exp10 < -4 || exp10 >= 6) {
    const e = Math.abs(exp10);
    return `${sign}${digits[0] ?? '0'}${digits.length > 1 ? '.' + digits.slice(1) : ''}e${exp10 < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (d.exp <= 0) return `${sign}0.${'0'.repeat(-d.exp)}${digits}`;
  if (d.exp >= digits.length) return sign + digits + '0'.repeat(d.exp - digits.length);
  return `${sign}${digits.slice(0, d.exp)}.${digits.slice(d.exp)}`;
}

/**
 * The Rego number OPA makes of a float (`FloatToNumber`: its shortest decimal text, `%f` for
 * integers, else `%g`). The number keeps Go's text where it differs from the canonical one
 * (`1e-07`, `1.2345675e+06`), as OPA's `json.Number` does.
 */
export function goFloatToNumber(x: GoFloat): RNumber {
  const d = shortest(x);
  if (d.mant === '') return 0;
  const digits = BigInt(d.mant);
  const n = makeNumber(x.neg ? -digits : digits, d.exp - d.mant.length);
  const text = goText(x.neg, d, goIsInt(x));
  if (text === numberText(n)) return n;
  const [m, e] = toDecimal(n);
  return new BigNum(m, e, text);
}
