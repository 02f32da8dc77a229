/**
 * The prom-client adapter fed by the evaluator's metrics hook, on the native engine with real
 * Rego: the exposition parses as Prometheus text and its counters equal the requests made.
 */
import { describe, expect, it } from 'vitest';
import { parsePrometheusText as parsePrometheusTextFormat } from '@policy-engine/test-kit';
import { nativeEngine } from '@policy-engine/engine-native';
import { createPolicyEngine } from '@policy-engine/evaluator';
import { prometheusPolicyMetrics } from '@policy-engine/prometheus';

const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  const m = family?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return m === undefined ? undefined : Number(m.value);
};

describe('prometheusPolicyMetrics', () => {
  it('counts decisions by package and outcome, errors by code, latency, reloads; bundle and decision-log events', async () => {
    const prom = prometheusPolicyMetrics({ processMetrics: false });
    const policies = await createPolicyEngine({
      engine: nativeEngine(),
      policies: { kind: 'inline', modules: [{ id: 'p.rego', source: 'package fleet.p\n\ndeny contains "bad" if input.bad\n' }] },
      options: { metrics: prom.observer },
    });
    try {
      for (let i = 0; i < 5; i++) await policies.evaluate('fleet.p', { bad: false });
      for (let i = 0; i < 2; i++) await policies.evaluate('fleet.p', { bad: true });
      await policies.evaluate('fleet.p', { s: '\uDC00' });
      await policies.reload();
    } finally {
      await policies.close();
    }
    prom.observer.bundle?.({ bundle: 'b', kind: 'activated', activeRevision: 'r1' });
    prom.observer.bundle?.({ bundle: 'b', kind: 'refused', activeRevision: 'r1' });
    prom.observer.bundle?.({ bundle: 'b', kind: 'activated', activeRevision: 'r2' });
    prom.observer.decisionLog?.({ buffered: 3, dropped: 4 });
    prom.observer.decisionLog?.({ buffered: 1, dropped: 6 });

    const text = await prom.text();
    expect(prom.contentType).toContain('text/plain');
    expect(sample(text, 'policy_decisions_total', { package: 'fleet.p', outcome: 'allowed' })).toBe(5);
    expect(sample(text, 'policy_decisions_total', { package: 'fleet.p', outcome: 'denied' })).toBe(2);
    expect(sample(text, 'policy_decisions_total', { package: 'fleet.p', outcome: 'error' })).toBe(1);
    expect(sample(text, 'policy_engine_errors_total', { code: 'INVALID_INPUT' })).toBe(1);
    expect(parsePrometheusTextFormat(text).find((f) => f.name === 'policy_decision_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(text).toMatch(/policy_decision_duration_seconds_count\{package="fleet.p"\} 8/);
    expect(sample(text, 'policy_reloads_total', { result: 'ok' })).toBe(1);
    expect(sample(text, 'policy_bundle_activations_total', { bundle: 'b' })).toBe(2);
    expect(sample(text, 'policy_bundle_failures_total', { bundle: 'b' })).toBe(1);
    // Only the active revision is reported.
    const info = parsePrometheusTextFormat(text).find((f) => f.name === 'policy_bundle_info')?.metrics ?? [];
    expect(info.map((m) => [m.labels?.['revision'], m.value])).toEqual([['r2', '1']]);
    expect(sample(text, 'policy_decision_log_buffered')).toBe(1);
    expect(sample(text, 'policy_decision_log_dropped_total')).toBe(6);
  });

  it('collects process metrics by default, into a registry of the caller', async () => {
    const { Registry } = await import('prom-client');
    const registry = new Registry();
    const prom = prometheusPolicyMetrics({ registry });
    expect(prom.registry).toBe(registry);
    expect(await registry.metrics()).toContain('process_cpu_user_seconds_total');
  });
});
