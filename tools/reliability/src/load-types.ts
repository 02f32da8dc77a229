/** One kind of request the load client sends (round-robin over the kinds). */
export interface LoadRequestKind {
  /** Name used in the results (`denied-dev`, `allowed-deployer`, …). */
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON text sent as the body (with `content-type: application/json`). */
  readonly body?: string;
}

/** What the load process is told to do; it stops at whichever bound comes first. */
export interface LoadPlan {
  /** Base URL of the gate, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly kinds: readonly LoadRequestKind[];
  /** Stop sending after this long (ms). */
  readonly durationMs: number;
  /** Stop sending after this many requests. */
  readonly maxRequests: number;
  /** Target rate over all connections (requests per second). */
  readonly ratePerSecond: number;
  /** Keep-alive connections (each sends one request at a time). */
  readonly connections: number;
  /** The client gives up on a request after this long (ms) and records it as `timeout`. */
  readonly clientTimeoutMs: number;
}

/**
 * One request as the load process saw it: kind index, connection index, start (epoch ms,
 * fractional), latency (ms), HTTP status (0 = no response: see `error`), and the `message`
 * of a non-2xx JSON body.
 */
export interface LoadRecord {
  readonly kind: number;
  readonly connection: number;
  readonly start: number;
  readonly latencyMs: number;
  readonly status: number;
  readonly message?: string;
  readonly error?: string;
}

/** Everything the load process reports when it is done. */
export interface LoadReport {
  readonly plan: LoadPlan;
  /** Epoch ms when sending started and when the last response came. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly records: readonly LoadRecord[];
}
