// rego.metadata.chain() and rego.metadata.rule() against the real OPA v1.22.3 (`opa eval`):
// each case runs on both and the outcomes (bindings, undefined, or the error) must be equal.
import { describe, expect, it } from 'vitest';
import { nativeOutcome, opaOutcome, type QueryCase } from '../opa-query.js';

const FULL = `# METADATA
# title: T
# description: |
#   Multi-line
#   text
# related_resources:
# - https://example.com/x?y=1
# - ref: http://a.b/c
#   description: the spec
# authors:
# - Jane Doe <jane@x.org>
# - name: Bob
#   email: bob@x
# - <only@mail>
# organizations: [acme, 42]
# schemas:
# - input: schema.input
# - data.foo: {type: string}
# custom:
#   severity: high
#   n: [1, 2.5, true, null, {a: b}]
#   when: 2020-01-01
#   stamps: [2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.5, 2001-02-30, '2020-01-01']
#   yes: no
# entrypoint: true
p := [rego.metadata.chain(), rego.metadata.rule()]
`;

const cases: readonly (QueryCase & { readonly name: string })[] = [
  {
    name: 'every known key, document scope from entrypoint',
    modules: [`# METADATA\n# title: pkg\n# scope: subpackages\npackage a\n\n${FULL}`],
    query: 'x := data.a.p',
  },
  {
    name: 'no annotations: a placeholder link and an empty rule()',
    modules: ['package a\n\np := rego.metadata.chain()\n\nr := rego.metadata.rule()\n'],
    query: 'x := [data.a.p, data.a.r]',
  },
  {
    name: 'subpackages, package, document and rule scopes over three modules',
    modules: [
      '# METADATA\n# scope: subpackages\n# title: root\npackage x\n',
      '# METADATA\n# scope: subpackages\n# description: middle\npackage x.y\n\nq := 1\n',
      '# METADATA\n# title: the package\npackage x.y.z\n\n# METADATA\n# scope: document\n# title: doc\np := 1 if false\n\n# METADATA\n# title: rule\np := rego.metadata.chain()\n',
    ],
    query: 'x := data.x.y.z.p',
  },
  {
    name: 'two blocks above one rule: chain closest first, rule() the first block',
    modules: [
      'package a\n\n# METADATA\n# title: first\n\n# METADATA\n# title: second\np := [rego.metadata.chain(), rego.metadata.rule()]\n',
    ],
    query: 'x := data.a.p',
  },
  {
    name: 'a function, partial set and ref-head rules',
    modules: [
      'package a\n\n# METADATA\n# title: f\nf(x) := [x, rego.metadata.rule()]\n\n# METADATA\n# title: s\ns contains rego.metadata.rule().title\n\n# METADATA\n# title: deep\nq.r[k] := rego.metadata.chain() if some k in ["k"]\n',
    ],
    query: 'x := [data.a.f(1), data.a.s, data.a.q]',
  },
  {
    name: 'calls inside comprehensions, every, not and a bare expression',
    modules: [
      'package a\n\n# METADATA\n# title: c\np if {\n\trego.metadata.rule()\n\tys := [t | t := rego.metadata.rule().title]\n\tys == ["c"]\n\tevery z in [1] { z == 1; rego.metadata.chain()[0].annotations.title == "c" }\n\tnot rego.metadata.rule().title == "x"\n}\n',
    ],
    query: 'x := data.a.p',
  },
  {
    name: 'the output form rego.metadata.rule(x)',
    modules: ['package a\n\n# METADATA\n# organizations: [o]\np := x if rego.metadata.rule(x)\n'],
    query: 'x := data.a.p',
  },
  {
    name: 'an else branch has no rule-scope annotations',
    modules: ['package a\n\n# METADATA\n# title: main\np := rego.metadata.rule() if false\nelse := rego.metadata.chain()\n'],
    query: 'x := data.a.p',
  },
  {
    name: 'rule scope of a block claims only its own rule; a later rule of the path gets none',
    modules: [
      'package a\n\n# METADATA\n# title: one\np contains 1 if rego.metadata.rule().title == "one"\n\np contains x if x := rego.metadata.rule()\n',
    ],
    query: 'x := data.a.p',
  },
  {
    name: 'package annotation on one module serves the rules of another',
    modules: [
      '# METADATA\n# custom:\n#   team: infra\npackage a\n',
      'package a\n\nimport rego.v1\n\np := rego.metadata.chain()[1].annotations.custom.team\n',
    ],
    query: 'x := data.a.p',
  },
  {
    name: 'a query calling the built-ins is undefined',
    modules: [],
    query: 'x := rego.metadata.chain()',
  },
  {
    name: 'a package annotation declared twice is a type error',
    modules: ['# METADATA\n# title: a\npackage a\n', '# METADATA\n# title: b\npackage a\n\np := 1\n'],
    query: 'x := data.a.p',
  },
  {
    name: 'a document annotation declared twice is a type error',
    modules: ['package a\n\n# METADATA\n# scope: document\np := 1\n', 'package a\n\n# METADATA\n# scope: document\np := 2 if false\n'],
    query: 'x := data.a.p',
  },
  {
    name: 'Rego v0 module',
    modules: ['package a\n\n# METADATA\n# title: v0\np = x { x := rego.metadata.chain() }\n'],
    query: 'x := data.a.p',
    v0: true,
  },
];

describe('rego.metadata.* vs opa eval', () => {
  it.each(cases)('$name', (c) => {
    const want = opaOutcome(c);
    expect(want).not.toMatch(/^error internal/);
    expect(nativeOutcome(c)).toBe(want);
  });
});
