import { describe, expect, it } from 'vitest';
import { RSet, toJSON } from '@policy-engine/rego-value';
import { compile, RegoCompileError, RegoEvalError } from '../src/index.js';

const mod = (source: string) => [{ id: 'p.rego', source }];

describe('rego-eval', () => {
  it('evaluates complete, partial set, partial object and default rules', () => {
    const p = compile(
      mod(`package t
default allow := false
allow if input.user == "admin"
deny contains msg if { some x in input.xs; x > 1; msg := sprintf_free(x) }
sprintf_free(x) := y if y := x * 10
obj[k] := v if { some k, v in {"a": 1, "b": 2} }
`),
    );
    expect(p.evaluate('data.t.allow', { input: { user: 'bob' } })).toBe(false);
    expect(p.evaluate('t.allow', { input: { user: 'admin' } })).toBe(true);
    expect(toJSON(p.evaluate('data.t.deny', { input: { xs: [1, 2, 3] } }) ?? null)).toEqual([20, 30]);
    expect(toJSON(p.evaluate('data.t.obj') ?? null)).toEqual({ a: 1, b: 2 });
  });
  it('keeps undefined apart from false and reports conflicts', () => {
    const p = compile(
      mod(`package t
x := 1 > 3
y if 1 > 3
c := 1 if true
c := 2 if true
`),
    );
    expect(p.evaluate('data.t.x')).toBe(false);
    expect(p.evaluate('data.t.y')).toBeUndefined();
    expect(() => p.evaluate('data.t.c')).toThrow(RegoEvalError);
  });
  it('answers queries with bindings, every, not and with', () => {
    const p = compile(
      mod(`package t
ok if { every x in input.xs { x > 0 }; not input.blocked }
`),
    );
    expect(p.query('data.t.ok = v', { input: { xs: [1, 2] } })).toEqual([{ v: true }]);
    expect(p.query('data.t.ok = v with input as {"xs": [0]}', { input: { xs: [1, 2] } })).toEqual([]);
    expect(p.query('x := {1, 2} | {3}')[0]?.['x']).toEqual(new RSet([1, 2, 3]));
  });
  it('reports unsafe vars at compile time', () => {
    expect(() => compile(mod('package t\np if { x > 1 }'))).toThrow(RegoCompileError);
  });
});
