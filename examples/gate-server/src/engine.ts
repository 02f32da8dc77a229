import {
  createPolicyEngine,
  decisionLogSink,
  fleetBundleSource,
  fleetDecisionLog,
  fleetOpaBundleConfig,
  type DecisionLogService,
  type EvaluationOptions,
  type PolicyEngine,
  type PolicySource,
} from '@policy-engine/evaluator';
import { createEngineByName, type LocalOpa } from '@policy-engine/engines';
import { HTTP_AUTHZ_PACKAGE, type GateAuthzConfig } from '@policy-engine/gate-adapter';
import type { GateMetrics } from './metrics.js';
import { DEFAULT_DECISION_CACHE_MS, type GateServerSettings } from './settings.js';

/** A policy engine plus what was started for it. */
export interface StartedEngine {
  readonly policyEngine: PolicyEngine;
  /** Human-readable engine description for the startup line (`wasm`, `opa http://…`). */
  readonly description: string;
  /** The decision-log shipper (`DECISION_LOG_URL`). */
  readonly decisionLog?: DecisionLogService;
  /** The OPA started for `ENGINE=opa` without `OPA_URL` (its `pid` follows restarts). */
  readonly localOpa?: LocalOpa;
  /** Stops the policy engine, the decision log and a locally started OPA. */
  close(): Promise<void>;
}

/**
 * How long a policy load waits for the pulling OPA to activate the revision the evaluator got: the
 * two poll independently, so OPA may need up to its max delay (2× `BUNDLE_POLLING_SECONDS`) and a download.
 */
function pullLoadTimeoutMs(settings: GateServerSettings): number {
  return (2 * Math.max(1, Math.round(settings.bundlePollingSeconds ?? 60)) + 5) * 1000;
}

/** tools/opa, loaded only when the engine chosen needs OPA (`native` never imports, locates or starts it). */
const opaTools = () => import('@policy-engine/opa');

/**
 * Creates the policy engine the server evaluates with, loading `settings.policyDir`. The
 * engine comes from the one factory (`@policy-engine/engines`, default `native`: in-process, no
 * OPA). `ENGINE=wasm` locates (or installs) `opa` for its builds; `ENGINE=opa` without an address
 * starts a local OPA (v0-compatible, so Armory-era v0 modules load; token-protected and restarted
 * when it dies); with `BUNDLE_URL` too, that OPA pulls the bundle itself (OPA's bundle plugin, config
 * from `fleetOpaBundleConfig`) and the engine waits for the evaluator's revision instead of pushing.
 * OPA is looked for only then, with tools/opa's `ensureOpa`.
 * @throws OpaNotFoundError (code `OPA_NOT_FOUND`) when wasm/opa is chosen and OPA cannot be had.
 */
export async function startEngine(settings: GateServerSettings, config: GateAuthzConfig, metrics?: GateMetrics): Promise<StartedEngine> {
  // The one evaluation timeout (Armory's opa.timeoutSeconds): the facade hands it to every
  // evaluation as a deadline, whichever engine runs it.
  const timeoutMs = config.timeoutSeconds * 1000;
  const requireOpa = async (): Promise<string> => {
    const { OpaNotFoundError, ensureOpa } = await opaTools();
    try {
      return await ensureOpa({ onLog: (line) => console.error(`gate-server: ${line}`) });
    } catch (e) {
      if (e instanceof OpaNotFoundError) {
        throw new OpaNotFoundError(`ENGINE=${settings.engine} needs OPA: ${e.message} ENGINE=native (the default) needs no OPA.`);
      }
      throw e;
    }
  };
  const url = settings.opaUrl ?? config.opaBaseUrl;
  // ENGINE=opa + BUNDLE_URL, no OPA given: the OPA started here pulls the same bundle with its own
  // bundle plugin (same service, key id `gate`, polling); the engine pushes nothing and waits for the
  // revision the evaluator's bundle-service source delivered (engine-opa `pulledBundle`).
  const pullConfig = settings.engine === 'opa' && !url ? fleetOpaBundleConfig(settings, { name: 'gate' }) : undefined;
  const made = await createEngineByName(settings.engine, {
    wasm: async () => ({
      opaPath: settings.opaPath ?? (await requireOpa()),
      ...(settings.wasmWorkers !== undefined ? { workers: settings.wasmWorkers } : {}),
      ...(settings.wasmMaxQueue !== undefined ? { maxQueue: settings.wasmMaxQueue } : {}),
    }),
    // Every 5 s the engine checks that the OPA still holds the pushed policies and pushes them again
    // if not; a local OPA that went down is probed every 0.5 s.
    opa: pullConfig
      ? { healthCheckIntervalMs: 500, pulledBundle: { name: 'gate' }, loadTimeoutMs: pullLoadTimeoutMs(settings) }
      : { ...(url ? { baseUrl: url } : { healthCheckIntervalMs: 500 }), integrityCheckIntervalMs: 5000 },
    // No OPA given: a local one, restarted with backoff when it dies (the engine pushes the set again,
    // or a pulling OPA pulls the bundle again). Protected by a per-process token so that no other
    // local process can rewrite its policies — except when it pulls the bundle: OPA then erases every
    // policy under the bundle's roots that the bundle does not hold, the token's `system.authz` too
    // when a root is "" (`opa build` without roots), which would make it refuse everyone; and it
    // refuses every Policy and Data API write under the bundle's roots itself ("owned by bundle").
    startOpa: async () =>
      (await opaTools()).startOpaServer({
        v0Compatible: true,
        protect: pullConfig === undefined,
        ...(pullConfig ? { config: pullConfig } : {}),
        restart: { initialDelayMs: 500, maxDelayMs: 10_000, onEvent: (message) => console.error(`gate-server: ${message}`) },
        opaBin: settings.opaPath ?? (await requireOpa()),
      }),
  });
  const sink = settings.decisionLog ? decisionLogSink(settings.decisionLog) : undefined;
  const shipper = fleetDecisionLog(settings, {
    labels: { app: 'gate-server' },
    logger: { warn: (m) => console.warn(`gate-server: ${m}`), error: (m) => console.error(`gate-server: ${m}`) },
    ...(metrics ? { metrics: metrics.observer } : {}),
  });
  const hooks = [sink, shipper?.onDecision].filter((h) => h !== undefined);
  const onDecision: EvaluationOptions['onDecision'] =
    hooks.length === 0 ? undefined : (decision, context) => hooks.forEach((hook) => hook(decision, context));
  const policies: PolicySource = fleetBundleSource(settings, { name: 'gate', regoVersion: settings.regoVersion }) ?? {
    kind: 'directory',
    path: settings.policyDir,
    regoVersion: settings.regoVersion,
    watch: settings.watchPolicies,
  };
  let policyEngine: PolicyEngine;
  // Reload events (applied revisions, held removals, discarded builds) go to stdout, warnings and
  // errors to stderr. The initial load's info line is left out: the startup line says what loaded.
  let started = false;
  const logger = {
    info: (message: string) => {
      if (started) console.log(`gate-server: ${message}`);
    },
    warn: (message: string) => console.warn(`gate-server: ${message}`),
    error: (message: string) => console.error(`gate-server: ${message}`),
  };
  const cacheMs = settings.decisionCacheMs ?? DEFAULT_DECISION_CACHE_MS;
  try {
    policyEngine = await createPolicyEngine({
      engine: made.engine,
      policies,
      options: {
        failOpen: config.failOpen,
        timeoutMs,
        logger,
        // Gate's UI asks the same API question many times a second: reuse the answer (DECISION_CACHE_MS).
        ...(cacheMs > 0 ? { decisionCache: { packages: [HTTP_AUTHZ_PACKAGE], ttlMs: cacheMs } } : {}),
        ...(onDecision ? { onDecision } : {}),
        ...(metrics ? { metrics: metrics.observer } : {}),
      },
    });
    started = true;
  } catch (e) {
    await made.close();
    await sink?.close();
    await shipper?.close();
    throw e;
  }
  return {
    policyEngine,
    description: pullConfig ? `${made.description}, pulling bundle gate from ${settings.bundleUrl}` : made.description,
    ...(made.localOpa ? { localOpa: made.localOpa } : {}),
    ...(shipper ? { decisionLog: shipper } : {}),
    async close() {
      await policyEngine.close();
      await sink?.close();
      await shipper?.close();
      await made.close();
    },
  };
}
