// The bundle's entry: what the page calls. Only rego-eval and rego-value are bundled, for the
// browser platform, so a Node-only import anywhere below them fails the build.
import { compile } from '@policy-engine/rego-eval';
import { toJSON } from '@policy-engine/rego-value';

/** One evaluation the page is asked to run. */
export interface BrowserQuery {
  readonly path: string;
  readonly input: unknown;
}

/** Compiles the modules once and evaluates every query; `undefined` results become `null` markers. */
export function evaluateAll(
  modules: readonly { id: string; source: string }[],
  data: unknown,
  queries: readonly BrowserQuery[],
): { defined: boolean; value?: unknown }[] {
  const prepared = compile(modules, { data });
  return queries.map((q) => {
    const v = prepared.evaluate(q.path, { input: q.input });
    return v === undefined ? { defined: false } : { defined: true, value: toJSON(v) };
  });
}
