/** The seam between the runner and an engine under test. */
import type { ConformanceCase } from './load.js';
import type { JValue } from './value.js';

/** One binding of the query's variables (a row of the result set), as JSON. */
export type Binding = { readonly [name: string]: JValue };

/** What a backend answers for one case: a result set (`[]` = undefined) or an error. */
export type CaseOutcome =
  | { readonly result: readonly Binding[] }
  | {
      readonly error: {
        /** OPA's error code, e.g. `eval_type_error`, `rego_compile_error`. */
        readonly code: string;
        /** The message, without location or code (OPA's wording). */
        readonly message: string;
        /** The full error text as OPA renders it (`file:line: code: message`), when known. */
        readonly text?: string;
      };
    };

/** An engine the conformance runner can drive. */
export interface ConformanceBackend {
  /** `opa`, `native`, `wasm`: selects `skip-<name>.tsv`. */
  readonly name: string;
  /** Evaluates one case (compile its modules with its data, run its query). */
  run(c: ConformanceCase): Promise<CaseOutcome>;
  /** Releases processes or temporary files. */
  close?(): Promise<void>;
}

/** Options every backend factory takes. */
export interface BackendOptions {
  /** Rego version of every module and query: `v0` for OPA's v0 trees. */
  readonly regoVersion: 'v0' | 'v1';
}
