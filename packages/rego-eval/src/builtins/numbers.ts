/**
 * OPA's number built-ins (`topdown/numbers.go`, the unary part of `arithmetic.go`): `abs`,
 * `round`, `ceil`, `floor`, `numbers.range`, `numbers.range_step`, `rand.intn`. Integers in
 * Go's int32 range are handled exactly; other numbers go through a 64-bit `big.Float` as in
 * OPA (so `ceil(-0.5)` is `1`, as OPA v1.22.3 computes it).
 */
import { fromBigInt, isNumber, type RNumber, type Value } from '@policy-engine/rego-value';
import { goAdd, goFloat, goFloatToNumber, goIsInt, goSub, goTrunc, type GoFloat } from './gofloat.js';
import { RegoEvalError } from '../errors.js';
import { argString, typeError, type BuiltinContext, type BuiltinDef } from './registry.js';
import { bigIntOperand, fail, intOperand } from './util.js';

const HALF = goFloat(0.5, 53);

function smallInt(n: RNumber): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

function unary(name: string, op: (x: GoFloat) => RNumber): BuiltinDef {
  return {
    name,
    arity: 1,
    fn: ([v]) => {
      const n = v as Value;
      if (!isNumber(n)) throw typeError(name, 1, 'number', n);
      const i = smallInt(n);
      if (i !== undefined) return name === 'abs' ? Math.abs(i) : i;
      return op(goFloat(n));
    },
  };
}

function range(name: string, args: readonly Value[], step: bigint | undefined, ctx: BuiltinContext): Value {
  const x = bigIntOperand(name, args[0] as Value, 1);
  const y = bigIntOperand(name, args[1] as Value, 2);
  const s = step ?? bigIntOperand(name, args[2] as Value, 3);
  if (s <= 0n) throw fail(name, `${name}: step must be a positive integer`);
  const out: Value[] = [];
  const up = x <= y;
  // OPA checks for cancellation while generating; a huge range stops at the query's deadline.
  for (let i = x; up ? i <= y : i >= y; i = up ? i + s : i - s) {
    if ((out.length & 4095) === 4095 && ctx.deadline !== undefined && performance.now() > ctx.deadline) {
      throw new RegoEvalError('eval_cancel_error', `${name}: timed out before generating all numbers in range`);
    }
    out.push(fromBigInt(i));
  }
  return out;
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  unary('abs', (x) => goFloatToNumber({ ...x, neg: false })),
  unary('round', (x) => fromBigInt(goTrunc(x.neg ? goSub(x, HALF, 64) : goAdd(x, HALF, 64)))),
  unary('ceil', (x) => {
    const i = goTrunc(x);
    if (i < 0n || goIsInt(x)) return fromBigInt(i);
    return fromBigInt(i + 1n);
  }),
  unary('floor', (x) => {
    const i = goTrunc(x);
    if (i >= 0n || goIsInt(x)) return fromBigInt(i);
    return fromBigInt(i - 1n);
  }),
  { name: 'numbers.range', arity: 2, fn: (args, ctx) => range('numbers.range', args, 1n, ctx) },
  { name: 'numbers.range_step', arity: 3, fn: (args, ctx) => range('numbers.range_step', args, undefined, ctx) },
  {
    name: 'rand.intn',
    arity: 2,
    nondeterministic: true,
    fn: (args, ctx) => {
      const str = argString('rand.intn', args, 0);
      let n = intOperand('rand.intn', args[1] as Value, 2);
      if (n === 0) return 0;
      if (n < 0) n = -n;
      const key = `rand.intn\u0000${str}-${n}`;
      const cached = ctx.cache.get(key);
      if (typeof cached === 'number') return cached;
      const r = Math.floor(Math.random() * n);
      ctx.cache.set(key, r);
      return r;
    },
  },
];
