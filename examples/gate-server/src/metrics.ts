/**
 * Prometheus metrics of the example Gate (prom-client): decisions by package and outcome,
 * evaluation latency, engine errors by code, reloads, bundle activations/failures with the
 * active revision, the decision-log buffer and its drops. `GET /metrics` serves `text()`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Decision, DecisionLogStats, PolicyEngineHealth, ReloadResult } from '@policy-engine/evaluator';

/** The metrics registry and the hooks that feed it. */
export interface GateMetrics {
  readonly registry: Registry;
  /** An `onDecision` hook. */
  onDecision(decision: Decision): void;
  /** An `onReload` listener. */
  onReload(result: ReloadResult): void;
  /** Where the bundle and decision-log gauges are read at scrape time. */
  observe(sources: { readonly health?: () => Promise<PolicyEngineHealth>; readonly decisionLog?: () => DecisionLogStats }): void;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  readonly contentType: string;
}

/** Creates the registry (process metrics included) with the policy metrics. */
export function createGateMetrics(): GateMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sources: Parameters<GateMetrics['observe']>[0] = {};
  const decisions = new Counter({
    name: 'policy_decisions_total',
    help: 'Policy decisions by package and outcome (allowed, denied, error).',
    labelNames: ['package', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'policy_decision_duration_seconds',
    help: 'Time to decide, by package.',
    labelNames: ['package'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'policy_engine_errors_total',
    help: 'Decisions that failed, by error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'policy_reloads_total',
    help: 'Policy reloads by result (ok, failed).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const health = async (): Promise<PolicyEngineHealth | undefined> => sources.health?.().catch(() => undefined);
  new Gauge({
    name: 'policy_bundle_info',
    help: 'Active bundle revision (value 1 with the revision label; 0 while no bundle is active).',
    labelNames: ['bundle', 'revision'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const b of (await health())?.bundles ?? []) this.set({ bundle: b.name, revision: b.revision ?? '' }, b.active ? 1 : 0);
    },
  });
  for (const [name, key, help] of [
    ['policy_bundle_activations', 'activated', 'Bundles activated'],
    ['policy_bundle_failures', 'refused', 'Bundles refused (verification or activation failed)'],
    ['policy_bundle_download_failures', 'failedDownloads', 'Bundle downloads that failed'],
  ] as const) {
    new Gauge({
      name: `${name}_total`,
      help: `${help}, by bundle.`,
      labelNames: ['bundle'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const b of (await health())?.bundles ?? []) this.set({ bundle: b.name }, b.counts[key]);
      },
    });
  }
  new Gauge({
    name: 'policy_decision_log_buffered',
    help: 'Decision log events waiting for upload.',
    registers: [registry],
    collect() {
      this.set(sources.decisionLog?.().buffered ?? 0);
    },
  });
  new Gauge({
    name: 'policy_decision_log_dropped_total',
    help: 'Decision log events dropped because the buffer was full.',
    registers: [registry],
    collect() {
      this.set(sources.decisionLog?.().dropped ?? 0);
    },
  });
  return {
    registry,
    onDecision(decision) {
      const outcome = decision.error !== undefined ? 'error' : decision.allowed ? 'allowed' : 'denied';
      decisions.inc({ package: decision.package, outcome });
      latency.observe({ package: decision.package }, decision.durationMs / 1000);
      if (decision.error !== undefined) errors.inc({ code: decision.error.code });
    },
    onReload(result) {
      reloads.inc({ result: result.ok ? 'ok' : 'failed' });
    },
    observe(next) {
      sources = next;
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
