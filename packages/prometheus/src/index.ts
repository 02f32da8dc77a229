/**
 * The evaluator's metrics hook in the Prometheus text format (prom-client). A service passes
 * `observer` as `options.metrics` of `createPolicyEngine` (and as `metrics` of
 * `decisionLogService`) and serves `text()` on `GET /metrics`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PolicyMetricsObserver } from '@policy-engine/evaluator';

/** Options of {@link prometheusPolicyMetrics}. */
export interface PrometheusPolicyMetricsOptions {
  /** Register into this registry (default: a new one). */
  readonly registry?: Registry;
  /** Also collect prom-client's process metrics (CPU, memory, event loop). Default true. */
  readonly processMetrics?: boolean;
  /** Latency histogram buckets in seconds. */
  readonly latencyBuckets?: readonly number[];
}

/** The registry, the observer that feeds it, and its exposition. */
export interface PrometheusPolicyMetrics {
  readonly registry: Registry;
  /** The metrics hook: `options.metrics` of `createPolicyEngine`, `metrics` of `decisionLogService`. */
  readonly observer: PolicyMetricsObserver;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  /** Its `Content-Type`. */
  readonly contentType: string;
}

/** Default latency buckets (seconds): 0.5 ms to 10 s. */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
]);

/**
 * Creates the policy metrics:
 * `policy_decisions_total{package,outcome}` (allowed, denied, error),
 * `policy_decision_duration_seconds{package}` (histogram), `policy_engine_errors_total{code}`,
 * `policy_reloads_total{result}` (ok, failed), `policy_bundle_info{bundle,revision}` (1 for the
 * active revision), `policy_bundle_activations_total{bundle}`, `policy_bundle_failures_total{bundle}`
 * (refused bundles), `policy_bundle_download_failures_total{bundle}`, `policy_decision_log_buffered`
 * and `policy_decision_log_dropped_total`.
 */
export function prometheusPolicyMetrics(options: PrometheusPolicyMetricsOptions = {}): PrometheusPolicyMetrics {
  const registry = options.registry ?? new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const decisions = new Counter({
    name: 'policy_decisions_total',
    help: 'Policy decisions by package and outcome (allowed, denied, error).',
    labelNames: ['package', 'outcome'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'policy_decision_duration_seconds',
    help: 'Time to decide, by package.',
    labelNames: ['package'] as const,
    buckets: [...(options.latencyBuckets ?? DEFAULT_LATENCY_BUCKETS)],
    registers,
  });
  const errors = new Counter({
    name: 'policy_engine_errors_total',
    help: 'Decisions that failed, by error code.',
    labelNames: ['code'] as const,
    registers,
  });
  const reloads = new Counter({
    name: 'policy_reloads_total',
    help: 'Policy reloads by result (ok, failed).',
    labelNames: ['result'] as const,
    registers,
  });
  const bundleInfo = new Gauge({
    name: 'policy_bundle_info',
    help: 'Active bundle revision (value 1 with the revision label).',
    labelNames: ['bundle', 'revision'] as const,
    registers,
  });
  const bundleCounter = (name: string, help: string) =>
    new Counter({ name: `${name}_total`, help: `${help}, by bundle.`, labelNames: ['bundle'] as const, registers });
  const activations = bundleCounter('policy_bundle_activations', 'Bundles activated');
  const refusals = bundleCounter('policy_bundle_failures', 'Bundles refused (verification or activation failed)');
  const downloadFailures = bundleCounter('policy_bundle_download_failures', 'Bundle downloads that failed');
  const buffered = new Gauge({ name: 'policy_decision_log_buffered', help: 'Decision log events waiting for upload.', registers });
  const dropped = new Counter({
    name: 'policy_decision_log_dropped_total',
    help: 'Decision log events dropped because the buffer was full.',
    registers,
  });
  const activeRevision = new Map<string, string>();
  let droppedSoFar = 0;

  const observer: PolicyMetricsObserver = {
    decision(e) {
      decisions.inc({ package: e.package, outcome: e.outcome });
      latency.observe({ package: e.package }, e.durationMs / 1000);
      if (e.errorCode !== undefined) errors.inc({ code: e.errorCode });
    },
    reload(e) {
      reloads.inc({ result: e.ok ? 'ok' : 'failed' });
    },
    bundle(e) {
      if (e.kind === 'activated') activations.inc({ bundle: e.bundle });
      else if (e.kind === 'refused') refusals.inc({ bundle: e.bundle });
      else downloadFailures.inc({ bundle: e.bundle });
      const previous = activeRevision.get(e.bundle);
      if (e.activeRevision === undefined || e.activeRevision === previous) return;
      if (previous !== undefined) bundleInfo.remove({ bundle: e.bundle, revision: previous });
      activeRevision.set(e.bundle, e.activeRevision);
      bundleInfo.set({ bundle: e.bundle, revision: e.activeRevision }, 1);
    },
    decisionLog(e) {
      buffered.set(e.buffered);
      if (e.dropped > droppedSoFar) dropped.inc(e.dropped - droppedSoFar);
      droppedSoFar = Math.max(droppedSoFar, e.dropped);
    },
  };
  return { registry, observer, text: () => registry.metrics(), contentType: registry.contentType };
}
