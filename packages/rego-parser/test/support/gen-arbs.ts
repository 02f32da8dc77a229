/**
 * A grammar-based generator of (mostly valid) Rego modules, for the differential test:
 * mutants exercise the reject paths, these exercise the accept paths.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { CorpusModule } from './corpus.js';

const vars = fc.oneof(
  { arbitrary: fc.constantFrom('x', 'y', 'z', 'k', 'v', '_'), weight: 12 },
  { arbitrary: fc.constantFrom('input', 'data', 'some', 'in', 'if', 'contains', 'every', 'not', 'and', 'or', 'else'), weight: 1 },
);
const scalars = fc.constantFrom(
  '1',
  '-2',
  '3.50',
  '.5',
  '1e3',
  'true',
  'false',
  'null',
  '"s"',
  '"a\\nb"',
  '`raw`',
  '$"t{x}"',
  '$"{1 + 2}"',
  '-x',
);
const refs = fc
  .tuple(
    fc.constantFrom('input', 'data.lib', 'x', 'f(1)', '[1, 2]', '{"a": 1}'),
    fc.array(fc.constantFrom('.a', '.if', '[0]', '[x]', '["k"]', '.not', '[_]'), { maxLength: 3 }),
  )
  .map(([h, p]) => h + p.join(''));

const termArb: fc.Memo<string> = fc.memo((n) => {
  if (n <= 1) return fc.oneof(scalars, vars, refs);
  const t = termArb(n - 1);
  return fc.oneof(
    { arbitrary: scalars, weight: 3 },
    { arbitrary: refs, weight: 3 },
    fc
      .tuple(t, fc.constantFrom(' + ', ' - ', ' * ', ' / ', ' % ', ' & ', ' | ', ' == ', ' != ', ' < ', ' >= ', ' in ', ' := ', ' = '), t)
      .map(([a, o, b]) => a + o + b),
    fc.array(t, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(t, { minLength: 1, maxLength: 3 }).map((xs) => `{${xs.join(', ')}}`),
    fc.array(fc.tuple(t, t), { maxLength: 3 }).map((xs) => `{${xs.map(([a, b]) => `${a}: ${b}`).join(', ')}}`),
    fc.tuple(t, t).map(([a, b]) => `[${a} | ${b}]`),
    fc.tuple(t, t).map(([a, b]) => `{${a} | some ${b}}`),
    fc.tuple(t, t, t).map(([a, b, c]) => `{${a}: ${b} | ${c}}`),
    t.map((a) => `(${a})`),
    fc
      .tuple(fc.constantFrom('count', 'f', 'sum', 'data.x.g', 'set', 'and', 'or'), fc.array(t, { maxLength: 2 }))
      .map(([f, xs]) => `${f}(${xs.join(', ')})`),
  );
});

const literal = fc.oneof(
  { arbitrary: termArb(3), weight: 5 },
  termArb(2).map((t) => `not ${t}`),
  fc.tuple(vars, termArb(2)).map(([x, t]) => `some ${x} in ${t}`),
  fc.tuple(vars, vars, termArb(2)).map(([k, v, t]) => `some ${k}, ${v} in ${t}`),
  fc.array(vars, { minLength: 1, maxLength: 2 }).map((xs) => `some ${xs.join(', ')}`),
  fc.tuple(vars, termArb(2), termArb(2)).map(([x, d, b]) => `every ${x} in ${d} { ${b} }`),
  fc.tuple(termArb(2), refs, termArb(2)).map(([t, r, v]) => `${t} with ${r} as ${v}`),
  fc.tuple(termArb(2), termArb(2)).map(([a, b]) => `${a} or ${b}`),
  fc.tuple(termArb(2), termArb(2)).map(([a, b]) => `${a} and not ${b}`),
  termArb(2).map((t) => `not { ${t} }`),
);
const body = fc
  .array(literal, { minLength: 1, maxLength: 3 })
  .chain((ls) => fc.constantFrom(`{ ${ls.join('; ')} }`, `{\n\t${ls.join('\n\t')}\n}`));
const head = fc.constantFrom('p', 'q', 'a.b.c', 'p[x]', 'p["k"]', 'f(x)', 'f(_, 1)', 'p.q[r]', 'g(x, y)');
const rule = fc.oneof(
  fc.tuple(head, termArb(2), body).map(([h, v, b]) => `${h} := ${v} if ${b}`),
  fc.tuple(head, body).map(([h, b]) => `${h} if ${b}`),
  fc.tuple(head, literal).map(([h, l]) => `${h} if ${l}`),
  fc.tuple(head, termArb(2), body).map(([h, v, b]) => `${h} contains ${v} if ${b}`),
  fc.tuple(head, body).map(([h, b]) => `${h} ${b}`),
  fc.tuple(head, termArb(2), body).map(([h, v, b]) => `${h} = ${v} ${b}`),
  fc.tuple(head, termArb(2)).map(([h, v]) => `${h} := ${v}`),
  fc.tuple(head, termArb(2)).map(([h, v]) => `${h} = ${v}`),
  fc.tuple(head, termArb(1)).map(([h, v]) => `default ${h} := ${v}`),
  fc.tuple(head, body, termArb(1), body).map(([h, b, v, e]) => `${h} if ${b} else := ${v} if ${e}`),
  head,
);
const imports = fc.subarray(
  [
    'import rego.v1',
    'import future.keywords',
    'import future.keywords.in',
    'import future.keywords.if',
    'import future.keywords.and',
    'import future.keywords.or',
    'import future.keywords.not',
    'import data.lib as x',
  ],
  { maxLength: 3 },
);

/** A generated module: package, some imports, 1-4 rules. */
export const generatedModule = fc
  .tuple(imports, fc.array(rule, { minLength: 1, maxLength: 4 }))
  .map(([is, rs]) => `package gen\n\n${is.join('\n')}${is.length ? '\n\n' : ''}${rs.join('\n\n')}\n`);

/** A seeded sample of generated modules, each in v0 and v1 mode, as corpus modules (`generated#<i>@<version>`). */
export function generatedCorpusModules(numRuns: number, seed: number): CorpusModule[] {
  return fc.sample(generatedModule, { numRuns, seed }).flatMap((source, i) =>
    (['v0', 'v1'] as const).map((regoVersion) => ({
      id: `generated#${i}@${regoVersion}`,
      regoVersion,
      source,
      hash: createHash('sha256').update(`${regoVersion}\0${source}`).digest('hex'),
    })),
  );
}
