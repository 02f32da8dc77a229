/**
 * OPA's `units.parse` (`topdown/parse_units.go`) and `units.parse_bytes`
 * (`topdown/parse_bytes.go`): a number with an SI (`k`, `M`, …, `m` for milli) or binary
 * (`Ki`, `Mi`, …) suffix. `units.parse` is exact (Go's `big.Rat`, fractions printed with 10
 * decimals); `units.parse_bytes` multiplies in 64-bit-mantissa binary floating point (Go's
 * `big.Float`) and truncates to an integer, as OPA does. Error texts are OPA's.
 */
import { fromBigInt, parseNumber, type Value } from '@policy-engine/rego-value';
import type { BuiltinDef } from './registry.js';
import { argString } from './registry.js';
import { fail } from './util.js';

/** An exact rational `n / d` (d > 0). */
interface Rat {
  readonly n: bigint;
  readonly d: bigint;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** OPA's `extractNumAndUnit`; `undefined` when an exponent has more than 6 digits. */
function extractNumAndUnit(s: string): [string, string] | undefined {
  let first = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (!isDigit(c) && c !== '.' && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') {
      first = i;
      break;
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        first = i;
        break;
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (end < s.length && isDigit(s[end])) end++;
      if (end - (i + 1) > 6) return undefined;
    }
  }
  if (first === -1) return [s, ''];
  if (first === 0) return ['', s];
  return [s.slice(0, first), s.slice(first)];
}

/** Go's `big.Rat.SetString` for a decimal floating-point text (what `extractNumAndUnit` leaves). */
function parseDecimal(text: string): Rat | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const [, sign, int = '', frac = '', exp] = m;
  if (int === '' && frac === '') return undefined;
  let n = BigInt((int || '0') + frac);
  if (sign === '-') n = -n;
  const e = (exp === undefined ? 0 : Number(exp)) - frac.length;
  return e >= 0 ? { n: n * 10n ** BigInt(e), d: 1n } : { n, d: 10n ** BigInt(-e) };
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const bitLen = (x: bigint): number => (x === 0n ? 0 : x.toString(2).length);

/** `r` rounded to a binary float with a `prec`-bit mantissa, nearest-even (Go's `big.Float`). */
function roundBinary(r: Rat, prec: number): Rat {
  if (r.n === 0n) return r;
  const neg = r.n < 0n;
  const n = abs(r.n);
  // scale so that the quotient has prec bits: q = floor(n * 2^k / d)
  let k = prec - (bitLen(n) - bitLen(r.d));
  let num = k >= 0 ? n << BigInt(k) : n;
  let den = k >= 0 ? r.d : r.d << BigInt(-k);
  let q = num / den;
  if (bitLen(q) > prec) {
    k--;
    if (k >= 0) num = n << BigInt(k);
    else den = r.d << BigInt(-k);
    q = num / den;
  }
  const rem = num - q * den;
  if (rem * 2n > den || (rem * 2n === den && (q & 1n) === 1n)) q++;
  const signed = neg ? -q : q;
  return k >= 0 ? { n: signed, d: 1n << BigInt(k) } : { n: signed << BigInt(-k), d: 1n };
}

/** The exact value of the float64 0.001 (Go's `siMilli` through `big.Rat.SetFloat64`). */
const MILLI: Rat = roundBinary({ n: 1n, d: 1000n }, 53);

const K = 1000n;
const SI: Record<string, bigint> = {
  '': 1n,
  k: K,
  K,
  M: K ** 2n,
  g: K ** 3n,
  G: K ** 3n,
  t: K ** 4n,
  T: K ** 4n,
};
Object.assign(SI, { p: K ** 5n, P: K ** 5n, e: K ** 6n, E: K ** 6n });
const BIN: Record<string, bigint> = {};
for (const [i, p] of ['k', 'm', 'g', 't', 'p', 'e'].entries()) {
  const v = 1n << BigInt(10 * (i + 1));
  BIN[p + 'i'] = v;
  BIN[p.toUpperCase() + 'i'] = v;
}

/** Go's `big.Rat.FloatString(10)`: rounded half away from zero to 10 decimals. */
function floatString10(r: Rat): string {
  const scale = 10n ** 10n;
  const neg = r.n < 0n;
  const n = abs(r.n) * scale;
  let q = n / r.d;
  if ((n - q * r.d) * 2n >= r.d) q++;
  const digits = q.toString().padStart(11, '0');
  return (neg ? '-' : '') + digits.slice(0, -10) + '.' + digits.slice(-10);
}

function unitsParse(args: Value[]): Value {
  const name = 'units.parse';
  const s = argString(name, args, 0).replaceAll('"', '');
  if (s.includes(' ')) throw fail(name, `${name}: spaces not allowed in resource strings`);
  const split = extractNumAndUnit(s);
  if (!split) throw fail(name, `${name}: exponent too large`);
  const [num, rawUnit] = split;
  if (num === '') throw fail(name, `${name}: no amount provided`);
  const unit = rawUnit.length > 1 ? rawUnit.slice(0, 1) + rawUnit.slice(1).toLowerCase() : rawUnit;
  let factor: Rat;
  if (unit === 'm') factor = MILLI;
  else if (SI[unit] !== undefined) factor = { n: SI[unit], d: 1n };
  else if (BIN[unit] !== undefined) factor = { n: BIN[unit], d: 1n };
  else throw fail(name, `${name}: unit ${unit} not recognized`);
  const x = parseDecimal(num);
  if (!x) throw fail(name, `${name}: could not parse amount to a number`);
  const n = x.n * factor.n;
  const d = x.d * factor.d;
  if (n % d === 0n) return fromBigInt(n / d);
  return parseNumber(floatString10({ n, d })) as Value;
}

const BYTES: Record<string, bigint> = { '': 1n };
for (const [i, p] of ['k', 'm', 'g', 't', 'p', 'e'].entries()) {
  BYTES[p] = BYTES[p + 'b'] = K ** BigInt(i + 1);
  BYTES[p + 'i'] = BYTES[p + 'ib'] = 1n << BigInt(10 * (i + 1));
}

function unitsParseBytes(args: Value[]): Value {
  const name = 'units.parse_bytes';
  const s = argString(name, args, 0).toLowerCase().replaceAll('"', '');
  if (s.includes(' ')) throw fail(name, `${name}: spaces not allowed in resource strings`);
  const split = extractNumAndUnit(s);
  if (!split) throw fail(name, `${name}: exponent too large`);
  const [num, unit] = split;
  if (num === '') throw fail(name, `${name}: no byte amount provided`);
  const factor = BYTES[unit];
  if (factor === undefined) throw fail(name, `${name}: byte unit ${unit} not recognized`);
  const x = parseDecimal(num);
  if (!x) throw fail(name, `${name}: could not parse byte amount to a number`);
  const f = roundBinary(x, 64);
  const p = roundBinary({ n: f.n * factor, d: f.d }, 64);
  return fromBigInt(p.n / p.d);
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  { name: 'units.parse', arity: 1, fn: unitsParse },
  { name: 'units.parse_bytes', arity: 1, fn: unitsParseBytes },
];
