import { describe, expect, it } from 'vitest';
import { parse } from '@policy-engine/rego-parser';
import { PolicyCompileError, loadPolicySources, packageIndex, policyModule, type PolicyModule } from '@policy-engine/evaluator';
import { moduleAst, parsedModule, v0CompatibleSource } from '@policy-engine/evaluator/engine-kit';
import { unparsedModule } from '@policy-engine/evaluator/testing';

const V1 = 'package a.b\n\ndeny contains "no" if input.bad\n\nstages.before.deploy.deny contains "x" if input.y\n';

describe('PolicyModule.ast', () => {
  it('is filled in once by the loaders: the parse of the source with its resolved version', async () => {
    const { policySet } = await loadPolicySources({ kind: 'inline', modules: [{ id: 'a.rego', source: V1, regoVersion: 'auto' }] });
    const [m] = policySet.modules;
    expect(m?.ast).toEqual(parse(V1, { regoVersion: 'v1', file: 'a.rego' }).module);
    expect(m?.regoVersion).toBe('v1');
    // Engines read that very object, no second parse.
    expect(m && moduleAst(m)).toBe(m?.ast);
  });

  it('policyModule builds a complete module by hand, or throws a PolicyCompileError with file:line:col', () => {
    const m = policyModule({ id: 'p.rego', source: 'package p\n\nallow { true }\n', regoVersion: 'auto' });
    expect(m).toMatchObject({ id: 'p.rego', packageName: 'p', regoVersion: 'v0' });
    expect(m.ast?.rules.map((r) => r.name)).toEqual(['allow']);
    let error: unknown;
    try {
      policyModule({ id: 'bad.rego', source: 'package p\n\nallow if {\n' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyCompileError);
    expect((error as PolicyCompileError).problems[0]?.location).toMatchObject({ file: 'bad.rego', line: 4, col: 1 }); // where `opa check` puts it too;
  });

  it('a hand-built module without ast is parsed once and remembered (the documented fallback)', () => {
    const m: PolicyModule = { id: 'h.rego', source: V1, regoVersion: 'v1', packageName: 'a.b' };
    const first = moduleAst(m);
    expect(first?.package.path).toEqual(['a', 'b']);
    expect(moduleAst(m)).toBe(first);
    expect(packageIndex([m]).declaringPackage('a.b.stages.before.deploy')).toBe('a.b');
  });

  it('unparsedModule keeps a module that does not parse, its package read from the clause the parser found', () => {
    const m = unparsedModule('x.rego', '# c\npackage x.y # n\n\nallow if {\n', 'v1');
    expect(m).toEqual({ id: 'x.rego', source: '# c\npackage x.y # n\n\nallow if {\n', regoVersion: 'v1', packageName: 'x.y' });
    expect(moduleAst(m)).toBeUndefined();
    expect(parsedModule(m).partial?.package.path).toEqual(['x', 'y']);
    expect(unparsedModule('n.rego', 'p := 1\n', 'v1').packageName).toBe('');
    expect(packageIndex([m]).declares('x.y')).toBe(true);
  });
});

describe('v0CompatibleSource reads the AST', () => {
  it('puts import rego.v1 after the package clause, also with a quoted path, a # in a string and no newline at the end', () => {
    const src = 'package a["b#c"] # note\nallow if true';
    expect(v0CompatibleSource(policyModule({ id: 'q.rego', source: src })).source).toBe(
      'package a["b#c"] import rego.v1 # note\nallow if true',
    );
  });

  it('finds an existing import rego.v1 however it is spaced, and leaves the module alone', () => {
    const src = 'package a\nimport   rego.v1 # already\nallow if true\n';
    expect(v0CompatibleSource(policyModule({ id: 'r.rego', source: src }))).toEqual({ source: src, rewritten: false });
    // `import rego.v1` inside a comment or string is no import.
    const commented = 'package a\n# import rego.v1\nx := "import rego.v1"\n';
    expect(v0CompatibleSource(policyModule({ id: 'c.rego', source: commented })).rewritten).toBe(true);
  });
});
