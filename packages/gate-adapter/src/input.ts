import type { GateUser } from './user.js';

/** The `spinnaker.http.authz` input document (also the shape of UI-entitlement inputs). */
export interface HttpAuthzInput {
  readonly user: GateUser;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Normalised path segments. */
  readonly path: readonly string[];
  /** Parsed JSON body; only for POST, PUT and PATCH requests that have one. */
  readonly body?: unknown;
}

/** Methods whose body is part of the input document. */
export const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** Builds the input document; `body` is kept only for POST/PUT/PATCH and when defined. */
export function buildGateInput(user: GateUser, method: string, path: readonly string[], body?: unknown): HttpAuthzInput {
  const m = method.toUpperCase();
  const base = {
    user: { username: user.username, roles: user.roles.map((r) => ({ name: r.name, source: r.source })), isAdmin: user.isAdmin },
    method: m,
    path: [...path],
  };
  return BODY_METHODS.has(m) && body !== undefined ? { ...base, body } : base;
}
