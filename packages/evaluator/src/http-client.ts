/**
 * One HTTP(S) exchange with node:http / node:https (a custom CA needs them: global fetch takes
 * none): the bundle-service download and the decision-log upload share it.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PolicySourceError } from './errors.js';

/** What one exchange sends. */
export interface HttpExchange {
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** PEM text of the CA certificates to trust. */
  readonly ca?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** The answer: status, headers and the whole body. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Sends one request and reads the whole answer.
 * @throws PolicySourceError (naming `url`) when the request fails or times out.
 */
export function exchange(url: string, request: HttpExchange): Promise<HttpAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = send(
      target,
      {
        method: request.method,
        headers: request.headers,
        timeout: request.timeoutMs,
        ...(request.signal !== undefined ? { signal: request.signal } : {}),
        ...(request.ca !== undefined ? { ca: request.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(new PolicySourceError(`response failed: ${error.message}`, url, { cause: error })));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('timeout', () => req.destroy(new PolicySourceError(`no answer within ${request.timeoutMs} ms`, url)));
    req.on('error', (error) =>
      reject(error instanceof PolicySourceError ? error : new PolicySourceError(`request failed: ${error.message}`, url, { cause: error })),
    );
    req.end(request.body);
  });
}
