/**
 * Operators the evaluator itself needs: comparison (`==` `!=` `<` `<=` `>` `>=`), arithmetic
 * (`+` `-` `*` `/` `%`, with `-` also set difference) and set `&` / `|`.
 */
import { RSet, add, compare, div, equals, isInteger, isNumber, mul, rem, sub, type Value } from '@policy-engine/rego-value';
import { BuiltinError, typeError, type BuiltinDef } from './registry.js';

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
  arith('plus', (a, b) => add(a, b)),
  arith('mul', (a, b) => mul(a, b)),
  {
    name: 'minus',
    arity: 2,
    fn: ([a, b]) => {
      const x = a as Value;
      const y = b as Value;
      if (setOrNumber('minus', x, y) === 'num') return sub(x as number, y as number);
      const out = new RSet();
      for (const v of (x as RSet).values()) if (!(y as RSet).has(v)) out.add(v);
      return out;
    },
  },
  arith('div', (a, b) => {
    const r = div(a, b);
    if (r === undefined) throw new BuiltinError('div: divide by zero');
    return r;
  }),
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

