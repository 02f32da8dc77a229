/**
 * `rego.parse_module` against the real OPA: the AST value for modules using every construct,
 * and OPA's error text (`1 error occurred: …`, `N errors occurred:\n…`, `empty module`,
 * caret excerpts) for modules it rejects. The AST JSON itself is checked over the whole
 * conformance corpus by rego-parser's `ast-differential` test.
 */
import { describe, expect, it } from 'vitest';
import type { Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

const valid = [
  'package foo.bar\n\nimport rego.v1\nimport data.a\n\np if { a = true }',
  'package a.b\nimport data.x.y as z\n# comment <&>\ndefault p := false\np if { x := 1; y = [1, {"a": 2}, {3}, set()]; not q with input as {"u": 1} with data.x as 2 }',
  'package q\nq contains x if { some x in [1, 2] }\nr[k] := v if { some k, v in {"a": 1}; every i, j in [1] { i > j } }',
  'package f\nf(a, b) := a + b * 2\nf(_) := 1 if { false } else := 2\ng(_) if { input.x } { input.y }',
  'package s\ns := {x | x := [1][_]} if false else := 3\nt.u.v := 1 if { $"hi {1}"; `raw`; -1.5e3; x = input.a["b-c"][0] }',
  'package n\np := [1.50, 1e3, 0.5, 1E400, -0, 10000000000000000000000001, 1.0]',
  'package o\np := [{1, 1.0, 1e0}, {"b", "a", null, [1], {"x": 1}, x, y, input.a, f(1), 2}, {1: 2, "a": 1, null: 3}]',
  'package l\nimport future.keywords.not\nimport future.keywords.and\nimport future.keywords.or\np if { not { input.a; input.b } }\nq if { input.a or input.b }\nr if { {input.a} and (input.b or input.c) }',
  'package t\np := $`multi\n{input.x} line`\nq := $"{ # c\n1}"',
  'package w\np if { _ = 1; [_, _] = [1, 2]; {k: v | some k; v := input[k]} }',
  'package e\n# only comments\n# here\n',
];
const invalid = [
  'package foo.',
  '',
  '# just a comment\n',
  'package a\np := 1\nq := [\nr := ',
  'package a\np := {"a" 1}',
  'package a\n\tp { true }',
  'package a\np[x] { x := 1 }',
  'import data.x',
  'package a\npackage b',
  'package a\np := 1 +',
  'package a\n\t\tp := [1,,2]',
  'package a\ndefault p',
  'package a\np if { x := }',
];

describe('rego.parse_module agrees with OPA', () => {
  it('on modules with every construct, on rejected modules (error texts) and on operand errors', async () => {
    const args: Value[][] = [...valid, ...invalid].map((src, i) => [`m${i}.rego`, src]);
    const wrong = await disagreements(calls('rego.parse_module', [...args, [1, 'package a'], ['x.rego', null]]));
    expect(wrong).toEqual([]);
  }, 120_000);
});
