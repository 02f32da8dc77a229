import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RObject, RSet, compare, equals, hashOf, keyOf, parseJSONText, toJSONText, parseNumber, type Value } from '../src/index.js';

const seed = 20261202;
const numText = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc
    .tuple(fc.integer({ min: -999, max: 999 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('', 'e3', 'e-2', 'e400', 'e-400'))
    .map(([a, b, e]) => `${a}.${b}${e}`),
);
const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    numText.map((t) => parseNumber(t) as Value),
    fc.string({ maxLength: 4 }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.array(fc.tuple(tie('v'), tie('v')), { maxLength: 3 }).map((es) => new RObject(es) as Value),
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => new RSet(xs) as Value),
  ),
})).v;

describe('order and equality laws', () => {
  it('compare is antisymmetric and consistent with equals and keyOf', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        const c = compare(a, b);
        expect(Math.sign(compare(b, a)) + Math.sign(c)).toBe(0);
        expect(c === 0).toBe(equals(a, b));
        expect(keyOf(a) === keyOf(b)).toBe(equals(a, b));
        if (equals(a, b)) expect(hashOf(a)).toBe(hashOf(b));
      }),
      { seed, numRuns: 2000 },
    );
  });
  it('compare is transitive', () => {
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(compare) as [Value, Value, Value];
        expect(compare(x, y) <= 0 && compare(y, z) <= 0 && compare(x, z) <= 0).toBe(true);
      }),
      { seed, numRuns: 1000 },
    );
  });
  it('JSON text round-trips exactly', () => {
    const json: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        numText.map((t) => parseNumber(t) as Value),
        fc.string({ maxLength: 4 }),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.array(fc.tuple(fc.string({ maxLength: 3 }), tie('v')), { maxLength: 3 }).map((es) => new RObject(es) as Value),
      ),
    })).v;
    fc.assert(
      fc.property(json, (v) => {
        const text = toJSONText(v);
        expect(toJSONText(parseJSONText(text))).toBe(text);
      }),
      { seed, numRuns: 1000 },
    );
  });
});

describe('OPA order examples', () => {
  it('orders types null < boolean < number < string < array < object < set', () => {
    const xs: Value[] = [new RSet([1]), new RObject([['a', 1]]), [1], 'a', 1, true, false, null];
    expect(xs.sort(compare)).toEqual([null, false, true, 1, 'a', [1], new RObject([['a', 1]]), new RSet([1])]);
  });
  it('compares strings by code point (as Go compares UTF-8 bytes)', () => {
    expect(compare('\uffff', '\u{10000}')).toBe(-1);
    expect(compare('a', 'ab')).toBe(-1);
  });
  it('sets and objects with composite keys', () => {
    const o = new RObject([
      [[1, 2], 'x'],
      [new RSet(['a']), 'y'],
    ]);
    expect(o.get([1, 2])).toBe('x');
    expect(o.get(new RSet(['a']))).toBe('y');
    expect(new RSet([[1], [1], 'a', 'a']).size).toBe(2);
  });
});

describe('RSet membership by hash', () => {
  // Two strings whose FNV-1a hashes collide (found by search): arrays and objects holding them collide too.
  const [p, q] = ['k32728', 'k261234'];
  it('the colliding pair really collides', () => {
    expect(p).not.toBe(q);
    expect(hashOf([p])).toBe(hashOf([q]));
    expect(hashOf(new RObject([['a', p]]))).toBe(hashOf(new RObject([['a', q]])));
  });
  it('keeps members whose hashes collide apart, and finds and removes each', () => {
    const s = new RSet([[p], [q], [p], new RObject([['a', p]]), new RObject([['a', q]]), 'x']);
    expect(s.size).toBe(5);
    expect(s.has([p]) && s.has([q]) && s.has(new RObject([['a', q]]))).toBe(true);
    expect(s.has([p, q])).toBe(false);
    expect(s.add([q])).toBe(false);
    s.delete([p]);
    expect(s.size).toBe(4);
    expect(s.has([p])).toBe(false);
    expect(s.has([q])).toBe(true);
    expect(toJSONText(s)).toBe(`["x",["${q}"],{"a":"${q}"},{"a":"${p}"}]`);
  });
  it('equal sets hash alike whatever the insertion order, and a set is a set member by value', () => {
    const a = new RSet([1, 'b', [2], new RObject([['k', 1]])]);
    const b = new RSet([new RObject([['k', 1]]), [2], 'b', 1]);
    expect(hashOf(a)).toBe(hashOf(b));
    expect(new RSet([a]).has(b)).toBe(true);
    expect(new RSet([1]).has(parseNumber('1.0') as Value)).toBe(true);
  });
});
