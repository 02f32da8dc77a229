import { ConfigurationError, createPolicyEngine, decisionLogSink, type Engine, type PolicyEngine } from '@policy-engine/evaluator';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import type { GateAuthzConfig } from '@policy-engine/gate-adapter';
import { findOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';
import type { EngineChoice, GateServerSettings } from './settings.js';

/** A policy engine plus what was started for it. */
export interface StartedEngine {
  readonly policyEngine: PolicyEngine;
  /** Human-readable engine description for the startup line (`wasm`, `opa http://…`). */
  readonly description: string;
  /** The OPA started for `ENGINE=opa` without `OPA_URL` (its `pid` follows restarts). */
  readonly localOpa?: OpaServer;
  /** Stops the policy engine, the decision log and a locally started OPA. */
  close(): Promise<void>;
}

/** The one switch from engine name to backend. `native` is refused until it exists. */
async function backend(
  choice: EngineChoice,
  settings: GateServerSettings,
  config: GateAuthzConfig,
): Promise<{ engine: Engine; description: string; opa?: OpaServer }> {
  const timeoutMs = config.timeoutSeconds * 1000;
  switch (choice) {
    case 'native':
      throw new ConfigurationError('ENGINE=native: the native Rego interpreter is not available yet; use ENGINE=wasm (embedded) or ENGINE=opa');
    case 'wasm':
      return { engine: wasmEngine({ opaPath: settings.opaPath ?? findOpa(), timeoutMs }), description: 'wasm' };
    case 'opa': {
      const url = settings.opaUrl ?? config.opaBaseUrl;
      // Every 5 s the engine checks that the OPA still holds the pushed policies and pushes them again if not.
      if (url) return { engine: opaEngine({ baseUrl: url, timeoutMs, integrityCheckIntervalMs: 5000 }), description: `opa ${url}` };
      // No OPA given: start a local one (v0-compatible, so Armory-era v0 modules load), protected by
      // a per-process token so that no other local process can rewrite its policies, and restarted
      // with backoff when it dies (the engine pushes the set to it again).
      const opa = await startOpaServer({
        v0Compatible: true,
        protect: true,
        restart: { initialDelayMs: 500, maxDelayMs: 10_000, onEvent: (message) => console.error(`gate-server: ${message}`) },
        ...(settings.opaPath ? { opaBin: settings.opaPath } : {}),
      });
      return {
        engine: opaEngine({ baseUrl: opa.url, headers: opa.headers, timeoutMs, healthCheckIntervalMs: 500, integrityCheckIntervalMs: 5000 }),
        description: `opa ${opa.url} (started, pid ${opa.pid}, token-protected, restarted when it dies)`,
        opa,
      };
    }
  }
}

/** Creates the policy engine the server evaluates with, loading `settings.policyDir`. */
export async function startEngine(settings: GateServerSettings, config: GateAuthzConfig): Promise<StartedEngine> {
  const { engine, description, opa } = await backend(settings.engine, settings, config);
  const sink = settings.decisionLog ? decisionLogSink(settings.decisionLog) : undefined;
  let policyEngine: PolicyEngine;
  try {
    policyEngine = await createPolicyEngine({
      engine,
      policies: { kind: 'directory', path: settings.policyDir, regoVersion: settings.regoVersion, watch: settings.watchPolicies },
      options: {
        failOpen: config.failOpen,
        timeoutMs: config.timeoutSeconds * 1000,
        ...(sink ? { onDecision: sink } : {}),
      },
    });
  } catch (e) {
    await engine.close().catch(() => undefined);
    await sink?.close();
    await opa?.stop();
    throw e;
  }
  return {
    policyEngine,
    description,
    ...(opa ? { localOpa: opa } : {}),
    async close() {
      await policyEngine.close();
      await sink?.close();
      await opa?.stop();
    },
  };
}
