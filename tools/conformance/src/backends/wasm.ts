/**
 * The `wasm` backend: this project's wasm engine (`@policy-engine/engine-wasm`: `opa build -t
 * wasm` per policy set, evaluated by the engine's own ABI host in a worker thread, host built-ins
 * from rego-eval's registry) through its Engine contract, one engine per case.
 *
 * `opa build` takes rule refs as entrypoints, not queries, so the case's query becomes the body
 * of a partial set rule in an extra module, `package conformance_query`:
 * `results contains {"x": x, …} if { <query> }` (v0 trees: `results[{…}] { <query> }`), and the
 * rows of that set are the query's bindings. The variables bound are the keys of the case's
 * `want_result` rows (the query's variables, as OPA's runner reports them); a case that wants
 * an error or undefined binds none, so a defined query gives one empty row.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { PolicyCompileError, PolicyEngineError, type PolicyModule } from '@policy-engine/evaluator';
import { unparsedModule } from '@policy-engine/evaluator/testing';
import { findOpa } from '@policy-engine/opa';
import type { BackendOptions, Binding, CaseOutcome, ConformanceBackend } from '../backend.js';
import type { ConformanceCase } from '../load.js';
import { fromPlain, isJObject, toJSONText, type JValue } from '../value.js';
import { inputOf } from './input.js';

/** Options of {@link wasmBackend}. */
export interface WasmBackendOptions extends BackendOptions {
  /** The `opa` binary that compiles to wasm (default: `findOpa()`, which honours `OPA_BIN`). */
  readonly opaBin?: string;
  /** Where compiled wasm is cached by content (default `<os tmp>/policy-engine-conformance-wasm`). */
  readonly cacheDir?: string;
  /** Bound of one evaluation, ms (default 10 000). */
  readonly timeoutMs?: number;
}

/** The package of the module that holds the query. */
export const QUERY_PACKAGE = 'conformance_query';

/** The variables a case's query binds: the keys of its `want_result` rows, sorted. */
export function queryVariables(c: ConformanceCase): string[] {
  const names = new Set<string>();
  for (const row of c.wantResult ?? []) for (const k of Object.keys(row)) names.add(k);
  return [...names].sort();
}

/** The module that turns a query into the partial set rule `results` of {@link QUERY_PACKAGE}. */
export function queryModule(query: string, variables: readonly string[], regoVersion: 'v0' | 'v1'): string {
  const row = `{${variables.map((v) => `${JSON.stringify(v)}: ${v}`).join(', ')}}`;
  const body = `${query.trim()}\n  __conformance_row := ${row}`;
  return regoVersion === 'v1'
    ? `package ${QUERY_PACKAGE}\n\nresults contains __conformance_row if {\n  ${body}\n}\n`
    : `package ${QUERY_PACKAGE}\n\nresults[__conformance_row] {\n  ${body}\n}\n`;
}

/** An error of the wasm engine as an outcome, with OPA's code where the engine kept one. */
export function wasmErrorOutcome(err: unknown): CaseOutcome {
  if (err instanceof PolicyCompileError) {
    const first = err.problems[0];
    const code = first?.code ?? 'rego_compile_error';
    // The engine's problem messages may repeat the code in front (`rego_parse_error: …`).
    const message = (first?.message ?? err.message).replace(new RegExp(`^${code}: `), '');
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    return { error: { code, message, text: `${where}${code}: ${message}` } };
  }
  if (err instanceof PolicyEngineError) {
    const conflict = /conflict/i.test(err.message);
    const code = conflict ? 'eval_conflict_error' : err.code;
    return { error: { code, message: err.message, text: `${code}: ${err.message}` } };
  }
  throw err;
}

/** The wasm engine as a conformance backend (one engine, one `opa build`, one worker per case). */
export function wasmBackend(options: WasmBackendOptions): ConformanceBackend {
  const opaPath = options.opaBin ?? findOpa();
  const cacheDir = options.cacheDir ?? join(tmpdir(), 'policy-engine-conformance-wasm');
  mkdirSync(cacheDir, { recursive: true });
  return {
    name: 'wasm',
    async run(c: ConformanceCase): Promise<CaseOutcome> {
      const input = inputOf(c);
      if ('error' in input) return input;
      const sources = [...c.modules, queryModule(input.query, queryVariables(c), options.regoVersion)];
      // Built by hand: a case may hold a module that does not parse (OPA's compiler must say so).
      const modules: PolicyModule[] = sources.map((source, i) =>
        unparsedModule(i < c.modules.length ? `test-${i}.rego` : 'query.rego', source, options.regoVersion),
      );
      const engine = wasmEngine({ opaPath, cacheDir, workers: 1, spareWorkers: 0 });
      try {
        const data = c.data === undefined ? [] : [{ id: 'data.json', path: [], value: JSON.parse(toJSONText(c.data)) as unknown }];
        await engine.load({ modules, data, revision: `${c.file}#${c.index}` });
        const r = await engine.evaluate(
          `${QUERY_PACKAGE}.results`,
          input.input === undefined ? undefined : JSON.parse(toJSONText(input.input)),
          {
            deadline: performance.now() + (options.timeoutMs ?? 10_000),
          },
        );
        if (!r.defined) return { result: [] };
        const rows = fromPlain(r.value, 'wasm result');
        if (!Array.isArray(rows))
          return { error: { code: 'conformance_runner', message: `results is not a set: ${toJSONText(rows).slice(0, 200)}` } };
        return { result: rows.filter((b: JValue): b is Binding => isJObject(b)) };
      } catch (err) {
        return wasmErrorOutcome(err);
      } finally {
        await engine.close();
      }
    },
  };
}
