// The wasm backend: the query module it writes, and a few cases through the real
// `opa build -t wasm` and the wasm engine.
import { afterAll, describe, expect, it } from 'vitest';
import { findOpa } from '@policy-engine/opa';
import { judge, parseCaseFile, queryModule, queryVariables, wasmBackend, type ConformanceCase } from '../src/index.js';

describe('the query module', () => {
  it('binds the variables of want_result, sorted, in a partial set rule', () => {
    const [c] = parseCaseFile(
      'cases:\n  - note: n\n    query: data.p = x; data.q = a\n    want_result:\n      - {x: 1, a: 2}\n      - {x: 3, a: 4}\n',
      'f.yaml',
    ) as [ConformanceCase];
    expect(queryVariables(c)).toEqual(['a', 'x']);
    expect(queryModule('data.p = x; data.q = a', queryVariables(c), 'v1')).toBe(
      'package conformance_query\n\nresults contains __conformance_row if {\n  data.p = x; data.q = a\n  __conformance_row := {"a": a, "x": x}\n}\n',
    );
    expect(queryModule('true', [], 'v0')).toBe(
      'package conformance_query\n\nresults[__conformance_row] {\n  true\n  __conformance_row := {}\n}\n',
    );
  });
});

let opa: string | undefined;
try {
  opa = findOpa();
} catch {
  opa = undefined;
}

describe.skipIf(opa === undefined)(
  opa === undefined ? 'wasm backend (skipped: no opa binary; npm run opa installs it)' : 'wasm backend',
  () => {
    const cases = parseCaseFile(
      `cases:
  - note: rows of several variables, data as the base document
    query: data.test.p[x] = y
    modules:
      - |
        package test

        p[k] := v if some k, v in data.cfg
    data: {cfg: {a: 1, b: 2}}
    want_result:
      - {x: a, y: 1}
      - {x: b, y: 2}
  - note: a conflict is OPA's eval_conflict_error
    query: data.test.c = x
    modules: ["package test\\nc := 1 if true\\nc := 2 if true\\n"]
    want_error_code: eval_conflict_error
  - note: undefined is an empty result set
    query: data.test.q = x
    modules: ["package test\\nq if false\\n"]
    want_result: []
  - note: input_term with a set
    query: data.test.r = x
    modules: ["package test\\nr := count(input.x)\\n"]
    input_term: '{"x": {1, 2, 2, 3}}'
    want_result:
      - x: 3
  - note: compile errors keep OPA's code and the module's name
    query: data.test.s = x
    modules: ["package test\\ns := y\\n"]
    want_error: "test-0.rego:2: rego_unsafe_var_error: var y is unsafe"
`,
      'wasm.yaml',
    );
    const backend = wasmBackend({ regoVersion: 'v1' });
    afterAll(() => backend.close?.());
    for (const c of cases) {
      it(
        c.note,
        async () => {
          const outcome = await backend.run(c);
          expect(judge(c, outcome)).toEqual({ pass: true });
        },
        60_000,
      );
    }
    it('a wrong answer fails the case', async () => {
      const [c] = parseCaseFile(
        'cases:\n  - note: n\n    query: data.test.p = x\n    modules: ["package test\\np := 1\\n"]\n    want_result: [{x: 2}]\n',
        'w.yaml',
      ) as [ConformanceCase];
      expect(judge(c, await backend.run(c)).pass).toBe(false);
    }, 60_000);
  },
);
