import { isClientFault } from '@policy-engine/evaluator';
import { safeEvaluate } from './authorize.js';
import type { GateAuthzConfig } from './config.js';
import { UI_ENTITLEMENTS_PACKAGE, type DecisionSource } from './engine.js';
import { GateRequestError } from './errors.js';
import { buildGateInput, type HttpAuthzInput } from './input.js';
import { normalizeRequestPath } from './path.js';
import type { GateUser } from './user.js';

/** The action a UI element would trigger, as posted to the entitlements route. */
export interface FeatureAction {
  readonly method: string;
  /** Path as a string (`/tasks`) or as segments (`["tasks"]`). */
  readonly path: string | readonly string[];
  readonly body?: unknown;
}

/** Answer of the entitlements route. */
export interface FeatureAnswer {
  readonly allow: boolean;
  readonly message: string | null;
}

/** HTTP status plus JSON body of the entitlements route. */
export interface EntitlementResponse {
  readonly status: number;
  readonly body: FeatureAnswer | { readonly error: string; readonly message?: string };
}

/**
 * Checks and normalises the posted `{method, path, body}`.
 * @throws GateRequestError (400) when it is not such an object.
 */
export function parseFeatureAction(payload: unknown): FeatureAction {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new GateRequestError(400, 'BadRequest', 'expected a JSON object {"method", "path", "body"?}');
  }
  const p = payload as Record<string, unknown>;
  const method = p['method'];
  const path = p['path'];
  if (typeof method !== 'string' || method === '') throw new GateRequestError(400, 'BadRequest', '"method" must be a non-empty string');
  const pathOk = typeof path === 'string' || (Array.isArray(path) && path.every((s) => typeof s === 'string'));
  if (!pathOk) throw new GateRequestError(400, 'BadRequest', '"path" must be a string or an array of strings');
  return 'body' in p ? { method, path: path, body: p['body'] } : { method, path: path };
}

/** Builds the `spinnaker.ui.entitlements.isFeatureEnabled` input for `user` and `action`. */
export function buildEntitlementInput(user: GateUser, action: FeatureAction): HttpAuthzInput {
  const joined = typeof action.path === 'string' ? action.path : `/${action.path.map((s) => encodeURIComponent(s)).join('/')}`;
  const path = normalizeRequestPath(joined).segments;
  return buildGateInput(user, action.method, path, action.body);
}

/**
 * Answers "may this user do that?" from `spinnaker.ui.entitlements.isFeatureEnabled`:
 * 200 `{allow, message}`; with no policy, `allow: true` (the UI shows the element);
 * engine failure ⇒ 503 unless `failOpen` (then `allow: true`).
 */
export async function evaluateEntitlement(
  engine: DecisionSource,
  user: GateUser,
  payload: unknown,
  config: GateAuthzConfig,
  signal?: AbortSignal,
): Promise<EntitlementResponse> {
  let input: HttpAuthzInput;
  try {
    input = buildEntitlementInput(user, parseFeatureAction(payload));
  } catch (e) {
    if (e instanceof GateRequestError) return { status: e.status, body: { error: e.errorName, message: e.message } };
    throw e;
  }
  const decision = await safeEvaluate(engine, UI_ENTITLEMENTS_PACKAGE, input, config, signal);
  if (decision.error && isClientFault(decision.error.code))
    return { status: 400, body: { error: 'BadRequest', message: decision.error.message } };
  if (decision.error) {
    if (config.failOpen || decision.allowed) return { status: 200, body: { allow: true, message: null } };
    return {
      status: 503,
      body: { error: 'PolicyEngineUnavailable', message: `no decision from the policy engine (${decision.error.code})` },
    };
  }
  if (!decision.policyFound) return { status: 200, body: { allow: true, message: null } };
  return { status: 200, body: { allow: decision.allowed, message: decision.message } };
}
