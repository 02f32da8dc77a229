import { describe, expect, it } from 'vitest';
import { packageName, parse } from '../src/index.js';

describe('parse: package and rules', () => {
  it('reads the package path without data and lists rules with name and kind', () => {
    const r = parse('package opa.pipelines\n\ndeny contains msg if { msg := "x" }\nallow := true\nf(x) := x\n', { file: 'p.rego' });
    expect(r.errors).toEqual([]);
    expect(r.module?.package.path).toEqual(['opa', 'pipelines']);
    expect(packageName(r.module!)).toBe('opa.pipelines');
    expect(r.module?.rules.map((x) => [x.name, x.kind])).toEqual([
      ['deny', 'partial-set'],
      ['allow', 'complete'],
      ['f', 'function'],
    ]);
  });

  it('rejects v0 syntax in v1 mode and accepts it in v0 mode', () => {
    const src = 'package x\ndeny[msg] { msg := "no" }\n';
    expect(parse(src).errors.length).toBeGreaterThan(0);
    expect(parse(src, { regoVersion: 'v0' }).errors).toEqual([]);
  });

  it("regoVersion 'auto' picks v1 when the module parses as v1, else v0", () => {
    expect(parse('package x\np contains 1 if true\n', { regoVersion: 'auto' }).module?.regoVersion).toBe('v1');
    expect(parse('package x\np[1] { true }\n', { regoVersion: 'auto' }).module?.regoVersion).toBe('v0');
    const bad = parse('package x\np[1] { \n', { regoVersion: 'auto' });
    expect(bad.module).toBeUndefined();
    expect(bad.errors.length).toBeGreaterThan(0);
  });

  it('keeps numbers as source text and locations on every node', () => {
    const m = parse('package x\n\nn := 1.000000000000000000001e400 if input.a[0].b\n', { file: 'n.rego' }).module!;
    const r = m.rules[0]!;
    expect(r.head.value).toMatchObject({ type: 'number', value: '1.000000000000000000001e400' });
    expect(r.location).toEqual({ file: 'n.rego', line: 3, col: 1, offset: 11, end: 59 });
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        if ('type' in x && x.type !== 'module') expect((x as { location?: unknown }).location).toBeDefined();
        Object.values(x).forEach(walk);
      }
    };
    walk(m);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('parses v1 constructs: ref heads, else chains, every, some-in, with, template strings, comprehensions', () => {
    const src = [
      'package a.b',
      'import rego.v1',
      'import data.lib.util as u',
      '# METADATA',
      '# title: T',
      'default allow := false',
      'allow if { every x in input.xs { x > 0 } }',
      'a.b[c] := v if { some c, v in {"k": 1} }',
      'f(x) := 1 if x == 1',
      'f(x) := 2 if x == 2',
      'g := 1 if false else := 2 if true else := 3',
      's := {x | some x in [1, 2]; x > 1}',
      'o := {k: v | some k, v in {"a": 1}}',
      't := $"n={count([1,2])} \\{literal}"',
      'w if { input.x == 1 with input as {"x": 1} }',
      'r := `raw\\n`',
      'e := set()',
      '',
    ].join('\n');
    const r = parse(src, { file: 'v1.rego' });
    expect(r.errors).toEqual([]);
    const m = r.module!;
    expect(m.imports.map((i) => i.alias ?? null)).toEqual([null, 'u']);
    expect(m.rules.map((x) => `${x.name}:${x.kind}${x.default ? ':default' : ''}`)).toEqual([
      'allow:complete:default',
      'allow:complete',
      'a.b[c]:complete',
      'f:function',
      'f:function',
      'g:complete',
      's:complete',
      'o:complete',
      't:complete',
      'w:complete',
      'r:complete',
      'e:complete',
    ]);
    expect(m.rules[0]?.annotations?.[0]?.text).toBe('title: T');
    expect(m.rules[5]?.else?.else?.head.value).toMatchObject({ type: 'number', value: '3' });
    expect(m.rules[8]?.head.value).toMatchObject({ type: 'templatestring' });
    expect(m.rules[10]?.head.value).toEqual(expect.objectContaining({ type: 'string', value: 'raw\\n', raw: true }));
    expect(m.rules[11]?.head.value).toMatchObject({ type: 'set', items: [] });
  });
});
