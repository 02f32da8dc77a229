import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RObject, RSet, type Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

/** Text rich in what Go's url.QueryEscape treats specially: reserved ASCII, space, '+', '%', '~', non-ASCII. */
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...Array.from(" +%&=;?#/~-_.!*'()[]{}$,:@aZ09é€😀")), maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
/** Percent-escapes, valid and broken, mixed with plain text. */
const escaped = fc
  .array(
    fc.oneof(fc.constantFrom('%41', '%e2%82%ac', '%FF', '%', '%4', '%zz', '%%41', '+', '&', '=', ';', 'a=b', 'a', '%3D', '%26'), text),
    { maxLength: 6 },
  )
  .map((p) => p.join(''));

describe('urlquery built-ins agree with OPA (Go url.QueryEscape / ParseQuery)', () => {
  it('encode, decode, encode_object and decode_object on generated texts (fast-check, seeded)', async () => {
    const plain = fc.sample(text, { seed: 51, numRuns: 150 });
    const esc = fc.sample(escaped, { seed: 52, numRuns: 100 });
    const objects = fc.sample(fc.array(fc.tuple(text, fc.oneof(text, fc.array(text, { maxLength: 3 }))), { maxLength: 4 }), {
      seed: 53,
      numRuns: 60,
    });
    const cases = [
      ...calls('urlquery.encode', [...plain.map((s): Value[] => [s]), [1]]),
      ...calls('urlquery.decode', [...plain.map((s): Value[] => [s]), ...esc.map((s): Value[] => [s]), [null]]),
      ...calls('urlquery.encode_object', [
        ...objects.map((o): Value[] => [new RObject(o.map(([k, v]) => [k, Array.isArray(v) ? [...v] : v] as const))]),
        [new RObject([['s', new RSet(['b', 'a'])]])],
        [new RObject([['n', 1]])],
        [new RObject([['a', [1]]])],
        ['x'],
      ]),
      ...calls('urlquery.decode_object', [...esc.map((s): Value[] => [s]), ...plain.slice(0, 50).map((s): Value[] => [s]), [1]]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  });
});
