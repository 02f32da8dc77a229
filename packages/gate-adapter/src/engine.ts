import type { Decision } from '@policy-engine/evaluator';
import { HTTP_AUTHZ } from '@policy-engine/inputs-http-authz';
import { UI_ENTITLEMENTS_IS_FEATURE_ENABLED } from '@policy-engine/inputs-ui-entitlements';

/**
 * What the adapter needs from a policy engine: the `evaluate` of the evaluator's
 * `PolicyEngine` (it never rejects; failures come back as `Decision.error`).
 */
export interface DecisionSource {
  evaluate(packageName: string, input: unknown, options?: { readonly signal?: AbortSignal }): Promise<Decision>;
}

/** Package asked for every API request (`HTTP_AUTHZ` of inputs-http-authz). */
export const HTTP_AUTHZ_PACKAGE: typeof HTTP_AUTHZ = HTTP_AUTHZ;
/** Package asked by the UI entitlements route (`UI_ENTITLEMENTS_IS_FEATURE_ENABLED` of inputs-ui-entitlements). */
export const UI_ENTITLEMENTS_PACKAGE: typeof UI_ENTITLEMENTS_IS_FEATURE_ENABLED = UI_ENTITLEMENTS_IS_FEATURE_ENABLED;
