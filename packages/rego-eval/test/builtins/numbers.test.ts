import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumber, type Value } from '@policy-engine/rego-value';
import { defaultBuiltins } from '../../src/builtins/index.js';
import { calls, disagreements, testContext } from './oracle.js';

const n = (t: string): Value => parseNumber(t) as Value;

const number = fc.oneof(
  fc.integer({ min: -5000000000, max: 5000000000 }),
  fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map((b) => n(b.toString())),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 }).map((d) => n(String(d === 0 ? 0 : d))),
  fc.tuple(fc.integer({ min: -999999, max: 999999 }), fc.integer({ min: 1, max: 4 })).map(([m, e]) => n(`${m}e-${e}`)),
  fc.constantFrom(0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, n('1e30'), n('123456789012345678901.5')),
);

describe('number built-ins agree with OPA', () => {
  it('abs, round, ceil and floor on 4 × 200 generated numbers (fast-check, seeded)', async () => {
    const xs = fc.sample(number, { seed: 7, numRuns: 200 });
    const cases = ['abs', 'round', 'ceil', 'floor'].flatMap((name) => calls(name, [...xs.map((x) => [x]), ['1'], [null]]));
    expect((await disagreements(cases)).join('\n')).toBe('');
  });

  it('numbers.range and numbers.range_step, with their errors', async () => {
    const cases = [
      ...calls('numbers.range', [
        [0, 5],
        [5, 0],
        [-2, 2],
        [3, 3],
        [n('12345678901234567890'), n('12345678901234567893')],
        [1.5, 3],
        [1, 2.5],
        ['a', 1],
        [1, null],
      ]),
      ...calls('numbers.range_step', [
        [0, 10, 3],
        [10, 0, 4],
        [0, 1, 5],
        [0, 5, 0],
        [0, 5, -1],
        [0, 5, 1.5],
        [1.5, 5, 1],
        [0, 'x', 1],
      ]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });

  it('rand.intn: argument errors as OPA, and one value per (string, n) within a query', async () => {
    expect(
      (
        await disagreements(
          calls('rand.intn', [
            ['x', 0],
            [1, 5],
            ['x', 1.5],
            ['x', 'y'],
          ]),
        )
      ).join('\n'),
    ).toBe('');
    const def = defaultBuiltins.get('rand.intn');
    const ctx = testContext('rand.intn');
    const first = def?.fn(['seed', 1000], ctx);
    for (let i = 0; i < 20; i++) expect(def?.fn(['seed', 1000], ctx)).toBe(first);
    expect(def?.fn(['seed', -1000], ctx)).toBe(first); // OPA uses |n|
    expect(typeof first === 'number' && first >= 0 && first < 1000).toBe(true);
    expect(def?.fn(['seed', 0], ctx)).toBe(0);
  });
});
