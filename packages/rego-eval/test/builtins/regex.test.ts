import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RObject, parseNumber, type Value } from '@policy-engine/rego-value';
import { defaultBuiltins } from '../../src/builtins/index.js';
import { calls, disagreements, testContext, type Call } from './oracle.js';

/** Regex pieces (RE2 syntax), so generated patterns are mostly valid and often match. */
const piece = fc.constantFrom(
  'a',
  'b',
  'ab',
  '.',
  '*',
  '+',
  '?',
  '*?',
  '|',
  '(',
  ')',
  '(?:',
  '(?P<n>',
  '(?<m>',
  '[ab]',
  '[^a]',
  '[a-c]',
  '\\d',
  '\\w',
  '\\s',
  '\\b',
  '^',
  '$',
  '{2}',
  '{1,}',
  '(?i)',
  'é',
  '😀',
  '\\.',
  'x',
  ' ',
  '\\pL',
  '[[:alpha:]]',
  '\\Q.*\\E',
  '\\z',
);
const pattern = fc.array(piece, { maxLength: 5 }).map((ps) => ps.join(''));
/** Subjects over an alphabet that the pieces match. */
const subject = fc.string({
  unit: fc.constantFrom('a', 'b', 'ab', 'x', '.', ' ', '1', 'é', 'É', '😀', '\n', '-'),
  maxLength: 6,
});
/** Replacement templates with Go's `$` expansion forms. */
const template = fc
  .array(fc.constantFrom('-', '$0', '$1', '${1}', '$n', '${n}x', '$nx', '$$', '$', '${', '$01', 'é', '$m', '$2'), { maxLength: 3 })
  .map((ps) => ps.join(''));

function isValid(p: string): boolean {
  return defaultBuiltins.get('regex.is_valid')?.fn([p], testContext('regex.is_valid')) === true;
}

describe('regex built-ins agree with OPA (RE2 via re2js)', () => {
  it('match, find_n, find_all_string_submatch_n, split and replace on generated patterns (fast-check, seeded)', async () => {
    const gen = fc.sample(fc.tuple(pattern, subject, template, fc.integer({ min: -1, max: 3 })), { seed: 1201, numRuns: 400 });
    // Invalid patterns are compared through is_valid (and a sample of the error texts below):
    // each error costs OPA a process of its own.
    const valid = gen.filter(([p]) => isValid(p));
    expect(valid.length).toBeGreaterThan(200);
    const cases: Call[] = [
      ...calls(
        'regex.is_valid',
        gen.map(([p]) => [p]),
      ),
      ...calls(
        'regex.match',
        valid.map(([p, s]) => [p, s]),
      ),
      ...calls(
        'regex.find_n',
        valid.map(([p, s, , n]) => [p, s, n]),
      ),
      ...calls(
        'regex.find_all_string_submatch_n',
        valid.map(([p, s, , n]) => [p, s, n]),
      ),
      ...calls(
        'regex.split',
        valid.map(([p, s]) => [p, s]),
      ),
      ...calls(
        'regex.replace',
        valid.map(([p, s, t]) => [s, p, t]),
      ),
    ];
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);

  it("gives Go's parse errors for generated invalid patterns (fast-check, seeded)", async () => {
    const gen = fc.sample(pattern, { seed: 1205, numRuns: 300 });
    const invalid = [...new Set(gen.filter((p) => !isValid(p)))].slice(0, 40);
    expect(invalid.length).toBe(40);
    expect(
      (
        await disagreements(
          calls(
            'regex.match',
            invalid.map((p) => [p, 'a']),
          ),
        )
      ).join('\n'),
    ).toBe('');
  }, 120_000);

  it('template_match on generated templates (fast-check, seeded)', async () => {
    const tpiece = fc.constantFrom('a', '.', ':', '*', '(', '{a+}', '{[0-9]*}', '{.*}', '{a|b}', '{x{2}}', 'é', '<a>');
    const gen = fc.sample(fc.tuple(fc.array(tpiece, { maxLength: 4 }), subject, fc.constantFrom(['{', '}'], ['<', '>'])), {
      seed: 1206,
      numRuns: 300,
    });
    const cases = calls(
      'regex.template_match',
      gen.map(([ps, s, [a, b]]) => [ps.join(''), s.replace(/x/g, 'a:'), a as string, b as string]),
    );
    const ok = cases.filter((c) => {
      try {
        defaultBuiltins.get(c.name)?.fn([...c.args], testContext(c.name));
        return true;
      } catch {
        return false;
      }
    });
    expect(ok.length).toBeGreaterThan(200);
    // The failing ones: a sample (each error costs OPA a process of its own).
    expect((await disagreements([...ok, ...cases.filter((c) => !ok.includes(c)).slice(0, 20)])).join('\n')).toBe('');
  }, 120_000);

  it("gives Go's parse errors for invalid patterns", async () => {
    const bad = [
      '(',
      'a)',
      '[a',
      'a**',
      'x{1001}',
      '\\8',
      '(?P<n>a)(?P<n>b)',
      '\\p{Foo}',
      '[z-a]',
      '*',
      'a{2,1}',
      '(?=a)',
      '(?<=a)b',
      '\\C',
      '\\Z',
      'a++',
      '(?P<>a)',
      '[[:foo:]]',
      '(?z)',
      '\\x{110000}',
    ];
    const cases = [
      ...calls('regex.is_valid', [...bad.map((p) => [p]), [1], [null]]),
      ...calls(
        'regex.match',
        bad.map((p) => [p, 'a']),
      ),
      ...calls(
        'regex.split',
        bad.slice(0, 4).map((p) => [p, 'a']),
      ),
      ...calls(
        'regex.find_n',
        bad.slice(0, 2).map((p) => [p, 'a', -1]),
      ),
      ...calls(
        'regex.find_all_string_submatch_n',
        bad.slice(0, 2).map((p) => [p, 'a', 1]),
      ),
      ...calls(
        'regex.replace',
        bad.slice(0, 2).map((p) => ['a', p, 'b']),
      ),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);

  it('re_match (Rego v0 only) is regex.match', async () => {
    const cases = calls('re_match', [
      ['^a+$', 'aaa'],
      ['^a+$', 'ab'],
      ['(', 'a'],
      [1, 'a'],
    ]);
    expect((await disagreements(cases, { v0: true })).join('\n')).toBe('');
  }, 120_000);

  it('on operand errors', async () => {
    const n = (t: string): Value => parseNumber(t) as Value;
    const cases = [
      ...calls('regex.match', [
        [1, 'a'],
        ['a', 1],
      ]),
      ...calls('regex.split', [
        [null, 'a'],
        ['a', []],
      ]),
      ...calls('regex.find_n', [
        ['a', 'aaa', n('1.5')],
        ['a', 'aaa', '1'],
        [1, 'a', 1],
        ['a', true, 1],
        ['a', 'aaa', n('1e30')],
      ]),
      ...calls('regex.find_all_string_submatch_n', [
        ['a', 'aaa', n('0.5')],
        [new RObject(), 'a', 1],
      ]),
      ...calls('regex.replace', [
        [1, 'a', 'b'],
        ['a', 1, 'b'],
        ['a', 'a', 1],
      ]),
      ...calls('regex.template_match', [
        [1, 'a', '{', '}'],
        ['a', 1, '{', '}'],
        ['a', 'a', 1, '}'],
        ['a', 'a', '{', 1],
      ]),
      ...calls('regex.globs_match', [
        [1, 'a'],
        ['a', 1],
      ]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);

  it('template_match: delimiters, quoting of the text between, and its errors', async () => {
    const cases = calls('regex.template_match', [
      ['urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}'],
      ['urn:foo:{.*}', 'urn:foo.bar.com:bar:baz', '{', '}'],
      ['urn:foo.bar.com:{.*}', 'urn:foo.bar.com:bar:baz', '{', '}'],
      ['urn:foo.bar.com:{.*}', 'urnXfooXbarXcom:bar:baz', '{', '}'],
      ['urn:foo:<[0-9]{2}>', 'urn:foo:42', '<', '>'],
      ['urn:foo:<[0-9]{2}>', 'urn:foo:423', '<', '>'],
      ['a{b{c}d}e', 'abcde', '{', '}'],
      ['{a}{b}', 'ab', '{', '}'],
      ['(x)*', '(x)*', '{', '}'],
      ['é{é+}', 'ééé', '{', '}'],
      ['{a', 'a', '{', '}'],
      ['a}', 'a', '{', '}'],
      ['{(}', 'a', '{', '}'],
      ['a', 'a', '{{', '}'],
      ['a', 'a', '{', '}}'],
      ['a', 'a', '', '}'],
      ['a', 'a', '{', ''],
      ['a', 'a', 'é', '}'],
      ['a', 'a', '{', 'é'],
      ['{.*}', 'x', '.', '.'],
    ]);
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);

  it('replace expands Go templates; find/split handle empty matches', async () => {
    const cases = [
      ...calls('regex.replace', [
        ['abc', '(?P<x>b)', '[$x]'],
        ['abc', '(?P<x>b)', '[${x}]'],
        ['abc', '(b)', '[$1x]'],
        ['abc', '(b)', '[${1}x]'],
        ['abc', '(b)', '$$1'],
        ['abc', 'b', '$'],
        ['abc', '', '-'],
        ['😀é', '', '-'],
        ['aaa', 'a*', 'X'],
        ['abc', 'x*', '-'],
        ['abc', '(?P<x>a)|(?P<x>b)', '[$x]'],
        ['abc', '(?P<x>a)?(?P<x>b)', '[${x}]'],
        ['a(b)c', '(?P<x>\\()[(?P<y>]', '$x$y'],
      ]),
      ...calls('regex.is_valid', [
        ['(?P<n>a)(?<n>b)'],
        ['[(?P<n>](?P<n>a)'],
        ['\\Q(?P<n>\\E(?P<n>a)(?P<n>b)'],
        ['(?P<n>a)(?P<n>b)(?P<x-y>c)'],
        ['(?P<n>a)(?P<n>b)(?P<>c)'],
        ['(?<n>a)(?P<n>b)(c'],
      ]),
      ...calls('regex.match', [
        ['(?P<n>a)(?P<n>b)(?P<x-y>c)', 'a'],
        ['(?<n>a)(?P<n>b)(c', 'a'],
        ['(?<n>a)(?<n>[b)', 'a'],
      ]),
      ...calls('regex.split', [
        ['', ''],
        ['a', ''],
        ['', 'abc'],
        ['x*', 'axbxxc'],
        ['b', 'abc'],
        ['^', 'abc'],
        ['$', 'abc'],
        ['a', 'a'],
      ]),
      ...calls('regex.find_n', [
        ['', 'abc', -1],
        ['x*', 'axb', -1],
        ['a', 'aaaa', 2],
        ['a', 'aaaa', 0],
        ['.', '😀é', -1],
      ]),
      ...calls('regex.find_all_string_submatch_n', [
        ['(a)|(b)', 'abx', -1],
        ['(?P<n>a)(x)?', 'aaxa', 2],
        ['()', 'ab', -1],
      ]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);
});

/** Globs for regex.globs_match (glob-intersection syntax: `.`, `[…]`, `+`, `*`, `\`). */
const gpiece = fc.constantFrom('a', 'b', '.', '*', '+', '.*', '.+', 'a*', 'b+', '[ab]', '[a-c]', '[b-c]*', '\\.', '\\*', 'é', 'x');
const gglob = fc.array(gpiece, { maxLength: 5 }).map((ps) => ps.join(''));

describe('regex.globs_match agrees with OPA (glob-intersection)', () => {
  it('on generated globs (fast-check, seeded)', async () => {
    const pairs = fc.sample(fc.tuple(gglob, gglob), {
      seed: 1202,
      numRuns: 1000,
    });
    const ok = (p: string): boolean => {
      try {
        defaultBuiltins.get('regex.globs_match')?.fn([p, 'a'], testContext('regex.globs_match'));
        return true;
      } catch {
        return false;
      }
    };
    const valid = pairs.filter(([a, b]) => ok(a) && ok(b));
    expect(valid.length).toBeGreaterThan(400);
    expect((await disagreements(calls('regex.globs_match', valid))).join('\n')).toBe('');
  }, 120_000);

  it('on hand-picked globs and every error text', async () => {
    const cases = calls('regex.globs_match', [
      ['a.a.', '.b.b'],
      ['[a-z]+', '[0-9]*'],
      ['[a-z]+', '[0-9]+'],
      ['a*', 'a+'],
      ['a*a*', 'aa'],
      ['a+a+', 'a'],
      ['.*', ''],
      ['', ''],
      ['a', ''],
      ['\\.', 'a'],
      ['a]', 'x'],
      ['[a-]', 'x'],
      ['[a-', 'x'],
      ['[-a]', 'x'],
      ['[a--]', 'x'],
      ['[z-a]', 'x'],
      ['[ab', 'x'],
      ['*a', 'x'],
      ['a**', 'x'],
      ['a\\', 'x'],
      ['x', '+'],
      ['%d[', 'x'],
      ['%s%%[', 'x'],
      ['%w%q[', 'x'],
      ['%s%s%s%s[', 'x'],
      ['[a-c]', '[c-e]'],
      ['[a-b]', '[c-e]'],
    ]);
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);
});
