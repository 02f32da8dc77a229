import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RObject, type Value } from '@policy-engine/rego-value';
import { defaultBuiltins } from '../../src/builtins/index.js';
import { calls, disagreements, testContext } from './oracle.js';

/** Glob pieces (gobwas syntax), so generated patterns are mostly valid and often match. */
const piece = fc.constantFrom(
  'a',
  'b',
  'ab',
  '.',
  '/',
  '*',
  '**',
  '?',
  '[a-c]',
  '[!a]',
  '[ab]',
  '[!.]',
  '{a,b}',
  '{,a}',
  '{a*,b.}',
  '{a,{b,c}}',
  '\\*',
  '\\.',
  'é',
  '😀',
  ',',
  '}',
  '-',
  '!',
);
const pattern = fc.array(piece, { maxLength: 5 }).map((ps) => ps.join(''));
const subject = fc.string({
  unit: fc.constantFrom('a', 'b', 'c', '.', '/', 'é', '😀', '*', ',', '\n', 'ab', 'a.b'),
  maxLength: 6,
});
const delimiters: readonly Value[] = [[], null, ['/'], ['.', '/'], ['é'], ['a']];

function isValid(p: string): boolean {
  try {
    defaultBuiltins.get('glob.match')?.fn([p, null, ''], testContext('glob.match'));
    return true;
  } catch {
    return false;
  }
}

describe('glob built-ins agree with OPA (gobwas/glob)', () => {
  it('glob.match on generated globs, subjects and delimiters (fast-check, seeded)', async () => {
    const gen = fc.sample(fc.tuple(pattern, fc.constantFrom(...delimiters), subject), { seed: 1203, numRuns: 1200 });
    // Invalid globs are compared below (each error costs OPA a process of its own).
    const valid = gen.filter(([p]) => isValid(p));
    expect(valid.length).toBeGreaterThan(1000);
    const quoted = fc.sample(subject, { seed: 1204, numRuns: 100 });
    const cases = [
      ...calls('glob.match', valid),
      ...calls(
        'glob.quote_meta',
        quoted.map((s) => [s]),
      ),
      // A quoted string matches itself.
      ...calls(
        'glob.match',
        quoted.map((s) => [defaultBuiltins.get('glob.quote_meta')?.fn([s], testContext('glob.quote_meta')) as Value, null, s]),
      ),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 180_000);

  it('glob.match on hand-picked cases: delimiters, **, classes, alternatives', async () => {
    const cases = calls('glob.match', [
      ['*.github.com', [], 'api.github.com'],
      ['*.github.com', [], 'api.cdn.github.com'],
      ['*.github.com', null, 'api.cdn.github.com'],
      ['**.github.com', [], 'api.cdn.github.com'],
      ['*:github:com', [':'], 'api:github:com'],
      ['*/x', ['/'], 'a/b/x'],
      ['**/x', ['/'], 'a/b/x'],
      ['?at', [], 'cat'],
      ['?at', [], '.at'],
      ['?at', null, '.at'],
      ['[a-c]at', [], 'bat'],
      ['[!a-c]at', [], 'bat'],
      ['[!a-c]at', [], '.at'],
      ['[abc]at', [], 'cat'],
      ['[!abc]at', [], 'dat'],
      ['{cat,bat,[fr]at}', [], 'rat'],
      ['{cat,bat,[fr]at}', [], 'mat'],
      ['{a,b{c,d}}e', [], 'bde'],
      ['a{,b}', [], 'a'],
      ['a{}', [], 'a'],
      ['{}', [], ''],
      ['', [], ''],
      ['', null, 'a'],
      ['\\*', [], '*'],
      ['\\{a\\}', [], '{a}'],
      ['a,b', [], 'a,b'],
      ['a}', [], 'a}'],
      ['[]]', [], ']'],
      ['[!]]', [], 'a'],
      ['😀*', [], '😀é'],
      ['*', [], 'a\nb'],
      ['**', ['é'], 'aéb'],
      ['*', ['é'], 'aéb'],
    ]);
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);

  it("glob.match gives gobwas/glob's syntax errors (byte offsets) and OPA's operand errors", async () => {
    const bad = [
      '[a',
      '[',
      '[]',
      '[a-',
      '[a-]',
      '[a-bc]',
      '[z-a]',
      '{a',
      '{a,b',
      'a\\',
      '[!',
      'é[',
      'é{a',
      '{a,[b}',
      '{[a-}',
      '[\\',
      '[a\\]',
    ];
    const cases = [
      ...calls(
        'glob.match',
        bad.map((p) => [p, [], 'a']),
      ),
      ...calls('glob.match', [
        [1, [], 'a'],
        ['a', 'x', 'a'],
        ['a', new RObject(), 'a'],
        ['a', [1], 'a'],
        ['a', ['ab'], 'a'],
        ['a', [''], 'a'],
        ['a', [], 1],
        ['[', 'x', 'a'],
        ['[', [], 1],
      ]),
      ...calls('glob.quote_meta', [[1], ['*?\\[]{}.!,-é']]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);
});
