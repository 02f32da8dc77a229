import { describe, expect, it } from 'vitest';
import { compile, type ErrorLocation } from '../src/index.js';

describe('EvalOptions.cover', () => {
  it('reports evaluated expressions and rules that produced a value, nothing else', () => {
    const source =
      'package p\n\ndefault allow := false\n\nallow if input.user == "admin"\n\nallow if {\n\tinput.user == "bob"\n\tinput.method == "GET"\n}\n';
    const policy = compile([{ id: 'p.rego', source }]);
    const hits: ErrorLocation[] = [];
    expect(policy.evaluate('data.p.allow', { input: { user: 'admin' }, cover: (l) => hits.push(l) })).toBe(true);
    const at = new Set(hits.map((h) => `${h.file}:${h.row}:${h.col}`));
    expect(at.has('p.rego:5:1')).toBe(true); // the rule that produced true
    expect(at.has('p.rego:5:10')).toBe(true); // its expression
    expect(at.has('p.rego:8:2')).toBe(true); // evaluated, failed
    expect(at.has('p.rego:9:2')).toBe(false); // never reached
    expect(at.has('p.rego:7:1')).toBe(false); // produced nothing
    expect(at.has('p.rego:3:1')).toBe(false); // the default was not needed
    const none: ErrorLocation[] = [];
    policy.evaluate('data.p.allow', { input: { user: 'x' }, cover: (l) => none.push(l) });
    expect(none.some((h) => h.row === 3)).toBe(true); // now the default decided
  });
});
