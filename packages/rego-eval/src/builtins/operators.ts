/**
 * Operators the evaluator itself needs: comparison (`==` `!=` `<` `<=` `>` `>=`), arithmetic
 * (`+` `-` `*` `/` `%`, with `-` also set difference) and set `&` / `|`.
 */
import {
  BigNum,
  RSet,
  compare,
  numberText,
  equals,
  fromBigInt,
  isInteger,
  isNumber,
  isZero,
  rem,
  toBigInt,
  type RNumber,
  type Value,
} from '@policy-engine/rego-value';
import { goAdd, goFloat, goFloatToNumber, goMul, goQuo, goSub } from './gofloat.js';
import { BuiltinError, typeError, type BuiltinDef } from './registry.js';

/** Go's int32 window, where OPA computes in int64 (a product of two fits). */
function smallInt(n: RNumber): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** OPA's `IntToNumber`: every digit, kept as the number's text where ours would differ (`1e+600`). */
function intNumber(i: bigint): RNumber {
  const n = fromBigInt(i);
  if (typeof n === 'number') return n;
  const text = i.toString();
  return numberText(n) === text ? n : new BigNum(n.mant, n.exp, text);
}

const noNegZero = (n: number): number => (n === 0 ? 0 : n);

/**
 * OPA's arithmetic (`topdown/arithmetic.go`): ints in the int32 window exactly; integers of any
 * size exactly as big.Int (not for `/`, which divides exactly only small ints that divide);
 * anything else as a 64-bit-mantissa `big.Float` (each operand parsed from its decimal text),
 * the result its shortest decimal at that precision — so `0.1 + 0.2` is `0.3` and `1 / 3` is
 * `0.33333333333333333334`, as OPA gives them.
 */
export function opaArith(op: '+' | '-' | '*' | '/', a: RNumber, b: RNumber): RNumber {
  const x = smallInt(a);
  const y = smallInt(b);
  if (x !== undefined && y !== undefined) {
    if (op === '+') return noNegZero(x + y);
    if (op === '-') return noNegZero(x - y);
    if (op === '*') {
      const r = x * y;
      return Number.isSafeInteger(r) ? noNegZero(r) : fromBigInt(BigInt(x) * BigInt(y));
    }
    if (y === 0) throw new BuiltinError('div: divide by zero');
    if (x !== 0 && x % y === 0) return x / y;
  } else if (op !== '/') {
    const xi = toBigInt(a);
    const yi = toBigInt(b);
    if (xi !== undefined && yi !== undefined) return intNumber(op === '+' ? xi + yi : op === '-' ? xi - yi : xi * yi);
  }
  if (op === '/' && isZero(b)) throw new BuiltinError('div: divide by zero');
  const fa = goFloat(a);
  const fb = goFloat(b);
  const r = op === '+' ? goAdd(fa, fb, 64) : op === '-' ? goSub(fa, fb, 64) : op === '*' ? goMul(fa, fb, 64) : goQuo(fa, fb, 64);
  return goFloatToNumber(r);
}

function cmp(name: string, test: (c: number) => boolean): BuiltinDef {
  return { name, arity: 2, fn: ([a, b]) => test(compare(a as Value, b as Value)) };
}

function setOrNumber(name: string, a: Value, b: Value): 'num' | 'set' {
  if (isNumber(a) && isNumber(b)) return 'num';
  if (a instanceof RSet && b instanceof RSet) return 'set';
  if (isNumber(a) || a instanceof RSet) throw typeError(name, 2, isNumber(a) ? 'number' : 'set', b);
  throw typeError(name, 1, 'one of {number, set}', a);
}

function arith(name: string, op: (x: Value & number, y: Value & number) => Value | undefined): BuiltinDef {
  return {
    name,
    arity: 2,
    fn: ([a, b]) => {
      if (!isNumber(a as Value)) throw typeError(name, 1, 'number', a as Value);
      if (!isNumber(b as Value)) throw typeError(name, 2, 'number', b as Value);
      return op(a as number, b as number);
    },
  };
}

/** The operator built-ins. */
export const builtins: BuiltinDef[] = [
  { name: 'equal', arity: 2, fn: ([a, b]) => equals(a as Value, b as Value) },
  { name: 'neq', arity: 2, fn: ([a, b]) => !equals(a as Value, b as Value) },
  cmp('lt', (c) => c < 0),
  cmp('lte', (c) => c <= 0),
  cmp('gt', (c) => c > 0),
  cmp('gte', (c) => c >= 0),
  arith('plus', (a, b) => opaArith('+', a, b)),
  arith('mul', (a, b) => opaArith('*', a, b)),
  {
    name: 'minus',
    arity: 2,
    fn: ([a, b]) => {
      const x = a as Value;
      const y = b as Value;
      if (setOrNumber('minus', x, y) === 'num') return opaArith('-', x as number, y as number);
      const out = new RSet();
      for (const v of (x as RSet).values()) if (!(y as RSet).has(v)) out.add(v);
      return out;
    },
  },
  arith('div', (a, b) => opaArith('/', a, b)),
  arith('rem', (a, b) => {
    if (!isInteger(a) || !isInteger(b)) throw new BuiltinError('rem: modulo on floating-point number');
    const r = rem(a, b);
    if (r === undefined) throw new BuiltinError('rem: modulo by zero');
    return r;
  }),
  {
    name: 'and',
    arity: 2,
    fn: ([a, b]) => {
      if (!(a instanceof RSet)) throw typeError('and', 1, 'set', a as Value);
      if (!(b instanceof RSet)) throw typeError('and', 2, 'set', b as Value);
      const out = new RSet();
      for (const v of a.values()) if (b.has(v)) out.add(v);
      return out;
    },
  },
  {
    name: 'or',
    arity: 2,
    fn: ([a, b]) => {
      if (!(a instanceof RSet)) throw typeError('or', 1, 'set', a as Value);
      if (!(b instanceof RSet)) throw typeError('or', 2, 'set', b as Value);
      const out = new RSet(a.values());
      for (const v of b.values()) out.add(v);
      return out;
    },
  },
];
