/** Typed compile and evaluation errors, worded as OPA words them. */

/** A source location, as OPA reports it. */
export interface ErrorLocation {
  readonly file: string;
  readonly row: number;
  readonly col: number;
}

/** One compile problem. */
export interface CompileProblem {
  /** `rego_parse_error`, `rego_compile_error`, `rego_unsafe_var_error`, `rego_recursion_error`, `rego_type_error`. */
  readonly code: string;
  readonly message: string;
  readonly location?: ErrorLocation;
}

function render(code: string, message: string, location?: ErrorLocation): string {
  return location ? `${location.file}:${location.row}: ${code}: ${message}` : `${code}: ${message}`;
}

/** Thrown by `compile` with every problem found. */
export class RegoCompileError extends Error {
  /** Stable code of the first problem. */
  readonly code: string;
  /** Every problem. */
  readonly errors: readonly CompileProblem[];
  constructor(errors: readonly CompileProblem[]) {
    const first = errors[0];
    super(
      errors.length === 1 && first
        ? `1 error occurred: ${render(first.code, first.message, first.location)}`
        : `${errors.length} errors occurred:\n${errors.map((e) => render(e.code, e.message, e.location)).join('\n')}`,
    );
    this.name = 'RegoCompileError';
    this.code = first?.code ?? 'rego_compile_error';
    this.errors = errors;
  }
}

/** Evaluation error codes. */
export type EvalErrorCode =
  'eval_conflict_error' | 'eval_type_error' | 'eval_builtin_error' | 'eval_cancel_error' | 'eval_recursion_error' | 'eval_input_error';

/** Thrown by `evaluate` / `query`. */
export class RegoEvalError extends Error {
  /** Stable code. */
  readonly code: EvalErrorCode;
  /** OPA's message (without location and code). */
  readonly detail: string;
  /** Where it happened. */
  readonly location: ErrorLocation | undefined;
  constructor(code: EvalErrorCode, detail: string, location?: ErrorLocation) {
    super(render(code, detail, location));
    this.name = 'RegoEvalError';
    this.code = code;
    this.detail = detail;
    this.location = location;
  }
}
