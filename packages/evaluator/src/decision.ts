/**
 * The one value that crosses every boundary: what the policy engine decided for one
 * policy package and one input document. Small, JSON-serialisable and stable; it is
 * what the decision log writes as one JSON line.
 */
export interface Decision {
  /** The policy package that was asked, dotted (e.g. `spinnaker.http.authz`). */
  readonly package: string;
  /** Whether the action may go ahead. */
  readonly allowed: boolean;
  /** Messages of a `deny` set (or `response.errors`), in the order OPA returns the set. Empty for allow packages. */
  readonly denies: readonly string[];
  /** The `message` of an allow package (`spinnaker.http.authz`, UI entitlements), else null. */
  readonly message: string | null;
  /** False when no loaded policy defines the package (then the no-policy rule decided). */
  readonly policyFound: boolean;
  /** Name of the engine that evaluated (`opa`, `wasm`, `native`, …). */
  readonly engine: string;
  /** Wall time of the evaluation in milliseconds. */
  readonly durationMs: number;
  /** Present when the engine failed; then `allowed` is false unless the operator chose fail-open. */
  readonly error?: DecisionError;
}

/** Why a decision could not be computed by the engine. */
export interface DecisionError {
  /** A stable code, the `code` of the typed error (e.g. `ENGINE_UNAVAILABLE`, `EVALUATION_TIMEOUT`). */
  readonly code: string;
  readonly message: string;
}
