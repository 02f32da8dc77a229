import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

describe('crypto hash and HMAC built-ins agree with OPA', () => {
  it('on generated strings and keys (fast-check, seeded), long keys and operand errors', async () => {
    const ones = fc.sample(text, { seed: 11, numRuns: 40 }).map((s): Value[] => [s]);
    const pairs = fc.sample(fc.tuple(text, text), { seed: 12, numRuns: 40 }).map(([a, b]): Value[] => [a, b]);
    const longKey = 'k'.repeat(200); // longer than every block size: the key is hashed first
    const cases = [
      ...['crypto.md5', 'crypto.sha1', 'crypto.sha256'].flatMap((name) => calls(name, [...ones, [''], [1], [null]])),
      ...['crypto.hmac.md5', 'crypto.hmac.sha1', 'crypto.hmac.sha256', 'crypto.hmac.sha512'].flatMap((name) =>
        calls(name, [...pairs, ['', ''], ['msg', longKey], [1, 'k'], ['m', ['k']]]),
      ),
      ...calls('crypto.hmac.equal', [
        ...pairs,
        ...ones.map(([s]) => [s as Value, s as Value]),
        ['abc', 'abcd'],
        ['é', 'e\u0301'],
        [1, 'a'],
        ['a', true],
      ]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });
});
