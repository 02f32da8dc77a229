/**
 * @policy-engine/evaluator/testing — helpers for tests of code built on the evaluator (and of
 * the evaluator itself): a counting wrapper around any engine, a scripted engine whose answers
 * the test gives, inline policy sets that declare packages, modules that need not parse, and a
 * recording logger. Not part of
 * the main entry: production code has no use for them.
 * @packageDocumentation
 */
import type { Engine, EngineEvaluateOptions, EngineResult, PolicySet } from './engine.js';
import type { Logger, PolicyEngine, PolicySource, ReloadResult } from './options.js';

export { countingEngine, type CountingEngine } from './counting-engine.js';
export { unparsedModule } from './policy-module.js';

/** The answer of a {@link ScriptedEngine} for one `evaluate` call. */
export type EngineScript = (packageName: string, input: unknown, options?: EngineEvaluateOptions) => EngineResult | Promise<EngineResult>;

/** One `evaluate` call a {@link ScriptedEngine} received; `input` is a copy taken at the call. */
export interface ScriptedCall {
  readonly packageName: string;
  readonly input: unknown;
}

/** An {@link Engine} whose answers come from a script; it records what it was given. */
export interface ScriptedEngine extends Engine {
  /** Every policy set `load` accepted, in order. */
  readonly loads: PolicySet[];
  /** Every `evaluate` call, in order. */
  readonly calls: ScriptedCall[];
  /** Whether `close` was called. */
  closed: boolean;
  /** The script; a test may replace it between calls. */
  script: EngineScript;
  /** When set, `load` rejects with this error. */
  loadError?: Error;
}

/**
 * A tiny engine for tests of what the caller does with an `EngineResult` (decision
 * conventions, hooks, runners) — never of OPA behaviour, which the real engines test.
 */
export function scriptedEngine(script: EngineScript, name = 'scripted'): ScriptedEngine {
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
      engine.calls.push({ packageName, input: structuredClone(input) });
      return engine.script(packageName, input, options);
    },
    close() {
      engine.closed = true;
      return Promise.resolve();
    },
  };
  return engine;
}

/** An `EngineResult` whose value is `value`. */
export function defined(value: unknown): EngineResult {
  return { defined: true, value };
}

/**
 * An inline policy source of v1 modules that declare `packages` (one `deny` rule each that
 * never holds), so the facade's package index knows them.
 */
export function inlinePackages(...packages: string[]): Extract<PolicySource, { readonly kind: 'inline' }> {
  return {
    kind: 'inline',
    modules: packages.map((pkg, i) => ({
      id: `m${i}.rego`,
      source: `package ${pkg}\n\ndeny contains "x" if { input.never }\n`,
      regoVersion: 'v1',
    })),
  };
}

/** A logger (the facade's `logger` option) that keeps what it was given. */
export interface RecordingLogger extends Logger {
  /** Every `warn` message, in order. */
  readonly warnings: string[];
  /** Every `error` message, in order. */
  readonly errors: string[];
}

/** A {@link RecordingLogger}. */
export function recordingLogger(): RecordingLogger {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    warn: (m) => void warnings.push(m),
    error: (m) => void errors.push(m),
  };
}

/**
 * Resolves with the next reload result of `engine` that satisfies `accept` (default: any), or
 * rejects after `timeoutMs` (file events can come in several bursts; a test waits for the one it means).
 */
export function nextReload(
  engine: PolicyEngine,
  accept: (r: ReloadResult) => boolean = () => true,
  timeoutMs = 5000,
): Promise<ReloadResult> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching reload within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = engine.onReload((r) => {
      if (!accept(r)) return;
      clearTimeout(timer);
      off();
      resolve(r);
    });
  });
}
