import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJSONText, RSet, type Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

// sprintf against the real OPA v1.22.3 (Go 1.26's fmt). OPA's builtinSprintf makes each argument a
// Go value from its text: float64 for a number with `.`/`e`/`E` (its text as a string when it
// overflows), int64 or *big.Int for another, string for a string, and the term text as a string
// for everything else (booleans, null, arrays, objects, sets).
const verb = fc.constantFrom('v', 'd', 's', 'q', 'x', 'X', 'o', 'b', 'e', 'E', 'f', 'F', 'g', 'G', 't', 'c', 'U', '%');
const flags = fc.subarray(['-', '+', '#', ' ', '0'], { maxLength: 2 }).map((f) => f.join(''));
const width = fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined });
const precision = fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined });
const directive = fc
  .tuple(flags, width, precision, verb)
  .map(([f, w, p, v]) => (v === '%' ? '%%' : `%${f}${w ?? ''}${p === undefined ? '' : '.' + String(p)}${v}`));

const numberText = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('0', '-0', '9007199254740993', '18446744073709551616', '-9223372036854775809', '1e3', '1.5', '-2.25', '3.50'),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((d) => JSON.stringify(d)),
);
// Scalars as JSON text, so numbers keep their exact text (big integers, decimals) when parsed.
const scalarText: fc.Arbitrary<string> = fc.oneof(
  numberText,
  fc
    .string({ maxLength: 6, unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', '\n', 'é', '\u0378', '\u00ad', '😀', '%') })
    .map((t) => JSON.stringify(t)),
  fc.constantFrom('true', 'false', 'null'),
);
const scalar: fc.Arbitrary<Value> = scalarText.map((t) => parseJSONText(t));
const argument: fc.Arbitrary<Value> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }).map((xs) => new RSet(xs)) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.string({ maxLength: 3 }), scalarText, { maxKeys: 3 }).map((o) =>
      parseJSONText(
        `{${Object.entries(o)
          .map(([k, v]) => `${JSON.stringify(k)}: ${v}`)
          .join(', ')}}`,
      ),
    ),
  },
);

// A directive whose verb suits its argument's Go type (`%t` of a boolean is still a bad verb:
// OPA passes `true` as the string "true").
const typed = fc.oneof(
  fc.tuple(fc.constantFrom('v', 'd', 'x', 'X', 'o', 'b'), fc.integer({ min: -100000, max: 100000 }).map(String)),
  fc.tuple(fc.constantFrom('v', 'e', 'E', 'f', 'F', 'g', 'G'), numberText),
  fc.tuple(
    fc.constantFrom('v', 's', 'q'),
    scalarText.filter((t) => t.startsWith('"')),
  ),
  fc.tuple(fc.constantFrom('v', 't'), fc.constantFrom('true', 'false')),
);
const typedDirective = fc
  .tuple(flags, width, precision, typed)
  .map(([f, w, p, [v, arg]]) => [`%${f}${w ?? ''}${p === undefined ? '' : '.' + String(p)}${v}`, arg] as const);

// Go's fmt corners the two generators above do not reach: every flag combination, `*` widths and
// precisions taken from the arguments, `[n]` argument indices (good and bad), a bare `.`, long
// precisions (exact decimal rounding, ties to even), `%x`/`%b` of floats, `%#g`, `%U`, `%c`,
// `%T`, `%w`, `%O`, and numbers at the int64 / *big.Int / float64 boundaries. (`%p` of a
// *big.Int is left out: OPA prints a memory address that differs from run to run.)
const cornerVerb = fc.constantFrom(
  'v',
  'd',
  's',
  'q',
  'x',
  'X',
  'o',
  'O',
  'b',
  'e',
  'E',
  'f',
  'F',
  'g',
  'G',
  't',
  'c',
  'U',
  'T',
  'w',
  'z',
  '%',
);
const cornerFlags = fc.subarray(['-', '+', '#', ' ', '0'], { maxLength: 5 }).map((f) => f.join(''));
const cornerWidth = fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 25 }).map(String), fc.constantFrom('*', '[1]', '[2]*', '[9]'));
const cornerPrecision = fc.oneof(
  fc.constant(''),
  fc.integer({ min: 0, max: 30 }).map((p) => '.' + String(p)),
  fc.constantFrom('.', '.*', '.[1]*'),
);
const cornerIndex = fc.constantFrom('', '', '', '[1]', '[2]', '[3]', '[0]', '[x]');
const cornerDirective = fc
  .tuple(cornerFlags, cornerWidth, cornerPrecision, cornerIndex, cornerVerb)
  .map(([f, w, p, x, v]) => `%${f}${w}${p}${x}${v}`);
const cornerNumber = fc.oneof(
  numberText,
  fc.constantFrom(
    '0.5',
    '1.5',
    '2.5',
    '0.125',
    '0.375',
    '1e23',
    '5e-324',
    '1.7976931348623157e308',
    '2.2250738585072014e-308',
    '1e-7',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775808',
    '-9223372036854775809',
    '0.0',
    '-0.0',
    '1e400',
    '-1',
    '1114111',
    '1114112',
    '55296',
    '65',
    '255',
    '100.0',
    '1e2',
    '123456.789',
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer({ min: -3, max: 30 }).map((w) => String(w)),
);
const cornerArgument: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: cornerNumber.map((t) => parseJSONText(t)) },
  { weight: 3, arbitrary: argument },
);

// Each generator's 1,000 calls run in one `opa eval` (a few seconds); 0 disagreements expected, no
// known exception among the verbs generated.
describe('sprintf agrees with OPA (Go fmt verbs, flags, width, precision, bad verbs)', () => {
  it('on 1,000 generated well-typed format strings (verbs, flags, width, precision; fast-check, seeded)', async () => {
    const gen = fc.sample(fc.tuple(fc.array(typedDirective, { minLength: 1, maxLength: 3 }), fc.string({ maxLength: 3 })), {
      seed: 1207,
      numRuns: 1000,
    });
    const argLists = gen.map(([ds, text]): Value[] => [ds.map(([d]) => d).join(text), ds.map(([, a]) => parseJSONText(a))]);
    expect((await disagreements(calls('sprintf', argLists))).join('\n')).toBe('');
  }, 300_000);

  it('on 1,000 generated format strings × arguments of any type, bad verbs included (fast-check, seeded)', async () => {
    const gen = fc.sample(
      fc.tuple(fc.array(directive, { minLength: 1, maxLength: 3 }), fc.array(argument, { maxLength: 4 }), fc.string({ maxLength: 3 })),
      { seed: 1207, numRuns: 1000 },
    );
    const argLists = gen.map(([ds, args, text]): Value[] => [ds.join(text), args]);
    const cases = calls('sprintf', [...argLists, ['%d', 'x'], [1, []], ['%s', 1], ['%v %v', [1]], ['%!', []]]);
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 300_000);

  it('on 1,000 generated Go fmt corners (all flags, `*`, `[n]`, long precisions, boundary numbers; fast-check, seeded)', async () => {
    const gen = fc.sample(
      fc.tuple(
        fc.array(cornerDirective, { minLength: 1, maxLength: 3 }),
        fc.array(cornerArgument, { maxLength: 4 }),
        fc.string({ maxLength: 2 }),
      ),
      { seed: 1207, numRuns: 1000 },
    );
    const argLists = gen.map(([ds, args, text]): Value[] => [ds.join(text), args]);
    expect((await disagreements(calls('sprintf', argLists))).join('\n')).toBe('');
  }, 300_000);
});
