import type { Decision } from '@policy-engine/evaluator';
import { HTTP_AUTHZ } from '@policy-engine/inputs-http-authz';
import { UI_ENTITLEMENTS_IS_FEATURE_ENABLED } from '@policy-engine/inputs-ui-entitlements';

/**
 * What the adapter needs from a policy engine: the `evaluate` of the evaluator's
 * `PolicyEngine` (it never rejects; failures come back as `Decision.error`).
 */
export interface DecisionSource {
  evaluate(packageName: string, input: unknown, options?: { readonly signal?: AbortSignal }): Promise<Decision>;
  /**
   * Optional (the `PolicyEngine` has it): the same decision returned at once when made on the
   * caller's thread. Used only together with `synchronous`.
   */
  decide?(packageName: string, input: unknown, options?: { readonly signal?: AbortSignal }): Decision | Promise<Decision>;
  /**
   * Optional: true when `decide` always answers at once (the native engine). The middleware then
   * authorizes a request without a promise, timer or abort controller; the engine's own timeout
   * still bounds the evaluation (it polls its deadline).
   */
  readonly synchronous?: boolean;
}

/** Package asked for every API request (`HTTP_AUTHZ` of inputs-http-authz). */
export const HTTP_AUTHZ_PACKAGE: typeof HTTP_AUTHZ = HTTP_AUTHZ;
/** Package asked by the UI entitlements route (`UI_ENTITLEMENTS_IS_FEATURE_ENABLED` of inputs-ui-entitlements). */
export const UI_ENTITLEMENTS_PACKAGE: typeof UI_ENTITLEMENTS_IS_FEATURE_ENABLED = UI_ENTITLEMENTS_IS_FEATURE_ENABLED;
