/**
 * Configuration and public interface types of the policy engine facade.
 */
import type { DecisionCacheOptions } from './decision-cache.js';
import type { Decision } from './decision.js';
import type { Engine, RegoVersion } from './engine.js';
import type { PolicyEngineError } from './errors.js';
import type { PolicyMetricsObserver } from './metrics.js';
import type { BundleServiceSource, BundleStatus } from './sources/bundle-service.js';

/** Rego version setting of a source: a fixed version or `auto` (v1 when the module parses as v1, else v0). */
export type RegoVersionSetting = RegoVersion | 'auto';

/** Where policies come from. Every source is re-read on each reload. */
export type PolicySource =
  /** A directory, read recursively: `.rego` modules and `.json`/`.yaml`/`.yml` data files. */
  | { readonly kind: 'directory'; readonly path: string; readonly regoVersion?: RegoVersionSetting; readonly watch?: boolean }
  /** Individual files (`.rego` modules, `.json`/`.yaml`/`.yml` data merged at the root). */
  | { readonly kind: 'files'; readonly paths: readonly string[]; readonly regoVersion?: RegoVersionSetting }
  /** A Kubernetes ConfigMap YAML file (one or several documents, `kind: List` too). */
  | { readonly kind: 'configmap'; readonly path: string; readonly requireLabel?: boolean; readonly regoVersion?: RegoVersionSetting }
  /** An OPA bundle: a `.tar.gz` file or a directory in bundle layout. `regoVersion` applies to modules the manifest says nothing about (default v1). */
  | { readonly kind: 'bundle'; readonly path: string; readonly regoVersion?: RegoVersionSetting }
  /** An OPA bundle polled from a bundle service (see {@link BundleServiceSource}). */
  | BundleServiceSource
  /** Modules and data given in code. */
  | {
      readonly kind: 'inline';
      readonly modules: readonly { readonly id: string; readonly source: string; readonly regoVersion?: RegoVersionSetting }[];
      readonly data?: Record<string, unknown>;
    };

/** Minimal logger; `info` is optional. */
export interface Logger {
  warn(message: string): void;
  error(message: string): void;
  info?(message: string): void;
}

/** What the decision hook receives besides the Decision. */
export interface DecisionContext {
  /** Unique id of this decision (UUID). */
  readonly id: string;
  /** ISO-8601 time the evaluation started. */
  readonly time: string;
  /** The input document that was evaluated. */
  readonly input: unknown;
  /** The document the engine returned for `data.<package>` (absent when the engine was not asked, answered undefined or failed). */
  readonly result?: unknown;
  /** Manifest revisions of the active bundles of bundle-service sources, by bundle name (OPA's decision log `bundles`). */
  readonly bundles?: Readonly<Record<string, { readonly revision: string }>>;
  /** Content revision of the active policy set. */
  readonly revision?: string;
  /** True when the answer came from the decision cache (see `EvaluationOptions.decisionCache`): the engine was not asked again. */
  readonly cached?: boolean;
}

/** How decisions are made and reported. */
export interface EvaluationOptions {
  /** Engine failure ⇒ allowed (with the error attached). Default false (fail-closed). Armory: `armory.policyEngine.failOpen`. */
  readonly failOpen?: boolean;
  /**
   * Evaluation timeout in milliseconds. Default 10 000. Armory: `armory.policyEngine.opa.timeoutSeconds` × 1000.
   * The one timeout: every engine evaluation gets it as `EngineEvaluateOptions.deadline`
   * (engines have no evaluation timeout of their own); past it a decision fails with `EVALUATION_TIMEOUT`.
   */
  readonly timeoutMs?: number;
  /** Save-time packages (`opa.pipelines`, `spinnaker.persistence.pipelines.before`) without a policy: allow (default) or deny. Other packages: missing ⇒ allowed. */
  readonly onMissingPolicy?: 'allow' | 'deny';
  /** Validate the input against the package's codec: off (default), warn (log), reject (denied with INVALID_INPUT). */
  readonly validateInput?: 'off' | 'warn' | 'reject';
  /**
   * Inputs nested deeper than this many arrays/objects are refused with `INVALID_INPUT` before
   * any engine sees them (always checked, like lone UTF-16 surrogates). Default 2000.
   */
  readonly maxInputDepth?: number;
  /**
   * Hot reload: a reload whose new set lacks a package the active set has is held until the
   * sources have had no file event (of a watched directory) for this many milliseconds, then
   * the sources are read again and the result applied, with a `logger.warn` naming the removed
   * packages. A file moved away and back within this time is never seen as removed. Reloads that
   * only add or change packages apply at once. Without watched sources there are no file events,
   * so `reload()` applies removals at once. `0` turns the hold off. Default 1000.
   */
  readonly reloadSettleMs?: number;
  /** Packages using the allow/message convention. Default: `spinnaker.http.authz`, `spinnaker.ui.entitlements.isFeatureEnabled`. */
  readonly allowPackages?: readonly string[];
  /**
   * The metrics hook (one observer or several): every decision (package, outcome, latency, error
   * code), reload and bundle-service event. Exceptions are logged, never propagated. See `createPolicyMetrics`.
   */
  readonly metrics?: PolicyMetricsObserver | readonly PolicyMetricsObserver[];
  /**
   * Reuse the answers of recent decisions of these packages for the same input while the same
   * policy set is active (see `DecisionCacheOptions`: `ttlMs` default 10 000, `maxEntries`
   * default 10 000, inputs up to `maxInputBytes` of JSON, default 4096). Off by default. Never
   * caches failures, sets that call a non-deterministic built-in (`NONDETERMINISTIC_BUILTINS`)
   * or engines with `decisionsCacheable: false`; every decision is still counted and logged.
   */
  readonly decisionCache?: DecisionCacheOptions;
  /** Called once per decision (e.g. {@link decisionLogSink}). Exceptions are logged, never propagated. */
  readonly onDecision?: (decision: Decision, context: DecisionContext) => void;
  /**
   * Where warnings and reload errors go; `info` (when given) also gets the revision of every
   * applied reload and every held or discarded build. Default: console.warn / console.error, no info.
   */
  readonly logger?: Logger;
}

/** Options of {@link createPolicyEngine}. */
export interface PolicyEngineOptions {
  /** The evaluation backend (engine-opa, engine-wasm, …). Owned by the policy engine afterwards: `close()` closes it. */
  readonly engine: Engine;
  /** One source or several; later sources are added to earlier ones. */
  readonly policies: PolicySource | readonly PolicySource[];
  /** Extra base data merged at the root of `data`. */
  readonly data?: Record<string, unknown>;
  readonly options?: EvaluationOptions;
}

/** How a module's Rego version was chosen. */
export type RegoVersionSource = 'configured' | 'auto-v1' | 'auto-v0' | 'manifest';

/** One loaded module, as reported by `modules()`. */
export interface LoadedModuleInfo {
  readonly id: string;
  readonly packageName: string;
  readonly regoVersion: RegoVersion;
  readonly regoVersionSource: RegoVersionSource;
}

/** Outcome of a (re)load. On failure the last good policy set stays active. */
export type ReloadResult = { readonly ok: true; readonly revision: string } | { readonly ok: false; readonly error: PolicyEngineError };

/** What `PolicyEngine.health()` reports. */
export interface PolicyEngineHealth {
  /** `UP` when a decision can be made now; `DOWN` while the engine cannot decide (every decision fails). */
  readonly status: 'UP' | 'DOWN';
  readonly engine: string;
  /** Revision of the active policy set. */
  readonly revision: string;
  readonly detail?: string;
  /** One entry per bundle-service source: whether a bundle is active, its manifest revision, the last error. */
  readonly bundles?: readonly BundleStatus[];
}

/** The facade adapters use: evaluate a package for an input and get a Decision. */
export interface PolicyEngine {
  /** Never rejects: every failure becomes a Decision with `error` (fail-closed unless `failOpen`). */
  evaluate(packageName: string, input: unknown, opts?: { readonly signal?: AbortSignal }): Promise<Decision>;
  /**
   * The same decision as {@link PolicyEngine.evaluate}, returned at once when it was made on the
   * caller's thread (an engine with `evaluateSync`, such as the native one, or a package no policy
   * declares), else a promise of it. For hot paths that stay synchronous when they can (the gate's
   * middleware): no promise, timer or abort controller is made for a decision taken at once.
   * Never throws or rejects for an engine's fault: failures become a Decision with `error`.
   */
  decide(packageName: string, input: unknown, opts?: { readonly signal?: AbortSignal }): Decision | Promise<Decision>;
  /**
   * True when every decision is made on the caller's thread (the engine implements
   * `evaluateSync`, as the native one does): {@link PolicyEngine.decide} then never returns a
   * promise, so a caller needs no abort controller or timer around it.
   */
  readonly synchronous: boolean;
  /**
   * The one rule for "may the active set decide this package" (adapters skip a package when it
   * is false): a module declares exactly this package, or a module of a parent package has a rule
   * whose head path (ref heads included) reaches it or lies under it. Read from the parsed rules.
   */
  hasPolicy(packageName: string): boolean;
  /** Sorted package names of the active policy set. */
  packages(): readonly string[];
  /** Modules of the active policy set. */
  modules(): readonly LoadedModuleInfo[];
  /** Re-reads every source and loads the result; keeps the last good set on failure. */
  reload(): Promise<ReloadResult>;
  /** Called after every reload attempt (manual or from a watcher). Returns an unsubscribe function. */
  onReload(listener: (result: ReloadResult) => void): () => void;
  /** Whether the engine can decide now (for `/health`); asks the engine's `readiness()` when it has one. */
  health(): Promise<PolicyEngineHealth>;
  /** Name of the engine (`opa`, `wasm`, …). */
  readonly engineName: string;
  /** Stops watchers and closes the engine. */
  close(): Promise<void>;
}
