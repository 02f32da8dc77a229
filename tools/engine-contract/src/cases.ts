/** The recorded cases of the suite (src/cases.json, expectations from the real OPA). */
import { readFileSync } from 'node:fs';
import type { RegoVersion } from '@policy-engine/evaluator';

/** One module of a case. */
interface CaseModule {
  readonly id: string;
  readonly regoVersion: RegoVersion;
  readonly source: string;
}

/** An evaluation case: `data.<package>` for `input` over `modules` and `data`, as OPA answered it. */
export interface ContractCase {
  readonly name: string;
  /** `edge` (value and document edge cases) or `functions` (issue 16: packages with helper functions). */
  readonly group: 'edge' | 'functions';
  readonly modules: readonly CaseModule[];
  readonly data?: Record<string, unknown>;
  readonly package: string;
  readonly input?: unknown;
  /** What `opa eval data.<package>` returned (recorded by scripts/record.mjs). */
  readonly expect: { readonly defined: false } | { readonly defined: true; readonly value: unknown };
}

/** A set of modules OPA refuses, with OPA's first problem. */
export interface CompileErrorCase {
  readonly name: string;
  readonly modules: readonly CaseModule[];
  /** What `opa check --format json` reported first (recorded by scripts/record.mjs). */
  readonly expect: { readonly code: string; readonly message: string; readonly file: string; readonly line: number };
}

/** The suite's recorded cases: evaluation cases and compile-error cases, expectations from OPA v1.22.3. */
export function contractCases(): { readonly cases: readonly ContractCase[]; readonly compileErrors: readonly CompileErrorCase[] } {
  return JSON.parse(readFileSync(new URL('./cases.json', import.meta.url), 'utf8')) as {
    cases: ContractCase[];
    compileErrors: CompileErrorCase[];
  };
}
