// Slow evaluations must not starve the wasm engine (issue 9, hole 5): one deadline per
// evaluation that counts the time waiting for a worker, spare workers while every worker is
// stuck on a slow policy, and a bounded queue that answers ENGINE_OVERLOADED when full.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  createPolicyEngine,
  EngineUnavailable,
  EvaluationTimeout,
  type EngineEvaluateOptions,
} from '@policy-engine/evaluator';
import { findOpa } from '@policy-engine/opa';
import { EngineOverloaded, wasmEngine, type WasmEngineOptions } from '../src/index.js';
import { mod, policySet } from '@policy-engine/engine-contract';

// Hundreds of millions of steps: far longer than any timeout below.
const slow = mod(
  'policies/slow.rego',
  'v1',
  'package slow\n\nspin if {\n  some a in numbers.range(1, 20000)\n  some b in numbers.range(1, 20000)\n  a + b < 0\n}\n',
);
const plain = mod('policies/plain.rego', 'v1', 'package plain\n\nallow if input.user == "ann"\n');
const set = policySet([slow, plain]);

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'wasm-pool-test-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

/**
 * A loaded engine whose evaluations get a deadline `timeoutMs` from their call, as the facade
 * sets it (the engine has no timeout of its own).
 */
async function loaded(options: WasmEngineOptions, timeoutMs: number) {
  const engine = wasmEngine({ opaPath: findOpa(), cacheDir, ...options });
  await engine.load(set);
  return {
    name: engine.name,
    evaluate: (packageName: string, input: unknown, opts?: EngineEvaluateOptions) =>
      engine.evaluate(packageName, input, { deadline: performance.now() + timeoutMs, ...opts }),
    close: () => engine.close(),
  };
}

/** Starts a slow evaluation that must end with the timeout error; resolves when it has. */
function slowCall(engine: Awaited<ReturnType<typeof loaded>>): Promise<unknown> {
  return engine.evaluate('slow', {}).then(
    () => 'finished',
    (err: unknown) => err,
  );
}

describe('wasm engine under slow evaluations', () => {
  it('a plain request answers within its timeout while two slow ones hold both workers', async () => {
    const timeoutMs = 2500;
    const engine = await loaded({ workers: 2 }, timeoutMs);
    const slowOnes = [slowCall(engine), slowCall(engine)];
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    const answer = await engine.evaluate('plain', { user: 'ann' });
    const waited = performance.now() - started;
    expect(answer).toEqual({ defined: true, value: { allow: true } });
    // Without spare workers it waits for a slow one to be killed: its whole timeout.
    expect(waited).toBeLessThan(timeoutMs);
    for (const r of await Promise.all(slowOnes)) expect(r).toBeInstanceOf(EvaluationTimeout);
    // Both workers were replaced after the kills, and serve again.
    expect(await engine.evaluate('plain', { user: 'bob' })).toEqual({ defined: true, value: {} });
    await engine.close();
  });

  it('time spent waiting for a worker counts toward the timeout: a queued evaluation fails at its deadline', async () => {
    const timeoutMs = 800;
    const engine = await loaded({ workers: 1, spareWorkers: 0 }, timeoutMs);
    const slowOne = slowCall(engine);
    const started = performance.now();
    // Asked with the slow one: its deadline comes while the only worker is still being replaced.
    const queued = await engine.evaluate('plain', { user: 'ann' }).catch((e: unknown) => e);
    const waited = performance.now() - started;
    expect(queued).toBeInstanceOf(EvaluationTimeout);
    expect(waited).toBeLessThan(timeoutMs + 1000);
    expect(await slowOne).toBeInstanceOf(EvaluationTimeout);
    expect(await engine.evaluate('plain', { user: 'ann' })).toEqual({ defined: true, value: { allow: true } });
    await engine.close();
  });

  it("a queued evaluation whose caller gives up leaves the queue at once, failing with the caller's reason", async () => {
    const engine = await loaded({ workers: 1, spareWorkers: 0 }, 10_000);
    const slowOne = slowCall(engine);
    const controller = new AbortController();
    const reason = new EvaluationTimeout(200);
    setTimeout(() => controller.abort(reason), 200);
    const queued = await engine.evaluate('plain', { user: 'ann' }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(queued).toBe(reason);
    let slowSettled = false;
    void slowOne.then(() => (slowSettled = true));
    await Promise.resolve();
    expect(slowSettled).toBe(false);
    await engine.close();
    expect(await slowOne).toBeInstanceOf(EngineUnavailable);
  });

  it('a full queue answers ENGINE_OVERLOADED at once, and a Decision says so (denied)', async () => {
    const engine = await loaded({ workers: 1, spareWorkers: 0, maxQueue: 2 }, 1500);
    const running = slowCall(engine);
    const waiting = [slowCall(engine), slowCall(engine)];
    let settledFirst: string | undefined;
    const refused = engine.evaluate('plain', { user: 'ann' }).catch((e: unknown) => {
      settledFirst ??= 'refused';
      return e;
    });
    void running.then(() => (settledFirst ??= 'running'));
    const err = await refused;
    expect(settledFirst).toBe('refused');
    expect(err).toBeInstanceOf(EngineOverloaded);
    expect((err as EngineOverloaded).code).toBe('ENGINE_OVERLOADED');
    expect((err as Error).message).toContain('1 worker busy and 2 evaluations waiting');

    const policies = await createPolicyEngine({
      engine: {
        name: engine.name,
        load: () => Promise.resolve(),
        evaluate: (p, i, o) => engine.evaluate(p, i, o),
        close: () => Promise.resolve(),
      },
      policies: { kind: 'inline', modules: [{ id: 'plain.rego', source: plain.source, regoVersion: 'v1' }] },
    });
    const decision = await policies.evaluate('plain', { user: 'ann' });
    expect(decision).toMatchObject({ allowed: false, error: { code: 'ENGINE_OVERLOADED' } });
    await policies.close();
    expect(await running).toBeInstanceOf(EvaluationTimeout);
    await Promise.all(waiting);
    await engine.close();
  });

  it('refuses pool sizes that are not whole numbers', () => {
    expect(() => wasmEngine({ workers: 1.5 })).toThrow(ConfigurationError);
    expect(() => wasmEngine({ workers: 0 })).toThrow(ConfigurationError);
    expect(() => wasmEngine({ maxQueue: -1 })).toThrow(ConfigurationError);
    expect(() => wasmEngine({ spareWorkers: Number.NaN })).toThrow(ConfigurationError);
  });
});
