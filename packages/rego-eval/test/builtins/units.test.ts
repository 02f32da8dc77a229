import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

const suffixes = [
  '',
  'm',
  'k',
  'K',
  'ki',
  'Ki',
  'KI',
  'M',
  'Mi',
  'mi',
  'g',
  'G',
  'Gi',
  't',
  'T',
  'Ti',
  'p',
  'P',
  'Pi',
  'e',
  'E',
  'Ei',
  'kb',
  'KB',
  'kib',
  'MiB',
  'gb',
  'x',
  'b',
];
const amount = fc.oneof(
  fc.integer({ min: 0, max: 100000 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 99999 })).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: -12, max: 12 })).map(([a, e]) => `${a}e${e}`),
  fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String),
  fc.constantFrom('', '.5', '5.', '1.2.3', '-3', '+4', '1e', '1e+', 'e5', '1e1234567', '"10"', '1 0'),
);
const text = fc.tuple(amount, fc.constantFrom(...suffixes)).map(([a, s]) => a + s);

describe('units built-ins agree with OPA', () => {
  it('on 2 × 600 generated amounts with suffixes (fast-check, seeded) and operand errors', async () => {
    const texts = fc.sample(text, { seed: 12, numRuns: 600 }).map((t): Value[] => [t]);
    const cases = [...calls('units.parse', [...texts, [1], [null]]), ...calls('units.parse_bytes', [...texts, [true]])];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);
});
