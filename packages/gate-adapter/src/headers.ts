import { GateRequestError } from './errors.js';

/**
 * Headers a request may carry at most once. node:http keeps only the first `Authorization`
 * and `Content-Type` of a request that sends two, other servers and proxies the last: a
 * request whose identity or body type depends on who reads it is refused (400).
 */
export const SINGLE_VALUE_HEADERS: readonly string[] = Object.freeze(['authorization', 'proxy-authorization', 'content-type']);

/**
 * Checks the raw header list of a request (`req.rawHeaders`: name, value, name, value …):
 * a header of {@link SINGLE_VALUE_HEADERS} sent more than once ⇒ a GateRequestError 400
 * to answer with; otherwise undefined.
 */
export function checkRequestHeaders(rawHeaders: readonly string[]): GateRequestError | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (!SINGLE_VALUE_HEADERS.includes(name)) continue;
    if (seen.has(name)) return new GateRequestError(400, 'BadRequest', `the ${name} header is sent more than once`);
    seen.add(name);
  }
  return undefined;
}
