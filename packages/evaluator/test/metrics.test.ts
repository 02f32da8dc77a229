/**
 * The metrics hook (`options.metrics`): its counts match the requests made, on the native engine
 * with real Rego — decisions by package and outcome, latency, errors by code, reloads, and the
 * decision-log buffer of `decisionLogService`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { nativeEngine } from '@policy-engine/engine-native';
import {
  combineMetricsObservers,
  createPolicyEngine,
  createPolicyMetrics,
  decisionLogService,
  type DecisionMetric,
  type PolicyEngine,
} from '@policy-engine/evaluator';
import { recordingLogger } from '@policy-engine/evaluator/testing';
import { removeDir, tempDir, writeTree } from './support/temp.js';

let dir: string;
let policies: PolicyEngine | undefined;
beforeEach(async () => {
  dir = await tempDir();
  await writeTree(dir, {
    'gate.rego': 'package fleet.gate\n\ndeny contains "bad request" if input.bad\n',
    'other.rego': 'package fleet.other\n\ndeny contains "always" if true\n',
  });
});
afterEach(async () => {
  await policies?.close();
  policies = undefined;
  await removeDir(dir);
});

describe('the metrics hook', () => {
  it('counts every decision by package and outcome, its latency and errors by code, and every reload', async () => {
    const metrics = createPolicyMetrics();
    const seen: DecisionMetric[] = [];
    policies = await createPolicyEngine({
      engine: nativeEngine(),
      policies: { kind: 'directory', path: dir },
      options: { metrics: [metrics, { decision: (e) => void seen.push(e) }], logger: recordingLogger() },
    });
    for (let i = 0; i < 7; i++) await policies.evaluate('fleet.gate', { bad: false });
    for (let i = 0; i < 3; i++) await policies.evaluate('fleet.gate', { bad: true });
    for (let i = 0; i < 2; i++) await policies.evaluate('fleet.gate', { text: 'lone \uD800' });
    await policies.evaluate('fleet.other', {});
    await policies.evaluate('fleet.none', {});

    const ok = await policies.reload();
    await writeFile(join(dir, 'gate.rego'), 'package fleet.gate\n\ndeny contains "x" if {\n');
    const failed = await policies.reload();
    expect([ok.ok, failed.ok]).toEqual([true, false]);

    const s = metrics.snapshot();
    expect(s.decisions).toEqual({
      'fleet.gate': { allowed: 7, denied: 3, error: 2 },
      'fleet.other': { allowed: 0, denied: 1, error: 0 },
      'fleet.none': { allowed: 1, denied: 0, error: 0 },
    });
    expect(s.errors).toEqual({ INVALID_INPUT: 2 });
    expect(s.latency['fleet.gate']?.count).toBe(12);
    expect(s.latency['fleet.gate']?.sumMs).toBeGreaterThan(0);
    expect(s.latency['fleet.gate']?.maxMs).toBeLessThanOrEqual(s.latency['fleet.gate']?.sumMs ?? 0);
    expect(s.reloads).toEqual({ ok: 1, failed: 1, revision: ok.ok ? ok.revision : '' });
    // A second observer saw the same decisions, errors with their code.
    expect(seen).toHaveLength(14);
    expect(seen.filter((e) => e.errorCode === 'INVALID_INPUT').map((e) => e.outcome)).toEqual(['error', 'error']);
  });

  it('an observer that throws is logged; the decision and the other observers are unaffected', async () => {
    const metrics = createPolicyMetrics();
    const logger = recordingLogger();
    policies = await createPolicyEngine({
      engine: nativeEngine(),
      policies: { kind: 'directory', path: dir },
      options: {
        metrics: [
          {
            decision: () => {
              throw new Error('exporter down');
            },
          },
          metrics,
        ],
        logger,
      },
    });
    expect((await policies.evaluate('fleet.gate', { bad: true })).allowed).toBe(false);
    expect(metrics.snapshot().decisions['fleet.gate']).toEqual({ allowed: 0, denied: 1, error: 0 });
    expect(logger.errors).toEqual(['metrics observer failed: exporter down']);
  });

  it('tracks the decision-log buffer and its drops', async () => {
    const metrics = createPolicyMetrics();
    // Nothing listens there: uploads fail, events stay buffered up to the limit, older ones are dropped.
    const log = decisionLogService({
      url: 'http://127.0.0.1:9/logs',
      bufferSizeLimitEvents: 4,
      minDelaySeconds: 600,
      metrics,
      logger: recordingLogger(),
    });
    policies = await createPolicyEngine({
      engine: nativeEngine(),
      policies: { kind: 'directory', path: dir },
      options: { onDecision: log.onDecision, metrics: combineMetricsObservers([metrics]) },
    });
    for (let i = 0; i < 6; i++) await policies.evaluate('fleet.gate', { bad: i % 2 === 0 });
    expect(metrics.snapshot().decisionLog).toEqual({ buffered: 4, dropped: 2 });
    expect(log.stats()).toMatchObject({ buffered: 4, dropped: 2 });
    await log.close();
  });
});
