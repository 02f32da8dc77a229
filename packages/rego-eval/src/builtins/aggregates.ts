/**
 * OPA's aggregates (`topdown/aggregates.go`): `count`, `sum`, `product`, `max`, `min`, `sort`,
 * `any`, `all`. Sums and products of integers are exact (any size); with a non-integer they are
 * computed as OPA does, in Go `big.Float` (64-bit mantissa for `sum`, 53 for `product`).
 */
import { RObject, RSet, compare, equals, fromBigInt, isArray, isNumber, toBigInt, type Value } from '@policy-engine/rego-value';
import { goAdd, goFloat, goFloatToNumber, goMul, type GoFloat } from './gofloat.js';
import type { BuiltinDef } from './registry.js';
import { elementError, runes, typeErrorOf } from './util.js';

function members(name: string, v: Value): readonly Value[] {
  if (isArray(v)) return v;
  if (v instanceof RSet) return v.sorted();
  throw typeErrorOf(name, 1, v, 'set', 'array');
}

function exactInts(xs: readonly Value[]): bigint[] | undefined {
  const out: bigint[] = [];
  for (const x of xs) {
    if (!isNumber(x)) return undefined;
    const i = toBigInt(x);
    if (i === undefined) return undefined;
    out.push(i);
  }
  return out;
}

function accumulate(name: string, v: Value, xs: readonly Value[], init: GoFloat, prec: number, op: typeof goAdd): Value {
  let acc = init;
  for (const x of xs) {
    if (!isNumber(x)) throw elementError(name, 1, v, x, 'number');
    acc = op(acc, goFloat(x), prec);
  }
  return goFloatToNumber(acc);
}

function truthy(name: string, v: Value, test: (xs: readonly Value[]) => boolean): Value {
  if (Array.isArray(v) || v instanceof RSet) return test(Array.isArray(v) ? v : [...v.values()]);
  throw typeErrorOf(name, 1, v, 'array', 'set');
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'count',
    arity: 1,
    fn: ([v]) => {
      const x = v as Value;
      if (Array.isArray(x)) return x.length;
      if (x instanceof RObject || x instanceof RSet) return x.size;
      if (typeof x === 'string') return runes(x).length;
      throw typeErrorOf('count', 1, x, 'array', 'object', 'set', 'string');
    },
  },
  {
    name: 'sum',
    arity: 1,
    fn: ([v]) => {
      const xs = members('sum', v as Value);
      const ints = exactInts(xs);
      if (ints) return fromBigInt(ints.reduce((a, b) => a + b, 0n));
      return accumulate('sum', v as Value, xs, { neg: false, m: 0n, e: 0, prec: 0 }, 64, goAdd);
    },
  },
  {
    name: 'product',
    arity: 1,
    fn: ([v]) => {
      const xs = members('product', v as Value);
      const ints = exactInts(xs);
      if (ints) return fromBigInt(ints.reduce((a, b) => a * b, 1n));
      return accumulate('product', v as Value, xs, { neg: false, m: 1n, e: 0, prec: 53 }, 53, goMul);
    },
  },
  {
    name: 'max',
    arity: 1,
    fn: ([v]) => {
      const xs = members('max', v as Value);
      if (xs.length === 0) return undefined;
      let best = xs[0] as Value;
      for (const x of xs) if (compare(best, x) <= 0) best = x;
      return best;
    },
  },
  {
    name: 'min',
    arity: 1,
    fn: ([v]) => {
      const xs = members('min', v as Value);
      if (xs.length === 0) return undefined;
      let best = xs[0] as Value;
      for (const x of xs) if (compare(best, x) >= 0) best = x;
      return best;
    },
  },
  {
    name: 'sort',
    arity: 1,
    fn: ([v]) => {
      const x = v as Value;
      if (isArray(x)) return [...x].sort(compare);
      if (x instanceof RSet) return [...x.sorted()];
      throw typeErrorOf('sort', 1, x, 'set', 'array');
    },
  },
  { name: 'all', arity: 1, fn: ([v]) => truthy('all', v as Value, (xs) => xs.every((x) => equals(x, true))) },
  { name: 'any', arity: 1, fn: ([v]) => truthy('any', v as Value, (xs) => xs.some((x) => equals(x, true))) },
];
