// The opa backend against the real OPA (OPA_BIN / npm run opa): a handful of cases, one
// process each, covering what the runner must get right to reach ≈100% on OPA's trees.
import { afterAll, describe, expect, it } from 'vitest';
import { judge, opaBackend, opaEvalOutcome, parseCaseFile, type ConformanceCase } from '../src/index.js';

const cases = parseCaseFile(
  `cases:
  - note: big integers and sets come back exactly, sets as sorted arrays
    query: data.test.p = x; data.test.s = y
    modules:
      - |
        package test

        p := 18446744073709551614 + 1
        s := {3, 1, 2}
    want_result:
      - x: 18446744073709551615
        y: [1, 2, 3]
  - note: non-strict built-in errors are undefined
    query: data.test.q = x
    modules: ["package test\\nq := 1 / 0\\n"]
    want_result: []
  - note: strict built-in errors surface with OPA's code and text
    query: data.test.q = x
    modules: ["package test\\nq := 1 / 0\\n"]
    want_error_code: eval_builtin_error
    want_error: "test-0.rego:2: eval_builtin_error: div: divide by zero"
    strict_error: true
  - note: input_term with a set (not JSON)
    query: data.test.r = x
    modules: ["package test\\nr := count(input.x)\\n"]
    input_term: '{"x": {1, 2, 2, 3}}'
    want_result:
      - x: 3
  - note: modules are compiled together and data is the base document
    query: data.a.f(data.cfg.n) = x
    modules:
      - "package a\\nimport data.b\\nf(v) := b.g(v) * 2\\n"
      - "package b\\ng(v) := v + 1\\n"
    data:
      cfg:
        n: 20
    want_result:
      - x: 42
`,
  'inline.yaml',
);

const backend = opaBackend({ regoVersion: 'v1' });
afterAll(async () => backend.close?.());

describe('opa backend (real OPA)', () => {
  for (const c of cases) {
    it(c.note, async () => {
      expect(judge(c, await backend.run(c))).toEqual({ pass: true });
    });
  }
  it('runs v0 modules with --v0-compatible', async () => {
    const v0 = opaBackend({ regoVersion: 'v0' });
    try {
      const [c] = parseCaseFile(
        'cases:\n  - note: v0\n    query: data.t.p[x]\n    modules: ["package t\\np[x] { x := [1, 2][_] }\\n"]\n    want_result: [{x: 1}, {x: 2}]\n',
        'v0.yaml',
      );
      expect(judge(c as ConformanceCase, await v0.run(c as ConformanceCase))).toEqual({ pass: true });
      // The same module is a parse error in v1.
      const out = await backend.run(c as ConformanceCase);
      expect(out).toMatchObject({ error: { code: 'rego_parse_error' } });
    } finally {
      await v0.close?.();
    }
  });
  it('reads opa eval output: undefined, bindings, errors', () => {
    expect(opaEvalOutcome('{}\n', '', 0)).toEqual({ result: [] });
    expect(opaEvalOutcome('{"result":[{"expressions":[{"value":true}]}]}', '', 0)).toEqual({ result: [{}] });
    expect(
      opaEvalOutcome('{"errors":[{"message":"m","code":"eval_type_error","location":{"file":"test-1.rego","row":4,"col":2}}]}', '', 2),
    ).toEqual({
      error: { code: 'eval_type_error', message: 'm', text: 'test-1.rego:4: eval_type_error: m' },
    });
    expect(opaEvalOutcome('panic: x', 'boom', 2)).toMatchObject({ error: { code: 'opa_eval_failed' } });
  });
});
