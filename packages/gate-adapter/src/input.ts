import type { HttpAuthzInput as HttpAuthzDocument } from '@policy-engine/inputs-http-authz';
import type { GateUser } from './user.js';

/**
 * The `spinnaker.http.authz` input document the gate builds (also the shape of UI-entitlement
 * inputs): `method`, `path` and `user` typed by the `HttpAuthzInput` codec of
 * `@policy-engine/inputs-http-authz`; `body` is the request body as parsed (only for POST, PUT
 * and PATCH requests that have one), left `unknown` because a non-JSON body reaches the policy
 * as text, which the codec's `body` does not describe.
 */
export type HttpAuthzInput = Pick<HttpAuthzDocument, 'method' | 'path'> & {
  readonly user: NonNullable<HttpAuthzDocument['user']>;
  readonly body?: unknown;
};

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
