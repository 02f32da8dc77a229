import { EvaluationCancelled, EvaluationTimeout } from '@policy-engine/evaluator';

/** The server could not be reached (refused, reset, DNS, TLS): the caller may fail over. */
export class ConnectionFailed extends Error {
  override readonly name = 'ConnectionFailed';
  constructor(
    message: string,
    /** True when nothing listens (ECONNREFUSED); false for resets and dropped sockets. */
    readonly refused: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One HTTP exchange's outcome: status and the parsed JSON body (or the raw text). */
export interface HttpResponse {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** Options for {@link request}. */
export interface RequestOptions {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: string;
  readonly contentType?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Time bound of the exchange, ms; `Infinity` = none (an evaluation without a deadline). */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Sends one request with Node's fetch (undici: keep-alive connection pooling by default).
 * @throws ConnectionFailed when the server is unreachable or drops the connection,
 *   EvaluationTimeout after `timeoutMs`, EvaluationCancelled when `signal` aborts.
 */
export async function request(url: string, options: RequestOptions): Promise<HttpResponse> {
  if (options.signal?.aborted) throw new EvaluationCancelled('evaluation cancelled by the caller');
  const controller = new AbortController();
  let timedOut = false;
  // setTimeout overflows past 2^31-1 ms (and fires at once): no timer for an unbounded request.
  const timer = Number.isFinite(options.timeoutMs)
    ? setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeoutMs)
    : undefined;
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const res = await fetch(url, { method: options.method, headers, body: options.body, signal: controller.signal });
    const text = await res.text();
    let body: unknown = text;
    if (text !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    }
    return { status: res.status, body, text };
  } catch (err) {
    if (timedOut) {
      const ms = Math.round(options.timeoutMs);
      throw new EvaluationTimeout(ms, `OPA did not answer ${url} within ${ms} ms`);
    }
    if (options.signal?.aborted) throw new EvaluationCancelled('evaluation cancelled by the caller');
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new ConnectionFailed(`${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, cause?.code === 'ECONNREFUSED', {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
