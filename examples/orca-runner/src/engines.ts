/**
 * Builds the policy engine for a run: the embedded wasm engine (default) or a real OPA
 * server started for the run; `native` is not available yet.
 */
import { fileURLToPath } from 'node:url';
import { UnsupportedFeature, createPolicyEngine, type Engine, type PolicyEngine } from '@policy-engine/evaluator';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';

/** The engines `run-pipeline` knows. */
export const ENGINE_NAMES = ['wasm', 'opa', 'native'] as const;
/** One of {@link ENGINE_NAMES}. */
export type EngineName = (typeof ENGINE_NAMES)[number];

/** The example policy set (`examples/policies`), the default `--policy`. */
export const DEFAULT_POLICY_DIR: string = fileURLToPath(new URL('../../policies', import.meta.url));

/** Options of {@link openPolicyEngine}. */
export interface OpenPolicyEngineOptions {
  readonly engine: EngineName;
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
 * @throws UnsupportedFeature for `native`; PolicySourceError / PolicyCompileError for bad policies.
 */
export async function openPolicyEngine(options: OpenPolicyEngineOptions): Promise<RunnerPolicyEngine> {
  const wrap = options.wrapEngine ?? ((e: Engine) => e);
  const policies = { kind: 'directory' as const, path: options.policyDir, regoVersion: 'auto' as const };
  if (options.engine === 'native') {
    throw new UnsupportedFeature('engine "native" is not available yet; use --engine wasm (embedded) or --engine opa');
  }
  if (options.engine === 'wasm') {
    const policyEngine = await createPolicyEngine({ engine: wrap(wasmEngine({ opaPath: options.opaPath ?? findOpa() })), policies });
    return { policyEngine, engineName: 'wasm', close: () => policyEngine.close() };
  }
  // Token-protected: no other local process can rewrite the policies of this run's OPA.
  const server: OpaServer = await startOpaServer({ v0Compatible: true, protect: true, ...(options.opaPath ? { opaBin: options.opaPath } : {}) });
  try {
    const policyEngine = await createPolicyEngine({ engine: wrap(opaEngine({ baseUrl: server.url, headers: server.headers })), policies });
    return {
      policyEngine,
      engineName: 'opa',
      close: async () => {
        try {
          await policyEngine.close();
        } finally {
          await server.stop();
        }
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
