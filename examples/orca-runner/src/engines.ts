/**
 * Builds the policy engine for a run through the one engine factory (`@policy-engine/engines`):
 * the native interpreter (the default, no OPA), the embedded wasm engine, or a real OPA server
 * started for the run. OPA is located (or installed) only for wasm and opa.
 */
import { fileURLToPath } from 'node:url';
import {
  createPolicyEngine,
  fleetBundleSource,
  fleetDecisionLog,
  fleetOpaBundleConfig,
  type Engine,
  type FleetSettings,
  type PolicyEngine,
} from '@policy-engine/evaluator';
import { DEFAULT_ENGINE, ENGINE_NAMES, createEngineByName, type EngineName } from '@policy-engine/engines';
import { ensureOpa, startOpaServer } from '@policy-engine/opa';

export { DEFAULT_ENGINE, ENGINE_NAMES, type EngineName };

/** The example policy set (`examples/policies`), the default `--policy`. */
export const DEFAULT_POLICY_DIR: string = fileURLToPath(new URL('../../policies', import.meta.url));

/** Options of {@link openPolicyEngine}. */
export interface OpenPolicyEngineOptions {
  /** Default {@link DEFAULT_ENGINE}. */
  readonly engine?: EngineName;
  /** Directory of `.rego` modules and data files (read with `regoVersion: 'auto'`). */
  readonly policyDir: string;
  /** The `opa` binary (wasm: to compile policies; opa: to run the server). Default: tools/opa's `ensureOpa()`, only for those engines. */
  readonly opaPath?: string;
  /** Wraps the engine before it is used (e.g. to count calls in a test). */
  readonly wrapEngine?: (engine: Engine) => Engine;
  /**
   * The fleet settings shared with the example gate (`fleetSettingsFromEnv` of the evaluator: `BUNDLE_URL`, …,
   * `DECISION_LOG_URL`): with `bundleUrl` the policies come from that bundle service instead of `policyDir`;
   * with `decisionLogUrl` every decision is shipped there (flushed by `close()`).
   */
  readonly fleet?: FleetSettings;
}

/** A policy engine for one run, and how to release it (and the OPA server, if one was started). */
export interface RunnerPolicyEngine {
  readonly policyEngine: PolicyEngine;
  readonly engineName: EngineName;
  close(): Promise<void>;
}

/**
 * Creates the policy engine. For `opa` a real OPA server (`--v0-compatible`, loopback, free
 * port) is started and stopped again by `close()`; with `fleet.bundleUrl` it pulls the bundle itself
 * (OPA's bundle plugin, `fleetOpaBundleConfig`) and the engine waits for the evaluator's revision.
 * @throws OpaNotFoundError (tools/opa) when wasm/opa is chosen and OPA cannot be had; PolicySourceError / PolicyCompileError for bad policies.
 */
export async function openPolicyEngine(options: OpenPolicyEngineOptions): Promise<RunnerPolicyEngine> {
  const wrap = options.wrapEngine ?? ((e: Engine) => e);
  const fleet = options.fleet ?? {};
  // With a bundle URL the run's OPA pulls the same bundle itself (OPA's bundle plugin, key id `orca`)
  // and the engine waits for the revision the evaluator got instead of pushing modules.
  const pullConfig = fleetOpaBundleConfig(fleet, { name: 'orca' });
  const pollSeconds = Math.max(1, Math.round(fleet.bundlePollingSeconds ?? 60));
  const made = await createEngineByName(options.engine ?? DEFAULT_ENGINE, {
    wasm: async () => ({ opaPath: options.opaPath ?? (await ensureOpa()) }),
    ...(pullConfig ? { opa: { pulledBundle: { name: 'orca' }, loadTimeoutMs: (2 * pollSeconds + 5) * 1000 } } : {}),
    // Token-protected: no other local process can rewrite the policies of this run's OPA. A pulling
    // OPA is not (its bundle would erase the token's system.authz policy when a root is ""); it refuses
    // every write under the bundle's roots itself.
    startOpa: async () =>
      startOpaServer({
        v0Compatible: true,
        protect: pullConfig === undefined,
        ...(pullConfig ? { config: pullConfig } : {}),
        opaBin: options.opaPath ?? (await ensureOpa()),
      }),
  });
  const shipper = fleetDecisionLog(fleet, { labels: { app: 'orca-runner' } });
  try {
    const policyEngine = await createPolicyEngine({
      engine: wrap(made.engine),
      policies: fleetBundleSource(fleet, { name: 'orca', regoVersion: 'auto' }) ?? {
        kind: 'directory',
        path: options.policyDir,
        regoVersion: 'auto',
      },
      ...(shipper ? { options: { onDecision: shipper.onDecision } } : {}),
    });
    return {
      policyEngine,
      engineName: made.name,
      close: async () => {
        try {
          await policyEngine.close();
        } finally {
          await made.close();
          await shipper?.close();
        }
      },
    };
  } catch (err) {
    await made.close();
    await shipper?.close();
    throw err;
  }
}
