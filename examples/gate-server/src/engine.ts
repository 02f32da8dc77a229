import { createPolicyEngine, decisionLogSink, type PolicyEngine } from '@policy-engine/evaluator';
import { createEngineByName } from '@policy-engine/engines';
import type { GateAuthzConfig } from '@policy-engine/gate-adapter';
import { findOpa, startOpaServer } from '@policy-engine/opa';
import type { GateServerSettings } from './settings.js';

/** A policy engine plus what was started for it. */
export interface StartedEngine {
  readonly policyEngine: PolicyEngine;
  /** Human-readable engine description for the startup line (`wasm`, `opa http://…`). */
  readonly description: string;
  /** Stops the policy engine, the decision log and a locally started OPA. */
  close(): Promise<void>;
}

/**
 * Creates the policy engine the server evaluates with, loading `settings.policyDir`. The
 * engine comes from the one factory (`@policy-engine/engines`): `ENGINE=opa` without an
 * address starts a local OPA (v0-compatible, so Armory-era v0 modules load); `native` is
 * refused with `EngineNotAvailableError` until it exists.
 */
export async function startEngine(settings: GateServerSettings, config: GateAuthzConfig): Promise<StartedEngine> {
  const timeoutMs = config.timeoutSeconds * 1000;
  const url = settings.opaUrl ?? config.opaBaseUrl;
  const made = await createEngineByName(settings.engine, {
    wasm: () => ({
      opaPath: settings.opaPath ?? findOpa(),
      timeoutMs,
      ...(settings.wasmWorkers !== undefined ? { workers: settings.wasmWorkers } : {}),
      ...(settings.wasmMaxQueue !== undefined ? { maxQueue: settings.wasmMaxQueue } : {}),
    }),
    opa: { ...(url ? { baseUrl: url } : {}), timeoutMs },
    startOpa: () => startOpaServer({ v0Compatible: true, ...(settings.opaPath ? { opaBin: settings.opaPath } : {}) }),
  });
  const sink = settings.decisionLog ? decisionLogSink(settings.decisionLog) : undefined;
  let policyEngine: PolicyEngine;
  try {
    policyEngine = await createPolicyEngine({
      engine: made.engine,
      policies: { kind: 'directory', path: settings.policyDir, regoVersion: settings.regoVersion, watch: settings.watchPolicies },
      options: {
        failOpen: config.failOpen,
        timeoutMs,
        ...(sink ? { onDecision: sink } : {}),
      },
    });
  } catch (e) {
    await made.close();
    await sink?.close();
    throw e;
  }
  return {
    policyEngine,
    description: made.description,
    async close() {
      await policyEngine.close();
      await sink?.close();
      await made.close();
    },
  };
}
