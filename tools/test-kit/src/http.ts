import { request } from 'node:http';
import { connect } from 'node:net';

/** A response as the tests look at it. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): unknown;
}

/** Options of {@link rawRequest}. */
export interface RawRequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Basic credentials `user:password`. */
  readonly auth?: string;
}

/**
 * Sends one HTTP request with the path exactly as given (node:http does not normalise
 * it, unlike fetch), so path tricks reach the server untouched.
 */
export function rawRequest(baseUrl: string, rawPath: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.auth) headers['authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method ?? 'GET', path: rawPath, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** POSTs a JSON value (or a raw string) with `content-type: application/json`. */
export function postJson(baseUrl: string, rawPath: string, body: unknown, auth?: string): Promise<RawResponse> {
  return rawRequest(baseUrl, rawPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(auth ? { auth } : {}),
  });
}

/**
 * Sends `head` (request line and headers, CRLF-separated, without the final blank line) and
 * `body` over a plain TCP connection, exactly as written: repeated headers, chunked bodies
 * and other things node:http's client would normalise. Resolves with the status and body text.
 */
export function rawHttp(baseUrl: string, head: string, body: string | Buffer = ''): Promise<{ status: number; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // `connection: close`: the server closes the connection after its answer.
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.write(`${head}\r\nhost: ${url.host}\r\nconnection: close\r\n\r\n`);
      // Not end(): a half-closed connection may be dropped before a slow answer is written.
      socket.write(body);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}
