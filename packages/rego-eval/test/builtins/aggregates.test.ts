import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RObject, RSet, parseNumber, type Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

const n = (t: string): Value => parseNumber(t) as Value;
const set = (...xs: Value[]): RSet => new RSet(xs);

/** Numbers of every kind: small and big integers, decimals, floats with long expansions. */
const number = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((b) => n(b.toString())),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e20, max: 1e20 }).map((d) => n(String(d === 0 ? 0 : d))),
  fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 1, max: 6 })).map(([m, e]) => n(`${m}e-${e}`)),
);

describe('aggregates agree with OPA', () => {
  it('on hand-picked cases (types, empties, big numbers, errors)', async () => {
    const cases = [
      ...calls('count', [[[1, 2, 3]], [set(1, 2)], [RObject.fromRecord({ a: 1 })], ['héllo'], ['😀a'], [1], [null]]),
      ...calls('sum', [
        [[]],
        [[1, 2.5]],
        [[0.1, 0.2]],
        [set(0.1, 0.2, 0.3)],
        [[n('12345678901234567890'), 1]],
        [[1, 'a']],
        [['a']],
        [[n('1e400'), 1]],
        [[1, 2.5, n('12345678901234567890')]],
        ['x'],
        [[1.5, 2.5]],
      ]),
      ...calls('product', [[[]], [[0.1, 3]], [[1.5, 2]], [[n('12345678901234567890'), 3]], [set(2, 3)], [[2, 'a']], [{} as never]]),
      ...calls('max', [[[]], [[1, 'a', null]], [set(3, 1, 2)], [[[1], [0, 5]]], [set()], ['x']]),
      ...calls('min', [[[]], [[1, 'a', null]], [set(3, 1, 2)], [[[1], [0, 5]]], [5]]),
      ...calls('sort', [[[3, 1, 'a', null, [1]]], [set('b', 'a')], [[]], [RObject.fromRecord({})]]),
    ].map((c) =>
      c.args[0] &&
      typeof c.args[0] === 'object' &&
      !(c.args[0] instanceof RObject) &&
      !(c.args[0] instanceof RSet) &&
      !Array.isArray(c.args[0])
        ? { ...c, args: [new RObject()] }
        : c,
    );
    expect((await disagreements(cases)).join('\n')).toBe('');
  });

  it('any and all (Rego v0 built-ins)', async () => {
    const cases = [
      ...calls('any', [[[false, true]], [[]], [set()], [set(true)], [[1]], ['x']]),
      ...calls('all', [[[true, true]], [[]], [set(true, false)], [[1]], [null], [set()]]),
    ];
    expect((await disagreements(cases, { v0: true })).join('\n')).toBe('');
  });

  it('on 300 generated sums and products of mixed numbers (fast-check, seeded)', async () => {
    const lists = fc.sample(fc.array(number, { maxLength: 6 }), { seed: 11, numRuns: 150 });
    const cases = [
      ...calls(
        'sum',
        lists.map((l) => [l]),
      ),
      ...calls(
        'product',
        lists.map((l) => [l.slice(0, 4)]),
      ),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });
});
