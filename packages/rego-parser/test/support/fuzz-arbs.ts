/** fast-check generators of Rego-ish sources: token soups, corpus mutations, deep nesting. */
import fc from 'fast-check';

const TOKENS = [
  'package',
  'import',
  'as',
  'default',
  'else',
  'not',
  'some',
  'with',
  'null',
  'true',
  'false',
  'if',
  'contains',
  'in',
  'every',
  'and',
  'or',
  'future.keywords',
  'rego.v1',
  'data',
  'input',
  'p',
  'q',
  'x',
  'f',
  '_',
  'a.b',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ',',
  ':',
  ':=',
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '.',
  ';',
  '\n',
  ' ',
  '\t',
  '"s"',
  '"\\u00e9\\n"',
  '`raw`',
  '$"t{x}"',
  '$`r{1}`',
  '1',
  '-2.5e3',
  '.5',
  '007',
  '1e99999',
  '# c\n',
  '# METADATA\n# title: t\n',
  '"',
  '`',
  '$',
  '@',
  '!',
  '\u00a0',
  '\u0000',
  '\ufeff',
  '\ud800',
  'é',
];

/** A random sequence of Rego tokens and junk. */
export const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((ts) => ts.join(' '));

/** A corpus module with random edits (delete, insert, replace, duplicate spans). */
export function mutated(sources: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.record({
    kind: fc.constantFrom('delete', 'insert', 'replace', 'dup'),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 12 }),
    text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })),
  });
  return fc.tuple(fc.constantFrom(...sources), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([src, edits]) => {
    let s = src;
    for (const e of edits) {
      const at = s.length === 0 ? 0 : e.at % s.length;
      if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + e.len);
      else if (e.kind === 'insert') s = s.slice(0, at) + e.text + s.slice(at);
      else if (e.kind === 'replace') s = s.slice(0, at) + e.text + s.slice(at + e.len);
      else s = s.slice(0, at + e.len) + s.slice(at, at + e.len) + s.slice(at + e.len);
    }
    return s;
  });
}

/** Deeply nested brackets, parens and bodies. */
export const deepNesting = fc
  .tuple(fc.constantFrom('[', '{', '(', '{x | ', '[x | ', 'f(', 'not {', '-'), fc.integer({ min: 1, max: 3000 }), fc.boolean())
  .map(([open, n, close]) => {
    const closer: Record<string, string> = { '[': ']', '{': '}', '(': ')', '{x | ': '}', '[x | ': ']', 'f(': ')', 'not {': '}', '-': '' };
    return `package x\np := ${open.repeat(n)}1${close ? (closer[open] ?? '').repeat(n) : ''}\n`;
  });
