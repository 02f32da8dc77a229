import { describe, expect, it } from 'vitest';
import { nativeOutcome, opaOutcome, type QueryCase } from './opa-query.js';

// A function used as a value is OPA's type error; calls and `with` mocks are not references.
const cases: QueryCase[] = [
  { modules: ['package p\n\nf(x) := x\n\ny := f\n'], query: 'data.p.y = x' },
  { modules: ['package p\n\nf(x) := x\n\nallow if {\n  some x in f\n}\n'], query: 'data.p.allow = x' },
  { modules: ['package p\n\nf(x) := x\n\nallow if {\n  [data.p.f]\n}\n'], query: 'data.p.allow = x' },
  { modules: ['package p\n\nf(x) := x\n\nallow if {\n  y := f.a\n  y\n}\n'], query: 'data.p.allow = x' },
  { modules: ['package p\n\nf(x) := x\n\nallow if {\n  y := f[z]\n  y\n}\n'], query: 'data.p.allow = x' },
  { modules: ['package p\n\nf(x) := x\n\nallow if {\n  some z\n  y := f[z]\n  y\n}\n'], query: 'data.p.allow = x' },
  { modules: ['package p\n\nf(x) := x\n\nallow if {\n  y := f[1]\n  y\n}\n'], query: 'data.p.allow = x' },
  { modules: ['package p\n\nf(x) := x\n\ns := {v | v := f}\n'], query: 'data.p.s = x' },
  { modules: ['package p\n\nf(x) := x\n\ng(x) := y if y := f(x)\n\nallow if g(1) == 1\n'], query: 'data.p.allow = x' },
  { modules: ['package p\n\nf(x) := x\n\nh(x) := 2\n\nallow if f(1) == 2 with f as h\n'], query: 'data.p.allow = x' },
  { modules: ['package p\n\nf(x) := x\n\nq := data.p\n'], query: 'data.p.q = x' },
  { modules: ['package p\n\nf(x) := x\n'], query: 'x := data.p.f' },
];

describe('a function used as a reference', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i agrees with OPA', (_i, c) => {
    expect(nativeOutcome(c)).toBe(opaOutcome(c));
  });
  it('is refused with OPA’s wording and the reference’s line', () => {
    expect(nativeOutcome(cases[0] as QueryCase)).toBe('error rego_type_error: function data.p.f used as reference, not called');
  });
});
