/**
 * Prometheus metrics of the example Gate: the evaluator's metrics hook (`options.metrics`) fed
 * into the shared prom-client adapter (`@policy-engine/prometheus`): decisions by package and
 * outcome, evaluation latency, engine errors by code, reloads, bundle activations/failures with
 * the active revision, the decision-log buffer and its drops. `GET /metrics` serves `text()`.
 */
import { prometheusPolicyMetrics, type PrometheusPolicyMetrics } from '@policy-engine/prometheus';

/** The registry, the hook that feeds it and its exposition. */
export type GateMetrics = PrometheusPolicyMetrics;

/** Creates the registry (process metrics included) with the policy metrics. */
export function createGateMetrics(): GateMetrics {
  return prometheusPolicyMetrics();
}
