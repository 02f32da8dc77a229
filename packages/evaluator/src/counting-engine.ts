import type { Engine } from './engine.js';

/** An {@link Engine} that counts the `evaluate` calls it forwards, per package. */
export interface CountingEngine extends Engine {
  /** Calls so far, by package name. */
  readonly counts: ReadonlyMap<string, number>;
  /** All calls so far. */
  total(): number;
  /** Forgets the counts. */
  reset(): void;
}

/**
 * Wraps an engine so that tests can count how often each package reaches it — e.g. to
 * prove that a package with no policy costs a package-index lookup, not an engine call.
 * Everything else is forwarded unchanged.
 */
export function countingEngine(inner: Engine): CountingEngine {
  const counts = new Map<string, number>();
  return {
    name: inner.name,
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
    load: (policies, options) => inner.load(policies, options),
    evaluate(packageName, input, options) {
      counts.set(packageName, (counts.get(packageName) ?? 0) + 1);
      return inner.evaluate(packageName, input, options);
    },
    close: () => inner.close(),
  };
}
