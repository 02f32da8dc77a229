// An engine with `evaluateSync` (the native one) is decided on the caller's thread: the same
// decisions, errors, hooks and metrics as through its asynchronous `evaluate`.
import { describe, expect, it } from 'vitest';
import {
  EvaluationError,
  EvaluationTimeout,
  createPolicyEngine,
  type Decision,
  type DecisionContext,
  type Engine,
  type EngineEvaluateOptions,
  type EngineResult,
  type PolicySource,
} from '../src/index.js';
import { defined, recordingLogger } from '../src/testing.js';

type Script = (packageName: string, input: unknown, options?: EngineEvaluateOptions) => EngineResult;

interface Probe {
  readonly engine: Engine;
  readonly asyncCalls: string[];
  readonly syncCalls: { readonly packageName: string; readonly options: EngineEvaluateOptions | undefined }[];
}

/** An engine answering from `script`, either only through `evaluate` or (sync) also through `evaluateSync`. */
function probe(script: Script, sync: boolean): Probe {
  const asyncCalls: string[] = [];
  const syncCalls: Probe['syncCalls'] = [];
  const engine: Engine = {
    name: 'probe',
    load: () => Promise.resolve(),
    evaluate: (packageName, input, options) => {
      asyncCalls.push(packageName);
      try {
        return Promise.resolve(script(packageName, input, options));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    ...(sync
      ? {
          evaluateSync: (packageName: string, input: unknown, options?: EngineEvaluateOptions) => {
            syncCalls.push({ packageName, options });
            return script(packageName, input, options);
          },
        }
      : {}),
    close: () => Promise.resolve(),
  };
  return { engine, asyncCalls, syncCalls };
}

const source = (rego: string): PolicySource => ({ kind: 'inline', modules: [{ id: 'p.rego', source: rego, regoVersion: 'v1' }] });
const pipelines = source('package opa.pipelines\n\ndeny contains "bad" if input.bad\n');
const parent = source('package spinnaker.execution\n\nstages.before.deployManifest.deny := ["no"] if input.x\n');
const childPkg = 'spinnaker.execution.stages.before.deployManifest';

/** Everything a decision reports except how long it took. */
const comparable = ({ durationMs: _ignored, ...rest }: Decision): Omit<Decision, 'durationMs'> => rest;

interface Run {
  readonly decisions: Omit<Decision, 'durationMs'>[];
  readonly hooked: { readonly decision: Omit<Decision, 'durationMs'>; readonly result: unknown }[];
  readonly metricCodes: (string | undefined)[];
  readonly errors: string[];
  readonly probe: Probe;
}

/** The facade over a probe engine (sync or not), deciding `calls` in order. */
async function run(
  sync: boolean,
  script: Script,
  policies: PolicySource,
  calls: readonly { readonly pkg: string; readonly input?: unknown; readonly signal?: AbortSignal }[],
  failOpen = false,
): Promise<Run> {
  const p = probe(script, sync);
  const logger = recordingLogger();
  const hooked: Run['hooked'] = [];
  const metricCodes: (string | undefined)[] = [];
  const pe = await createPolicyEngine({
    engine: p.engine,
    policies,
    options: {
      logger,
      failOpen,
      timeoutMs: 5000,
      onDecision: (decision: Decision, context: DecisionContext) => hooked.push({ decision: comparable(decision), result: context.result }),
      metrics: { decision: (m) => void metricCodes.push(m.errorCode) },
    },
  });
  const decisions: Omit<Decision, 'durationMs'>[] = [];
  for (const c of calls) decisions.push(comparable(await pe.evaluate(c.pkg, c.input ?? {}, c.signal ? { signal: c.signal } : undefined)));
  await pe.close();
  return { decisions, hooked, metricCodes, errors: logger.errors, probe: p };
}

/** Runs the same calls on the asynchronous and the synchronous path; they must agree. */
async function bothPaths(
  script: Script,
  policies: PolicySource,
  calls: readonly { readonly pkg: string; readonly input?: unknown; readonly signal?: AbortSignal }[],
  failOpen = false,
): Promise<Run> {
  const viaAsync = await run(false, script, policies, calls, failOpen);
  const viaSync = await run(true, script, policies, calls, failOpen);
  expect(viaSync.probe.asyncCalls).toEqual([]);
  expect(viaAsync.probe.asyncCalls).toEqual(viaSync.probe.syncCalls.map((c) => c.packageName));
  expect(viaSync.decisions).toEqual(viaAsync.decisions);
  expect(viaSync.hooked).toEqual(viaAsync.hooked);
  expect(viaSync.metricCodes).toEqual(viaAsync.metricCodes);
  expect(viaSync.errors).toEqual(viaAsync.errors);
  return viaSync;
}

describe('an engine with evaluateSync', () => {
  it('is asked through evaluateSync only, with the deadline and the caller’s signal, and decides as through evaluate', async () => {
    const signal = new AbortController().signal;
    const before = performance.now();
    const r = await bothPaths((_pkg, input) => defined({ deny: (input as { bad?: boolean }).bad ? ['bad'] : [] }), pipelines, [
      { pkg: 'opa.pipelines', input: { bad: true } },
      { pkg: 'opa.pipelines', input: {}, signal },
      { pkg: 'no.such.package' },
    ]);
    expect(r.decisions.map((d) => [d.allowed, d.denies, d.policyFound])).toEqual([
      [false, ['bad'], true],
      [true, [], true],
      [true, [], false],
    ]);
    expect(r.hooked[0]?.result).toEqual({ deny: ['bad'] });
    expect(r.probe.syncCalls).toHaveLength(2);
    expect(r.probe.syncCalls[0]?.options?.deadline).toBeGreaterThanOrEqual(before + 5000);
    expect(r.probe.syncCalls[0]?.options?.signal).toBeUndefined();
    expect(r.probe.syncCalls[1]?.options?.signal).toBe(signal);
  });

  it('fails closed on its typed errors (open with failOpen), retypes a timeout to the facade’s, wraps untyped throws', async () => {
    const script: Script = (_pkg, input) => {
      const kind = (input as { kind: string }).kind;
      if (kind === 'timeout') throw new EvaluationTimeout(1, 'stopped at its deadline');
      if (kind === 'error') throw new EvaluationError('conflict');
      if (kind === 'untyped') throw new TypeError('oops');
      return defined('not an object');
    };
    const calls = ['timeout', 'error', 'untyped', 'shape'].map((kind) => ({ pkg: 'opa.pipelines', input: { kind } }));
    const closed = await bothPaths(script, pipelines, calls);
    expect(closed.decisions.map((d) => [d.allowed, d.error?.code])).toEqual([
      [false, 'EVALUATION_TIMEOUT'],
      [false, 'EVALUATION_ERROR'],
      [false, 'EVALUATION_ERROR'],
      [false, 'EVALUATION_ERROR'],
    ]);
    expect(closed.decisions[0]?.error?.message).toContain('stopped at its deadline');
    expect(closed.decisions[2]?.error?.message).toBe('engine failed: oops');
    expect(closed.decisions[3]?.error?.message).toBe('data.opa.pipelines is not an object (got "not an object")');
    const open = await bothPaths(script, pipelines, calls, true);
    expect(open.decisions.every((d) => d.allowed && d.error !== undefined)).toBe(true);
  });

  it('is not asked when the caller’s signal is already aborted or the input is invalid', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const r = await bothPaths(() => defined({}), pipelines, [
      { pkg: 'opa.pipelines', signal: aborted.signal },
      { pkg: 'opa.pipelines', input: { s: 'x\ud800' } },
    ]);
    expect(r.decisions.map((d) => d.error?.code)).toEqual(['EVALUATION_CANCELLED', 'INVALID_INPUT']);
    expect(r.probe.syncCalls).toEqual([]);
  });

  it('an undefined package it declares is the lost-policies fault; a parent-defined path asks the parent', async () => {
    const lost = await bothPaths(() => ({ defined: false }), pipelines, [{ pkg: 'opa.pipelines' }]);
    expect(lost.decisions[0]).toMatchObject({ allowed: false, policyFound: true, error: { code: 'ENGINE_UNAVAILABLE' } });
    expect(lost.errors.some((m) => m.includes('lost the policies'))).toBe(true);

    let parentThere = true;
    const script: Script = (pkg) => (pkg === 'spinnaker.execution' && parentThere ? defined({ stages: {} }) : { defined: false });
    const there = await bothPaths(script, parent, [{ pkg: childPkg }]);
    expect(there.decisions[0]).toMatchObject({ allowed: true, policyFound: false });
    expect(there.probe.syncCalls.map((c) => c.packageName)).toEqual([childPkg, 'spinnaker.execution']);
    parentThere = false;
    const gone = await bothPaths(script, parent, [{ pkg: childPkg }]);
    expect(gone.decisions[0]).toMatchObject({ allowed: false, error: { code: 'ENGINE_UNAVAILABLE' } });
  });
});
