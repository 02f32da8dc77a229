/** Raised when no usable `opa` binary can be found. The message names both ways out. */
export class OpaNotFoundError extends Error {
  override readonly name = 'OpaNotFoundError';
  readonly code = 'OPA_NOT_FOUND';
}

/** Raised when an `opa run --server` process fails to start or to become healthy in time. */
export class OpaServerStartError extends Error {
  override readonly name = 'OpaServerStartError';
  readonly code = 'OPA_SERVER_START';
  constructor(
    message: string,
    /** What the process wrote to stderr/stdout before it failed. */
    readonly output: string,
  ) {
    super(message);
  }
}
