/**
 * markerEngine: an in-test Engine that answers from the PolicySet it was given, so tests can
 * tell which policy set a decision came from. A package's document is
 * `{ deny: [every "…" literal of its `deny contains "…"` lines, in module order] }`.
 * Load swaps the whole set at once after an optional delay (like real engines: atomic).
 * It tests the core's reload/index logic, not Rego evaluation.
 */
import type { Engine, EngineResult, PolicySet } from '@policy-engine/evaluator';

export interface MarkerEngine extends Engine {
  readonly loaded: () => PolicySet | undefined;
  loadDelayMs: number;
  evalDelayMs: number;
  loadCount: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function markerEngine(): MarkerEngine {
  let current: PolicySet | undefined;
  const engine: MarkerEngine = {
    name: 'marker',
    loadDelayMs: 0,
    evalDelayMs: 0,
    loadCount: 0,
    loaded: () => current,
    async load(policies) {
      if (engine.loadDelayMs > 0) await sleep(engine.loadDelayMs);
      current = policies;
      engine.loadCount++;
    },
    async evaluate(packageName): Promise<EngineResult> {
      const set = current; // read once: atomic with respect to load()
      if (engine.evalDelayMs > 0) await sleep(Math.random() * engine.evalDelayMs);
      const modules = (set?.modules ?? []).filter((m) => m.packageName === packageName);
      if (modules.length === 0) return { defined: false };
      const deny = modules.flatMap((m) => [...m.source.matchAll(/deny contains "([^"]*)"/g)].map((x) => x[1] ?? ''));
      return { defined: true, value: { deny } };
    },
    close: () => Promise.resolve(),
  };
  return engine;
}
