import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '@policy-engine/rego-value';
import { nativeOutcome, opaOutcome, type QueryCase } from '../opa-query.js';
import { calls, disagreements } from './oracle.js';

const hexOf = (b: readonly number[]): string => b.map((x) => x.toString(16).padStart(2, '0')).join('');
const dashed = (h: string): string => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

/** 16 bytes with every version nibble and variant pattern, written in each form google/uuid accepts, and near misses. */
const uuidText = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }),
    fc.integer({ min: 0, max: 15 }),
    fc.integer({ min: 0, max: 7 }),
    fc.integer({ min: 0, max: 8 }),
  )
  .map(([bytes, version, variantTop, form]) => {
    const b = [...bytes];
    b[6] = (version << 4) | ((b[6] as number) & 0x0f);
    b[8] = (variantTop << 5) | ((b[8] as number) & 0x1f);
    const h = hexOf(b);
    switch (form) {
      case 0:
        return dashed(h);
      case 1:
        return dashed(h).toUpperCase();
      case 2:
        return `urn:uuid:${dashed(h)}`;
      case 3:
        return `URN:UUID:${dashed(h)}`;
      case 4:
        return `{${dashed(h)}}`;
      case 5:
        return `x${dashed(h)}y`; // the 38-char form does not check its first and last characters
      case 6:
        return h;
      case 7:
        return dashed(h).replace('-', '');
      default:
        return dashed(h).slice(0, 35) + 'g';
    }
  });

describe('uuid built-ins', () => {
  it('uuid.parse agrees with OPA on 400 generated UUID texts (fast-check, seeded) and odd inputs', async () => {
    const texts = fc.sample(uuidText, { seed: 41, numRuns: 400 }).map((t): Value[] => [t]);
    const odd: Value[][] = [
      [''],
      ['urn:uuid:'],
      ['uuid:00000000-0000-1000-8000-000000000000xxxxx'],
      ['é0000000-0000-1000-8000-0000000000000'],
      [1],
      [null],
    ];
    expect((await disagreements(calls('uuid.parse', [...texts, ...odd]))).join('\n')).toBe('');
  });

  it('uuid.rfc4122 is a v4 UUID, fixed per key within one query, and fresh across queries (as OPA)', () => {
    const c: QueryCase = {
      modules: [
        `package t
a := uuid.rfc4122("k")
b := uuid.rfc4122("k")
c := uuid.rfc4122("k2")
d := uuid.rfc4122("k2")
e := uuid.rfc4122("other")
shape if {
  count(a) == 36
  [count(p) | some p in split(a, "-")] == [8, 4, 4, 4, 12]
  substring(a, 14, 1) == "4"
  indexof("89ab", substring(a, 19, 1)) >= 0
  lower(a) == a
}
`,
      ],
      query: 'x := [data.t.a == data.t.b, data.t.c == data.t.d, data.t.a != data.t.e, data.t.a != data.t.c, data.t.shape]',
    };
    const want = '{"x":[true,true,true,true,true]}';
    expect(opaOutcome(c)).toBe(want);
    expect(nativeOutcome(c)).toBe(want);
    const one: QueryCase = { modules: [], query: 'x := uuid.rfc4122("k")' };
    expect(nativeOutcome(one)).not.toBe(nativeOutcome(one));
  });
});
