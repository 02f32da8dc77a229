/**
 * Typed errors. Nothing in this project throws a string: every failure is one of these
 * classes, each with a stable `code` that also appears in `Decision.error.code`.
 */

/** A source location in a policy file (1-based line and column). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Base class of every error the evaluator and the engines raise. */
export abstract class PolicyEngineError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The engine cannot be reached or is not running (OPA down, process exited, closed engine). */
export class EngineUnavailable extends PolicyEngineError {
  readonly code = 'ENGINE_UNAVAILABLE';
}

/** Evaluation did not finish within the configured timeout. */
export class EvaluationTimeout extends PolicyEngineError {
  readonly code = 'EVALUATION_TIMEOUT';
  constructor(
    /** The timeout that was exceeded, in milliseconds. */
    readonly timeoutMs: number,
    message = `evaluation did not finish within ${timeoutMs} ms`,
  ) {
    super(message);
  }
}

/** The caller aborted the evaluation through its AbortSignal. */
export class EvaluationCancelled extends PolicyEngineError {
  readonly code = 'EVALUATION_CANCELLED';
}

/** The engine evaluated but failed (conflicting rule values, built-in error, unexpected response). */
export class EvaluationError extends PolicyEngineError {
  readonly code = 'EVALUATION_ERROR';
  constructor(
    message: string,
    readonly location?: SourceLocation,
    options?: { cause?: unknown },
  ) {
    super(location ? `${location.file}:${location.line}:${location.col}: ${message}` : message, options);
  }
}

/** One problem found while parsing or compiling policies. */
export interface PolicyProblem {
  readonly message: string;
  readonly location?: SourceLocation;
  /** Code from the parser or OPA (e.g. `rego_parse_error`, `rego_type_error`). */
  readonly code?: string;
}

/** Policies failed to parse or compile. Lists every problem with file:line:col where known. */
export class PolicyCompileError extends PolicyEngineError {
  readonly code = 'POLICY_COMPILE_ERROR';
  constructor(
    readonly problems: readonly PolicyProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      problems.map((p) => (p.location ? `${p.location.file}:${p.location.line}:${p.location.col}: ${p.message}` : p.message)).join('\n') ||
        'policy compilation failed',
      options,
    );
  }
}

/** A policy source (directory, ConfigMap, bundle, data file) could not be read. */
export class PolicySourceError extends PolicyEngineError {
  readonly code = 'POLICY_SOURCE_ERROR';
  /** 1-based line and column inside `source`, when the problem has one (malformed JSON/YAML). */
  readonly position?: { readonly line: number; readonly col: number };
  constructor(
    message: string,
    /** The file or URL that failed. */
    readonly source: string,
    options?: { cause?: unknown; position?: { readonly line: number; readonly col: number } },
  ) {
    const where = options?.position ? `${source}:${options.position.line}:${options.position.col}` : source;
    super(`${where}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.position) this.position = options.position;
  }
}

/** The engine needs something it does not support (e.g. a built-in opa-wasm cannot run). */
export class UnsupportedFeature extends PolicyEngineError {
  readonly code = 'UNSUPPORTED_FEATURE';
}

/** The input document does not match the package's codec (with `validateInput: 'reject'`). */
export class InvalidInput extends PolicyEngineError {
  readonly code = 'INVALID_INPUT';
  constructor(
    readonly packageName: string,
    /** One line per problem: `<path>: expected <type>, got <value>`. */
    readonly problems: readonly string[],
  ) {
    super(`input for ${packageName} is invalid:\n  ${problems.join('\n  ')}`);
  }
}

/** A configuration value is missing or malformed. */
export class ConfigurationError extends PolicyEngineError {
  readonly code = 'CONFIGURATION_ERROR';
}
