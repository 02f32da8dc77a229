import type { Decision } from '@policy-engine/evaluator';

/**
 * What the adapter needs from a policy engine: the `evaluate` of the evaluator's
 * `PolicyEngine` (it never rejects; failures come back as `Decision.error`).
 */
export interface DecisionSource {
  evaluate(packageName: string, input: unknown, options?: { readonly signal?: AbortSignal }): Promise<Decision>;
}

/** Package asked for every API request. */
export const HTTP_AUTHZ_PACKAGE = 'spinnaker.http.authz';
/** Package asked by the UI entitlements route. */
export const UI_ENTITLEMENTS_PACKAGE = 'spinnaker.ui.entitlements.isFeatureEnabled';
