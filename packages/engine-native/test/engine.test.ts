import { describe, expect, it } from 'vitest';
import type { PolicySet } from '@policy-engine/evaluator';
import { unparsedModule } from '@policy-engine/evaluator/testing';
import type { BuiltinDef } from '@policy-engine/rego-eval';
import { nativeEngine } from '../src/index.js';

function set(sources: Record<string, string>, data: unknown = {}): PolicySet {
  return {
    // Hand-built (some sources do not parse: the engine's compiler must report them).
    modules: Object.entries(sources).map(([id, source]) => unparsedModule(id, source, 'v1')),
    data: [{ id: 'data.json', path: [], value: data }],
    revision: 'r1',
  };
}

describe('nativeEngine', () => {
  it('evaluates a package document with input and data', async () => {
    const e = nativeEngine();
    await e.load(set({ 'a.rego': 'package a\nallow if input.user in data.admins\ndeny contains "x" if not allow\n' }, { admins: ['ann'] }));
    expect(await e.evaluate('a', { user: 'ann' })).toEqual({ defined: true, value: { allow: true, deny: [] } });
    expect(await e.evaluate('a', { user: 'bob' })).toEqual({ defined: true, value: { deny: ['x'] } });
    expect(await e.evaluate('nope', {})).toEqual({ defined: false });
    await e.close();
    await expect(e.evaluate('a', {})).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
  });
  it('lets the facade cache decisions unless a user-defined built-in may be non-deterministic', () => {
    const now: BuiltinDef = { name: 'custom.now', arity: 0, fn: () => Date.now() };
    const pure: BuiltinDef = { name: 'custom.first', arity: 1, nondeterministic: false, fn: (args) => args[0] };
    expect(
      [nativeEngine(), nativeEngine({ builtins: [now] }), nativeEngine({ builtins: [pure] })].map((e) => e.decisionsCacheable),
    ).toEqual([true, false, true]);
  });
  it('refuses a bad set with file:line:col and keeps the old one', async () => {
    const e = nativeEngine();
    await e.load(set({ 'a.rego': 'package a\np := 1\n' }));
    await expect(e.load(set({ 'b.rego': 'package a\np if { x > 1 }\n' }))).rejects.toMatchObject({
      code: 'POLICY_COMPILE_ERROR',
      problems: [{ code: 'rego_unsafe_var_error', location: { file: 'b.rego', line: 2 } }],
    });
    expect(await e.evaluate('a', {})).toEqual({ defined: true, value: { p: 1 } });
  });
  it('reports conflicts as EVALUATION_ERROR and stops a runaway policy at its deadline', async () => {
    const e = nativeEngine();
    await e.load(
      set({
        'c.rego': 'package c\nx := 1 if true\nx := 2 if true\n',
        'slow.rego':
          'package slow\nn := count([1 | some a in numbers_; some b in numbers_; some c in numbers_])\nnumbers_ := [i | some i, _ in array_]\narray_ := [x | some x in [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100]]\nhuge if { some a in numbers_; some b in numbers_; some c in numbers_; some d in numbers_; a + b + c + d < 0 }\n',
      }),
    );
    await expect(e.evaluate('c', {})).rejects.toMatchObject({ code: 'EVALUATION_ERROR' });
    await expect(e.evaluate('slow', {}, { deadline: performance.now() + 50 })).rejects.toMatchObject({ code: 'EVALUATION_TIMEOUT' });
  });
});
