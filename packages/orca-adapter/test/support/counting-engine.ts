import type { Engine } from '@policy-engine/evaluator';

/** A real engine wrapped so that the test can count `evaluate` calls per package. */
export interface CountingEngine extends Engine {
  readonly counts: Map<string, number>;
  total(): number;
}

export function counting(inner: Engine): CountingEngine {
  const counts = new Map<string, number>();
  return {
    name: inner.name,
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    load: (policies, options) => inner.load(policies, options),
    evaluate(packageName, input, options) {
      counts.set(packageName, (counts.get(packageName) ?? 0) + 1);
      return inner.evaluate(packageName, input, options);
    },
    close: () => inner.close(),
  };
}
