import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { toGateUser, type GateUser, type GateUserLike } from './user.js';

/** The part of a request an identity resolver may read. */
export interface IdentityRequest {
  readonly headers: IncomingHttpHeaders;
}

/**
 * Finds who is calling. Return null/undefined when the request carries no (valid)
 * identity: the adapter then answers 401 for anything that is not exempt.
 */
export type IdentityResolver = (request: IdentityRequest) => GateUser | null | undefined | Promise<GateUser | null | undefined>;

/** A user record with a password, as in a users file. */
export interface PasswordUser extends GateUserLike {
  readonly password: string;
}

function digest(s: string): Buffer {
  // One-shot hashing (Node ≥ 20.12): a fraction of createHash().update().digest() per request.
  return hash('sha256', s, 'buffer');
}

/** Parses an `Authorization: Basic …` header into username and password. */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * An identity resolver for HTTP Basic authentication against a fixed user list
 * (passwords compared in constant time; a header value that verified is remembered, up to
 * 1,024 of them, so repeated requests skip the hashing). Roles given as names get `roleSource`.
 */
export function basicAuthIdentity(users: readonly PasswordUser[], roleSource?: string): IdentityResolver {
  const byName = new Map(users.map((u) => [u.username, { hash: digest(u.password), user: toGateUser(u, roleSource) }]));
  // Header values already verified, so a client repeating its header is not hashed again. Only
  // successes are kept (a wrong password always takes the constant-time path); the user list is
  // fixed, so an entry never goes stale; bounded (cleared when full).
  const verified = new Map<string, GateUser>();
  return (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    const known = verified.get(header);
    if (known !== undefined) return known;
    const creds = parseBasicAuth(header);
    if (!creds) return null;
    const entry = byName.get(creds.username);
    const ok = timingSafeEqual(digest(creds.password), entry?.hash ?? digest(`\u0000${creds.password}`));
    if (!entry || !ok) return null;
    if (verified.size >= VERIFIED_HEADERS_KEPT) verified.clear();
    verified.set(header, entry.user);
    return entry.user;
  };
}

/** How many verified `Authorization` header values {@link basicAuthIdentity} remembers. */
const VERIFIED_HEADERS_KEPT = 1024;

/** Tries resolvers in order and returns the first identity found. */
export function firstIdentity(...resolvers: readonly IdentityResolver[]): IdentityResolver {
  return async (request) => {
    for (const r of resolvers) {
      const user = await r(request);
      if (user) return user;
    }
    return null;
  };
}
