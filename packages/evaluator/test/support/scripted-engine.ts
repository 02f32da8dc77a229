/**
 * scriptedEngine: a tiny in-test Engine whose answers are given by the test. It exists to test
 * the core's decision conventions (what the core does with an EngineResult), not OPA.
 */
import type { Engine, EngineEvaluateOptions, EngineResult, PolicySet } from '@policy-engine/evaluator';

export type Script = (packageName: string, input: unknown, options?: EngineEvaluateOptions) => EngineResult | Promise<EngineResult>;

export interface ScriptedEngine extends Engine {
  readonly loads: PolicySet[];
  readonly calls: { packageName: string; input: unknown }[];
  closed: boolean;
  script: Script;
  /** When set, load() rejects with this error. */
  loadError?: Error;
}

export function scriptedEngine(script: Script, name = 'scripted'): ScriptedEngine {
  const engine: ScriptedEngine = {
    name,
    loads: [],
    calls: [],
    closed: false,
    script,
    load(policies) {
      if (engine.loadError) return Promise.reject(engine.loadError);
      engine.loads.push(policies);
      return Promise.resolve();
    },
    async evaluate(packageName, input, options) {
      engine.calls.push({ packageName, input });
      return engine.script(packageName, input, options);
    },
    close() {
      engine.closed = true;
      return Promise.resolve();
    },
  };
  return engine;
}

/** A result whose value is `value`. */
export const defined = (value: unknown): EngineResult => ({ defined: true, value });

/** Inline modules declaring the given packages (v1 syntax). */
export function inlinePackages(...packages: string[]) {
  return {
    kind: 'inline' as const,
    modules: packages.map((pkg, i) => ({ id: `m${i}.rego`, source: `package ${pkg}\n\ndeny contains "x" if { input.never }\n` })),
  };
}

/** A logger that records what it was given. */
export function recordingLogger() {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, warn: (m: string) => void warnings.push(m), error: (m: string) => void errors.push(m) };
}
