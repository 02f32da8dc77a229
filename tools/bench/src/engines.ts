/**
 * The engines through `createPolicyEngine`: making them, decisions at a concurrency, load
 * time, and the cost curves. Measuring code (not exported from the package's index).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPolicyEngine, type Engine, type PolicyEngine, type PolicySource } from '@policy-engine/evaluator';
import { nativeEngine } from '@policy-engine/engine-native';
import { opaBundleServer, opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';
import type { EngineFigures, EngineKey } from './results.js';
import { sig, summarize } from './stats.js';
import type { DecisionCase, GeneratedModule } from './workload.js';

/** An engine ready to be handed to `createPolicyEngine`, and what to stop afterwards. */
export interface MadeEngine {
  readonly engine: Engine;
  /** Stops what the engine needed besides itself (the OPA server of opa-rest). */
  readonly stop: () => Promise<void>;
  readonly server?: OpaServer;
}

/**
 * A fresh engine. opa-rest gets its own `opa run --server --v0-compatible` on loopback (not
 * counted in load time) that pulls each set as one bundle from the engine's bundle endpoint
 * (`opaBundleServer`: one compile per set, where the Policy API recompiles on every PUT); wasm gets a fresh build cache when `freshCache` (so load time is a real build).
 */
export async function makeEngine(key: EngineKey, freshCache = false): Promise<MadeEngine> {
  switch (key) {
    case 'native':
      return { engine: nativeEngine(), stop: () => Promise.resolve() };
    case 'wasm': {
      const cacheDir = freshCache ? mkdtempSync(join(tmpdir(), 'bench-wasm-cache-')) : undefined;
      return {
        engine: wasmEngine({ opaPath: findOpa(), ...(cacheDir ? { cacheDir } : {}) }),
        stop: () => {
          if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
          return Promise.resolve();
        },
      };
    }
    case 'opa-rest': {
      const bundles = await opaBundleServer();
      const server = await startOpaServer({ v0Compatible: true, opaBin: findOpa(), args: bundles.opaArgs() });
      return {
        engine: opaEngine({ baseUrl: server.url, headers: server.headers, bundleServer: bundles }),
        stop: async () => {
          await server.stop();
          await bundles.close();
        },
        server,
      };
    }
  }
}

/** The example policies (examples/policies, Rego version per module). */
export function examplePolicies(repoRoot: string): PolicySource {
  return { kind: 'directory', path: join(repoRoot, 'examples', 'policies'), regoVersion: 'auto', watch: false };
}

/** A facade on a fresh engine of `key` over `policies`; `close()` stops both. */
export async function openEngine(
  key: EngineKey,
  policies: PolicySource,
  freshCache = false,
): Promise<{ pe: PolicyEngine; close: () => Promise<void>; made: MadeEngine }> {
  const made = await makeEngine(key, freshCache);
  try {
    const pe = await createPolicyEngine({ engine: made.engine, policies, options: { timeoutMs: 60_000 } });
    return {
      pe,
      made,
      close: async () => {
        await pe.close();
        await made.stop();
      },
    };
  } catch (e) {
    await made.stop();
    throw e;
  }
}

/** Decisions of one run, and the latencies (µs) of each package's decisions. */
export interface DecisionRun extends EngineFigures {
  readonly perPackageUs: ReadonlyMap<string, number[]>;
}

/**
 * `total` decisions cycling through `cases` with `concurrency` callers in flight; every
 * decision is checked against the case's expected `allowed` (a wrong or failed decision throws).
 */
export async function runDecisions(
  pe: PolicyEngine,
  cases: readonly DecisionCase[],
  total: number,
  concurrency: number,
): Promise<DecisionRun> {
  const latencies: number[] = [];
  const perPackageUs = new Map<string, number[]>();
  let next = 0;
  const started = performance.now();
  const caller = async (): Promise<void> => {
    while (next < total) {
      const c = cases[next++ % cases.length] as DecisionCase;
      const t0 = performance.now();
      const d = await pe.evaluate(c.pkg, c.input);
      const us = (performance.now() - t0) * 1000;
      if (d.allowed !== c.allowed || d.error)
        throw new Error(`wrong decision on ${pe.engineName} for "${c.name}": allowed=${d.allowed} ${d.error ? d.error.message : ''}`);
      latencies.push(us);
      let list = perPackageUs.get(c.pkg);
      if (!list) perPackageUs.set(c.pkg, (list = []));
      list.push(us);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsedS = (performance.now() - started) / 1000;
  const s = summarize(latencies);
  return { p50_us: sig(s.p50), p99_us: sig(s.p99), ops_per_s: sig(total / elapsedS), decisions: total, perPackageUs };
}

/** A load-time measurement; `timedOut` when it passed the budget (then `ms` is the budget, a lower bound). */
export interface LoadTime {
  readonly ms: number;
  readonly timedOut: boolean;
}

/**
 * Load time (ms) of `modules` on a fresh engine: `createPolicyEngine` (parse, compile or
 * build, push) until it resolves, plus the first decision on `probePackage` (ready). The OPA
 * server of opa-rest is started before the clock starts. Past `budgetMs` the engine is closed
 * and the budget is reported as a lower bound (`timedOut`), so one slow engine cannot stall the run.
 */
export async function loadTimeMs(
  key: EngineKey,
  modules: readonly GeneratedModule[],
  probePackage: string,
  probeInput: unknown,
  budgetMs: number,
): Promise<LoadTime> {
  const made = await makeEngine(key, true);
  let timer: NodeJS.Timeout | undefined;
  try {
    const t0 = performance.now();
    const measure = async (): Promise<LoadTime> => {
      const pe = await createPolicyEngine({
        engine: made.engine,
        policies: { kind: 'inline', modules: modules.map((m) => ({ id: m.id, source: m.source, regoVersion: 'v1' })) },
        options: { timeoutMs: budgetMs },
      });
      try {
        const d = await pe.evaluate(probePackage, probeInput);
        const ms = performance.now() - t0;
        if (d.error || !d.policyFound) throw new Error(`load probe on ${key} failed: ${d.error?.message ?? 'policy not found'}`);
        return { ms: sig(ms), timedOut: false };
      } finally {
        await pe.close();
      }
    };
    const budget = new Promise<LoadTime>((resolve) => {
      timer = setTimeout(() => resolve({ ms: budgetMs, timedOut: true }), budgetMs);
    });
    const measuring = measure();
    const result = await Promise.race([measuring, budget]);
    // A load past its budget is abandoned: closing the engine below makes it fail; that failure is expected.
    if (result.timedOut) measuring.catch(() => undefined);
    return result;
  } finally {
    clearTimeout(timer);
    await made.engine.close().catch(() => undefined);
    await made.stop();
  }
}

/** p50 (µs) of `rounds` sequential decisions of one package and input (after `warmup` unmeasured ones). */
export async function p50Of(pe: PolicyEngine, pkg: string, input: unknown, rounds: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await pe.evaluate(pkg, input);
  const us: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const d = await pe.evaluate(pkg, input);
    us.push((performance.now() - t0) * 1000);
    if (d.error) throw new Error(`${pe.engineName} ${pkg}: ${d.error.message}`);
  }
  return sig(summarize(us).p50);
}
