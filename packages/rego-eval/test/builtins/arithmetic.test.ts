import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatValue, parseNumber, type Value } from '@policy-engine/rego-value';
import { calls, disagreements, ours } from './oracle.js';

const n = (t: string): Value => parseNumber(t) as Value;

// Operands of every representation OPA distinguishes: int32 window, big integers (also in
// exponent form), decimals, decimals past float64's digits, tiny and huge exponents.
const table: Value[] = [
  0,
  1,
  -1,
  2,
  3,
  7,
  -7,
  10,
  2147483647,
  -2147483648,
  2147483648,
  n('9007199254740993'),
  n('12345678901234567890'),
  n('1e30'),
  n('-1e21'),
  0.1,
  0.2,
  0.3,
  0.5,
  -0.5,
  1.5,
  3.5,
  n('3.50'),
  0.07,
  1e-7,
  n('0.30000000000000000001'),
  n('123456789012345678901.5'),
  n('1e-300'),
  n('1e300'),
  n('1e400'),
  1234567.5,
];

const number = fc.oneof(
  fc.integer({ min: -5000000000, max: 5000000000 }),
  fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map((b) => n(b.toString())),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 }).map((d) => n(String(d === 0 ? 0 : d))),
  fc.tuple(fc.integer({ min: -999999, max: 999999 }), fc.integer({ min: 1, max: 12 })).map(([m, e]) => n(`${m}e-${e}`)),
);

describe('arithmetic agrees with OPA (+ - * / %)', () => {
  it('gives OPA’s decimal results: 0.1 + 0.2 is 0.3, 1 / 3 is 0.33333333333333333334', () => {
    const v = (name: string, args: Value[]): unknown => {
      const o = ours({ name, args });
      return o.kind === 'value' ? o.value : o;
    };
    expect(v('plus', [0.1, 0.2])).toBe(0.3);
    expect(String(v('div', [1, 3]))).toBe('0.33333333333333333334');
    expect(String(v('plus', [n('9007199254740993'), 2]))).toBe('9007199254740995');
    expect(v('div', [1, 2])).toBe(0.5);
  });

  it('on every pair of a table of operands, errors included', async () => {
    const pairs = table.flatMap((a) => table.map((b) => [a, b] as const));
    // `%` only exists for integers: its errors (one OPA process each) on a few pairs.
    const ints = table.filter((x) => /^-?\d+$/.test(formatValue(x)));
    const remPairs = [...ints.flatMap((a) => ints.map((b) => [a, b] as const)), [1.5, 1], [1, 0.5], [n('1e30'), 7]] as const;
    const cases = [...['plus', 'minus', 'mul', 'div'].flatMap((name) => calls(name, pairs)), ...calls('rem', remPairs)];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);

  it('on 4 × 300 generated pairs (fast-check, seeded)', async () => {
    const pairs = fc.sample(fc.tuple(number, number), { seed: 11, numRuns: 300 });
    const cases = ['plus', 'minus', 'mul', 'div'].flatMap((name) => calls(name, pairs));
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);

  it('compares decimals as OPA (==, <, and results of arithmetic)', async () => {
    const pairs = table.flatMap((a) => table.map((b) => [a, b] as const));
    const cases = ['equal', 'lt', 'gte'].flatMap((name) => calls(name, pairs));
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);
});

describe('results keep OPA’s text (json.Number of big.Float.Text)', () => {
  it('term text of arithmetic results agrees with OPA', async () => {
    const { nativeOutcome, opaOutcome } = await import('../opa-query.js');
    const c = {
      modules: [],
      query: 'x := sprintf("%v", [[1e-7 + 0, 1234567.5 + 0, 0.1 + 0.2, 1 / 3, 2 * 0.5, 1e300 * 1e300, -0.00001 * 1, 100000.5 * 1]])',
    };
    const ours = nativeOutcome(c);
    expect(ours).toBe(opaOutcome(c));
    expect(ours).toContain('1e-07');
  });
});
