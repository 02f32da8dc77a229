import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNumber, type Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

const int = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((b) => parseNumber(b.toString()) as Value),
);

describe('bits built-ins agree with OPA', () => {
  it('on 6 × 60 generated integer pairs (fast-check, seeded) and operand errors', async () => {
    const pairs = fc.sample(fc.tuple(int, int), { seed: 3, numRuns: 60 });
    const shifts = fc.sample(fc.tuple(int, fc.integer({ min: 0, max: 70 })), { seed: 4, numRuns: 30 });
    const cases = [
      ...['bits.or', 'bits.and', 'bits.xor'].flatMap((name) => calls(name, [...pairs, [1.5, 1], [1, 'a']])),
      ...['bits.lsh', 'bits.rsh'].flatMap((name) => calls(name, [...shifts, [1, -1], [1, 2.5], [null, 1]])),
      ...calls('bits.negate', [...pairs.map(([a]) => [a]), [2.5], ['x']]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });
});
