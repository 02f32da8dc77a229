/**
 * The engine contract: the small interface every evaluation backend implements
 * (a real OPA server, OPA-compiled wasm, the native interpreter, or a user's own).
 * The evaluator core hands it a whole policy set at once and asks it for the value of
 * a package's document; everything Spinnaker-specific stays in the core.
 */

import type { Module } from '@policy-engine/rego-parser';

/** Rego syntax version of one module. */
export type RegoVersion = 'v0' | 'v1';

/** One Rego module, as loaded from a file, a ConfigMap or a bundle. */
export interface PolicyModule {
  /** Stable id: the file path (or `configmap:<name>/<key>`, `bundle:<path>#<file>`); used in error locations. */
  readonly id: string;
  /** The Rego source text. */
  readonly source: string;
  /** Syntax version to parse it with (already resolved when the source said `auto`). */
  readonly regoVersion: RegoVersion;
  /** Dotted package name declared by the module (without the `data.` prefix). */
  readonly packageName: string;
  /**
   * The module parsed by `@policy-engine/rego-parser` with `regoVersion` (the evaluator parses
   * each module once, when it builds the set; engines compile from it instead of parsing
   * again). Sets built by `loadPolicySources` / `createPolicyEngine`, and modules built with
   * `policyModule()`, always carry it. Optional so that a hand-built `{ id, source,
   * regoVersion, packageName }` stays a valid module: engines then get the AST through
   * `moduleAst(module)` (`@policy-engine/evaluator/engine-kit`), which parses such a module
   * once and remembers the result. When present it must be the parse of `source`.
   */
  readonly ast?: Module;
}

/** A base data document mounted at a path under `data`. */
export interface DataDocument {
  /** Where the document came from (file path, bundle entry, …). */
  readonly id: string;
  /** Path segments under `data` (empty = merged at the root). */
  readonly path: readonly string[];
  readonly value: unknown;
}

/** Everything an engine evaluates: modules plus data, replaced as a whole on every (re)load. */
export interface PolicySet {
  readonly modules: readonly PolicyModule[];
  readonly data: readonly DataDocument[];
  /** Content hash of modules + data; equal sets have equal revisions. */
  readonly revision: string;
  /**
   * Manifest revision of each bundle-service bundle in the set, by bundle name (the source's
   * `name`), e.g. `{ gate: 'rev-2' }`; absent when no bundle-service source delivered one. An engine
   * whose servers pull the same bundle themselves (engine-opa `pulledBundle`) waits for this
   * revision instead of receiving the modules. Not part of `revision` (a content hash).
   */
  readonly bundleRevisions?: Readonly<Record<string, string>>;
}

/** The value of `data.<package path>` for one input. */
export type EngineResult = { readonly defined: false } | { readonly defined: true; readonly value: unknown };

/** Options for one evaluation. */
export interface EngineEvaluateOptions {
  /**
   * Aborted when the caller gives up (cancellation, or the facade's timeout). Engines must stop
   * promptly; the abort reason is a `PolicyEngineError` when the facade aborts.
   */
  readonly signal?: AbortSignal;
  /**
   * When the evaluation must have stopped: a monotonic time in milliseconds on the
   * `performance.now()` clock of this process (not a wall-clock `Date.now()`). The facade
   * (`createPolicyEngine`) sets it on every evaluation from its one timeout (`timeoutMs`,
   * Armory's `opa.timeoutSeconds`); there is no per-engine evaluation timeout. Every engine
   * honours it: a synchronous in-process engine polls it, an asynchronous one derives its
   * request or worker timeout from it (`remainingMs` in `@policy-engine/evaluator/engine-kit`).
   * Past it, the engine fails with `EvaluationTimeout` (`EVALUATION_TIMEOUT`). Absent: no time
   * bound other than `signal`.
   */
  readonly deadline?: number;
}

/** Whether an engine can decide right now (see `Engine.readiness`). */
export interface EngineReadiness {
  /** True when an evaluation would reach a backend holding the current policy set. */
  readonly ready: boolean;
  /** Why not (or what is up), for health endpoints and logs. */
  readonly detail?: string;
}

/**
 * An evaluation backend. Implementations must be safe to call concurrently and must only
 * ever throw the typed errors of this package (see `errors.ts`).
 */
export interface Engine {
  /** Short name reported in every Decision (`opa`, `wasm`, `native`, …). */
  readonly name: string;
  /**
   * Replaces the loaded policy set. Atomic: evaluations running while it loads see either
   * the old set or the new one, never a mix. On failure (e.g. PolicyCompileError) the old
   * set stays active.
   */
  load(policies: PolicySet, options?: EngineEvaluateOptions): Promise<void>;
  /**
   * Evaluates `data.<packageName>` (dots become path segments) with `input`.
   * `{ defined: false }` when no loaded policy defines that document.
   */
  evaluate(packageName: string, input: unknown, options?: EngineEvaluateOptions): Promise<EngineResult>;
  /**
   * Optional: the same evaluation answered on the caller's thread, for an engine that never
   * waits (the native interpreter). It must decide exactly as `evaluate` does and throw the
   * typed errors `evaluate` would reject with; it honours `options.deadline` by polling it and
   * `options.signal` at least before it starts (nothing can abort a synchronous call midway).
   * The facade uses it when present: no timer, abort controller or promise per decision.
   */
  evaluateSync?(packageName: string, input: unknown, options?: EngineEvaluateOptions): EngineResult;
  /**
   * Optional: whether the engine can decide now (e.g. an OPA server is reachable and holds the
   * current set). It may repair on the way (re-push a set to a server that came back). Engines
   * without it are ready while open.
   */
  readiness?(): Promise<EngineReadiness>;
  /**
   * Optional: false when the engine's answers for one loaded set and one input may change on
   * their own (an OPA that pulls its own bundles) or depend on built-ins the facade cannot see
   * (user-defined built-ins): the facade's decision cache then stays off. Default true.
   */
  readonly decisionsCacheable?: boolean;
  /** Releases processes, sockets and memory. The engine is unusable afterwards. */
  close(): Promise<void>;
}
