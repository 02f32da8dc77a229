/**
 * Builds the policy engine for a run through the one engine factory (`@policy-engine/engines`):
 * the embedded wasm engine (the default), a real OPA server started for the run, or `native`
 * (not available yet).
 */
import { fileURLToPath } from 'node:url';
import { createPolicyEngine, type Engine, type PolicyEngine } from '@policy-engine/evaluator';
import { DEFAULT_ENGINE, ENGINE_NAMES, createEngineByName, type EngineName } from '@policy-engine/engines';
import { findOpa, startOpaServer } from '@policy-engine/opa';

export { DEFAULT_ENGINE, ENGINE_NAMES, type EngineName };

/** The example policy set (`examples/policies`), the default `--policy`. */
export const DEFAULT_POLICY_DIR: string = fileURLToPath(new URL('../../policies', import.meta.url));

/** Options of {@link openPolicyEngine}. */
export interface OpenPolicyEngineOptions {
  /** Default {@link DEFAULT_ENGINE}. */
  readonly engine?: EngineName;
  /** Directory of `.rego` modules and data files (read with `regoVersion: 'auto'`). */
  readonly policyDir: string;
  /** The `opa` binary (wasm: to compile policies; opa: to run the server). Default: `findOpa()`. */
  readonly opaPath?: string;
  /** Wraps the engine before it is used (e.g. to count calls in a test). */
  readonly wrapEngine?: (engine: Engine) => Engine;
}

/** A policy engine for one run, and how to release it (and the OPA server, if one was started). */
export interface RunnerPolicyEngine {
  readonly policyEngine: PolicyEngine;
  readonly engineName: EngineName;
  close(): Promise<void>;
}

/**
 * Creates the policy engine. For `opa` a real OPA server (`--v0-compatible`, loopback, free
 * port) is started and stopped again by `close()`.
 * @throws EngineNotAvailableError for `native`; PolicySourceError / PolicyCompileError for bad policies.
 */
export async function openPolicyEngine(options: OpenPolicyEngineOptions): Promise<RunnerPolicyEngine> {
  const wrap = options.wrapEngine ?? ((e: Engine) => e);
  const made = await createEngineByName(options.engine ?? DEFAULT_ENGINE, {
    wasm: () => ({ opaPath: options.opaPath ?? findOpa() }),
    // Token-protected: no other local process can rewrite the policies of this run's OPA.
    startOpa: () => startOpaServer({ v0Compatible: true, protect: true, ...(options.opaPath ? { opaBin: options.opaPath } : {}) }),
  });
  try {
    const policyEngine = await createPolicyEngine({
      engine: wrap(made.engine),
      policies: { kind: 'directory', path: options.policyDir, regoVersion: 'auto' },
    });
    return {
      policyEngine,
      engineName: made.name,
      close: async () => {
        try {
          await policyEngine.close();
        } finally {
          await made.close();
        }
      },
    };
  } catch (err) {
    await made.close();
    throw err;
  }
}
