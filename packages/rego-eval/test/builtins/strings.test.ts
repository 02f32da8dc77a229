import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RObject, RSet, parseNumber, type Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

/** Short strings over a small alphabet with ASCII, accents, an astral rune and spaces, so searches hit. */
const str = fc.string({
  unit: fc.constantFrom('a', 'b', 'ab', '.', '/', ' ', 'é', 'İ', 'ß', '😀', '\t', '\u00a0', '\u2003', 'Σ', '-'),
  maxLength: 6,
});

describe('string built-ins agree with OPA', () => {
  it('searches, splits and case on generated strings (fast-check, seeded)', async () => {
    const pairs = fc.sample(fc.tuple(str, str), { seed: 21, numRuns: 60 });
    const nonEmpty = pairs.filter(([, b]) => b !== '');
    const cases = [
      ...[
        'contains',
        'startswith',
        'endswith',
        'split',
        'strings.count',
        'trim',
        'trim_left',
        'trim_right',
        'trim_prefix',
        'trim_suffix',
      ].flatMap((name) => calls(name, pairs)),
      ...['indexof', 'indexof_n'].flatMap((name) => calls(name, nonEmpty)),
      ...['lower', 'upper', 'trim_space', 'strings.reverse'].flatMap((name) =>
        calls(
          name,
          pairs.map(([a]) => [a]),
        ),
      ),
      ...calls(
        'count',
        pairs.map(([a]) => [a]),
      ),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });

  it('substring, strings.split_n, replace and replace_n on generated arguments (fast-check, seeded)', async () => {
    const sub = fc.sample(fc.tuple(str, fc.integer({ min: 0, max: 7 }), fc.integer({ min: -2, max: 7 })), { seed: 22, numRuns: 60 });
    const splitN = fc.sample(fc.tuple(str, fc.constantFrom('', 'a', 'é', ' ', 'ab'), fc.integer({ min: -3, max: 4 })), {
      seed: 23,
      numRuns: 60,
    });
    const repl = fc.sample(fc.tuple(str, str, str), { seed: 24, numRuns: 60 });
    const replN = fc.sample(fc.tuple(fc.dictionary(str, str, { maxKeys: 3 }), str), { seed: 25, numRuns: 60 });
    const cases = [
      ...calls('substring', sub),
      ...calls('strings.split_n', splitN),
      ...calls('replace', repl),
      ...calls(
        'strings.replace_n',
        replN.map(([d, s]) => [RObject.fromRecord(d), s]),
      ),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });

  it('on hand-picked cases and every operand error', async () => {
    const n = (t: string): Value => parseNumber(t) as Value;
    const cases = [
      ...calls('concat', [
        [',', ['a', 'b']],
        [',', new RSet(['b', 'a'])],
        ['', []],
        ['-', ['x']],
        [',', [1]],
        [',', 'ab'],
        [1, ['a']],
        [',', new RSet([1])],
      ]),
      ...calls('format_int', [
        [255, 16],
        [-255, 2],
        [10.9, 10],
        [-10.9, 8],
        [n('12345678901234567890'), 16],
        [3, 7],
        ['3', 10],
        [3, '10'],
        [0, 2],
      ]),
      ...calls('indexof', [
        ['abc', ''],
        ['héllo', 'l'],
        [1, 'a'],
        ['a', 1],
      ]),
      ...calls('indexof_n', [
        ['aaaa', 'aa'],
        ['', 'a'],
        ['x', ''],
      ]),
      ...calls('substring', [
        ['abc', -1, 1],
        ['abc', 1.5, 1],
        ['abc', 0, 'x'],
        [1, 0, 1],
        ['😀😀x', 1, 5],
      ]),
      ...calls('split', [
        ['', ''],
        ['a', ''],
        ['a,b,,c', ','],
        [1, ','],
      ]),
      ...calls('strings.replace_n', [
        [RObject.fromRecord({ a: 1 }), 'a'],
        [new RObject([[1, 'x']]), 'a'],
        [RObject.fromRecord({ '': 'x' }), 'ab'],
        [RObject.fromRecord({ a: 'b', ab: 'c' }), 'aab'],
        ['x', 'a'],
      ]),
      ...calls('replace', [
        ['abc', '', '-'],
        ['aaa', 'a', 'aa'],
        [1, 'a', 'b'],
      ]),
      ...calls('strings.any_prefix_match', [
        ['abc', 'a'],
        [['x', 'ab'], new RSet(['a', 'q'])],
        [new RSet(), ['a']],
        [[1], 'a'],
        ['a', [1]],
        [1, 'a'],
        ['a', 1],
        [new RSet([1]), 'a'],
      ]),
      ...calls('strings.any_suffix_match', [
        ['abc', 'c'],
        [['x', 'ab'], ['b']],
        [[], []],
        [[1], 'a'],
        ['a', new RSet([2])],
        [null, 'a'],
      ]),
      ...calls('sprintf', [
        ['%s-%d-%v', ['a', 3, [1, 'x']]],
        ['%.2f %x %q', [3.14159, 255, 'q']],
        ['%d', [n('12345678901234567890')]],
        ['%v', [new RSet([2, 1])]],
        ['%s', 'x'],
        [1, []],
        ['%d %d', [1]],
      ]),
      ...calls('trim_space', [['\u0085 a \u00a0'], ['\ufeffa'], [1]]),
      ...calls('lower', [['ÀÉÎ İ'], [1]]),
      ...calls('upper', [['àéî ß ǅ ŉ'], [null]]),
      ...calls('strings.reverse', [['abc😀'], [[]]]),
      ...calls('trim', [
        ['  a  ', ' '],
        ['xxaxx', 'x'],
        ['a', ''],
        [1, 'a'],
        ['a', 1],
      ]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });
});
