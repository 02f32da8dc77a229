/**
 * A tiny in-test Engine (the evaluator's Engine contract) whose answers come from a script.
 * Used only to test the runner's and interceptor's own semantics (graph order, statuses,
 * hooks called); the acceptance tests use the real engines.
 */
import type { Engine, EngineResult } from '@policy-engine/evaluator';

export type DenyScript = (packageName: string, input: Record<string, unknown>) => string[];

export interface ScriptedEngine extends Engine {
  readonly calls: { packageName: string; input: Record<string, unknown> }[];
}

export function scriptedEngine(script: DenyScript): ScriptedEngine {
  const calls: { packageName: string; input: Record<string, unknown> }[] = [];
  return {
    name: 'scripted',
    calls,
    load: () => Promise.resolve(),
    evaluate(packageName, input): Promise<EngineResult> {
      const doc = structuredClone(input) as Record<string, unknown>;
      calls.push({ packageName, input: doc });
      return Promise.resolve({ defined: true, value: { deny: script(packageName, doc) } });
    },
    close: () => Promise.resolve(),
  };
}

/** An inline policy source declaring `packages` (so the policy engine's index knows them). */
export function declaring(...packages: string[]) {
  return {
    kind: 'inline' as const,
    modules: packages.map((pkg, i) => ({
      id: `m${i}.rego`,
      source: `package ${pkg}\n\ndeny contains "never" if { input.never }\n`,
      regoVersion: 'v1' as const,
    })),
  };
}
