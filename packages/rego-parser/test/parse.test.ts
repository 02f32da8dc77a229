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
});
