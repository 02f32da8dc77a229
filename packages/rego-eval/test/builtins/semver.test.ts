import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

const num = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map(String),
  fc.constantFrom('01', '00', '', '-1', '+1', '9223372036854775807', '9223372036854775808'),
);
const ident = fc.oneof(
  fc.integer({ min: 0, max: 12 }).map(String),
  fc.constantFrom('alpha', 'beta', 'rc', '0a', 'x-y', '01', '', 'Z', 'a.b'),
);
const version = fc
  .tuple(
    fc.boolean(),
    num,
    num,
    num,
    fc.option(fc.array(ident, { minLength: 1, maxLength: 3 })),
    fc.option(fc.array(ident, { minLength: 1, maxLength: 2 })),
  )
  .map(([v, a, b, c, pre, meta]) => `${v ? 'v' : ''}${a}.${b}.${c}${pre ? '-' + pre.join('.') : ''}${meta ? '+' + meta.join('.') : ''}`);
const usual = fc
  .tuple(
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 2 }),
    fc.option(
      fc.array(fc.constantFrom('alpha', 'beta', '1', '2', '11', 'rc'), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
  )
  .map(([a, b, pre]) => `1.${a}.${b}${pre ? '-' + pre.join('.') : ''}`);

describe('semver built-ins agree with OPA', () => {
  it('on 1,000 generated versions and 1,000 pairs (fast-check, seeded) and operand errors', async () => {
    const versions = fc.sample(version, { seed: 21, numRuns: 1000 }).map((t): Value[] => [t]);
    const pairs = fc
      .sample(fc.tuple(fc.oneof(usual, version), usual), {
        seed: 22,
        numRuns: 1000,
      })
      .map(([a, b]): Value[] => [a, b]);
    const cases = [
      ...calls('semver.is_valid', [...versions, [1], [null], ['1.2'], ['1.2.3.4']]),
      ...calls('semver.compare', [...pairs, [1, '1.0.0'], ['1.0.0', 2], ['1.0.0', '\u00e91']]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 180_000);
});
