import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RSet, type Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

const smallSet = fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom('a', 'b')), { maxLength: 5 }).map((xs) => new RSet(xs));

describe('set built-ins agree with OPA', () => {
  it('intersection and union of generated sets of sets (fast-check, seeded) and errors', async () => {
    const outer = fc.sample(fc.array(smallSet, { maxLength: 4 }), { seed: 9, numRuns: 40 }).map((xs) => [new RSet(xs)] as Value[]);
    const bad: Value[][] = [[new RSet([1])], [[new RSet()]], ['x']];
    const cases = [...calls('intersection', [...outer, ...bad]), ...calls('union', [...outer, ...bad])];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });
});
