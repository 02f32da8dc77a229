import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RSet } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

describe('array built-ins agree with OPA', () => {
  it('array.slice on generated bounds (fast-check, seeded) and errors', async () => {
    const arr = [1, 'a', [2], null, 5];
    const bounds = fc.sample(fc.tuple(fc.integer({ min: -3, max: 8 }), fc.integer({ min: -3, max: 8 })), { seed: 5, numRuns: 60 });
    const cases = calls('array.slice', [...bounds.map(([a, b]) => [arr, a, b]), [[], 0, 1], [arr, 1.5, 2], [arr, 0, 'x'], ['x', 0, 1]]);
    expect((await disagreements(cases)).join('\n')).toBe('');
  });

  it('array.concat, array.reverse and array.flatten', async () => {
    const cases = [
      ...calls('array.concat', [
        [[1], [2, 3]],
        [[], [1]],
        [[1], []],
        [[], []],
        [1, [1]],
        [[1], new RSet([1])],
      ]),
      ...calls('array.reverse', [[[1, 2, 3]], [[]], [[1]], ['abc']]),
      ...calls('array.flatten', [[[1, [2, [3]], [], 'a']], [[]], [[1, 2]], [[[1], [2]]], [new RSet([1])]]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });
});
