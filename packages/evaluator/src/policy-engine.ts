/**
 * createPolicyEngine: the facade adapters use. Loads sources into an engine, keeps the
 * package index of the active set, applies Armory's decision conventions, timeouts,
 * fail-open/closed, input validation, hot reload and the decision hook.
 */
import { randomUUID } from 'node:crypto';
import type { Decision, DecisionError } from './decision.js';
import { DEFAULT_ALLOW_PACKAGES, SAVE_TIME_PACKAGES, interpretDocument, type Verdict } from './conventions.js';
import type { EngineResult, PolicySet } from './engine.js';
import {
  ConfigurationError,
  EngineUnavailable,
  EvaluationCancelled,
  EvaluationError,
  EvaluationTimeout,
  InvalidInput,
  PolicyEngineError,
} from './errors.js';
import { loadSources, sourceList, type BundleResolver, type LoadedPolicies } from './load.js';
import { combineMetricsObservers, decisionMetric, type PolicyMetricsObserver } from './metrics.js';
import { BundleServiceClient } from './sources/bundle-service.js';
import type {
  PolicySource,
  DecisionContext,
  EvaluationOptions,
  LoadedModuleInfo,
  Logger,
  PolicyEngine,
  PolicyEngineHealth,
  PolicyEngineOptions,
  ReloadResult,
} from './options.js';
import { DecisionCache, nondeterministicBuiltins } from './decision-cache.js';
import { DEFAULT_MAX_INPUT_DEPTH, checkJsonValue, deepFreeze } from './input-guard.js';
import { packageIndex, type PackageIndex } from './package-index.js';
import { checkInput } from './validate.js';
import { WATCH_DEBOUNCE_MS, watchDirectory, type DirectoryWatcher } from './watch.js';

/** Default evaluation timeout: Armory's `opa.timeoutSeconds` default of 10 s. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Default `reloadSettleMs`: a reload that would drop a loaded package waits until the sources
 * have had no file event for this long (a file moved away and back is not a removal).
 */
export const DEFAULT_RELOAD_SETTLE_MS = 1000;

const shortRevision = (revision: string): string => revision.slice(0, 12);
const plural = (names: readonly string[]): string => `${names.length === 1 ? 'package' : 'packages'} ${names.join(', ')}`;
const describeSet = (active: ActiveState): string =>
  `${active.modules.length} ${active.modules.length === 1 ? 'module' : 'modules'}, ${active.index.packages.length === 0 ? 'no packages' : plural(active.index.packages)}`;

/** The default logger: warnings and errors to the console, no info. */
export const quietConsoleLogger: Logger = {
  warn: (message) => console.warn(`[policy-engine] ${message}`),
  error: (message) => console.error(`[policy-engine] ${message}`),
};

/** The active policy set as the facade sees it; replaced as a whole on reload. */
interface ActiveState {
  readonly revision: string;
  /** Which packages the set may decide (the one rule every adapter uses, through hasPolicy). */
  readonly index: PackageIndex;
  readonly modules: readonly LoadedModuleInfo[];
  /** The set the engine holds: loaded again when the engine turns out to have lost it. */
  readonly policySet: PolicySet;
}

/** One decision under way: what the facade's helpers need to finish it. */
interface Pending {
  readonly packageName: string;
  readonly input: unknown;
  readonly signal: AbortSignal | undefined;
  /** `performance.now()` at the start. */
  readonly startedAt: number;
  /** When the whole decision must be done (`performance.now()` clock). */
  readonly deadline: number;
  /** `Date.now()` at the start, only when there is an onDecision hook (else 0). */
  readonly startedAtMs: number;
  readonly active: ActiveState;
  readonly bundles: Readonly<Record<string, { readonly revision: string }>> | undefined;
  /** The package of the active set that declares the document, if any. */
  readonly holder: string | undefined;
  /** The engine's document, once it answered. */
  document: { readonly value: unknown } | undefined;
  /** The decision cache's key, when the answer is to be kept (see `EvaluationOptions.decisionCache`). */
  cacheKey: string | undefined;
  /** The answer came from the decision cache. */
  cached: boolean;
}

function asPolicyEngineError(error: unknown): PolicyEngineError {
  if (error instanceof PolicyEngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EvaluationError(`engine failed: ${message}`, undefined, { cause: error });
}

/** What is wrong with the evaluation settings (they may come from untyped config files), if anything. */
function checkSettings(timeoutMs: unknown, onMissingPolicy: unknown, validateInput: unknown, failOpen: unknown): string | undefined {
  // A string "false" from a config file would otherwise be truthy: fail-open by accident.
  if (typeof failOpen !== 'boolean') return `failOpen must be true or false, got ${JSON.stringify(failOpen)}`;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return `timeoutMs must be a positive number, got ${JSON.stringify(timeoutMs)}`;
  }
  if (onMissingPolicy !== 'allow' && onMissingPolicy !== 'deny') {
    return `onMissingPolicy must be 'allow' or 'deny', got ${JSON.stringify(onMissingPolicy)}`;
  }
  if (validateInput !== 'off' && validateInput !== 'warn' && validateInput !== 'reject') {
    return `validateInput must be 'off', 'warn' or 'reject', got ${JSON.stringify(validateInput)}`;
  }
  return undefined;
}

/** What is wrong with a `decisionCache` option, if anything. */
function decisionCacheProblem(c: EvaluationOptions['decisionCache']): string | undefined {
  if (c === undefined) return undefined;
  if (!Array.isArray(c.packages) || !c.packages.every((p) => typeof p === 'string'))
    return `decisionCache.packages must be a list of package names, got ${JSON.stringify(c.packages)}`;
  const num = (name: string, v: unknown, min: number, integer: boolean): string | undefined =>
    v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= min && (!integer || Number.isInteger(v)))
      ? undefined
      : `decisionCache.${name} must be ${integer ? 'an integer' : 'a number'} of at least ${min}, got ${JSON.stringify(v)}`;
  return num('ttlMs', c.ttlMs, 0, false) ?? num('maxEntries', c.maxEntries, 1, true) ?? num('maxInputBytes', c.maxInputBytes, 0, true);
}

/** What `runEngine` races an engine's answer with to see whether it is there already. */
const NOT_SETTLED_MARK: unique symbol = Symbol('not settled');
const NOT_SETTLED: Promise<typeof NOT_SETTLED_MARK> = Promise.resolve(NOT_SETTLED_MARK);

/**
 * Loads the policy sources into `options.engine` and returns the facade. The engine belongs
 * to the facade from then on: `close()` closes it, and so does a failed initial load.
 * @throws PolicySourceError / PolicyCompileError / engine errors (always a PolicyEngineError)
 *   when the initial load fails.
 */
export async function createPolicyEngine(options: PolicyEngineOptions): Promise<PolicyEngine> {
  const { engine } = options;
  const settings = options.options ?? {};
  const logger = settings.logger ?? quietConsoleLogger;
  const metrics = combineMetricsObservers(
    settings.metrics === undefined ? [] : Array.isArray(settings.metrics) ? settings.metrics : [settings.metrics as PolicyMetricsObserver],
    (error) => logger.error(`metrics observer failed: ${error instanceof Error ? error.message : String(error)}`),
  );
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const allowPackages = settings.allowPackages ?? DEFAULT_ALLOW_PACKAGES;
  const failOpen = settings.failOpen ?? false;
  const onMissingPolicy = settings.onMissingPolicy ?? 'allow';
  const validateMode = settings.validateInput ?? 'off';
  const maxInputDepth = settings.maxInputDepth ?? DEFAULT_MAX_INPUT_DEPTH;
  const reloadSettleMs: unknown = settings.reloadSettleMs ?? DEFAULT_RELOAD_SETTLE_MS;
  const configProblem =
    checkSettings(timeoutMs, onMissingPolicy, validateMode, failOpen) ??
    (Number.isInteger(maxInputDepth) && maxInputDepth > 0
      ? undefined
      : `maxInputDepth must be a positive integer, got ${JSON.stringify(maxInputDepth)}`) ??
    (typeof reloadSettleMs === 'number' && Number.isFinite(reloadSettleMs) && reloadSettleMs >= 0
      ? undefined
      : `reloadSettleMs must be a number of milliseconds of at least 0, got ${JSON.stringify(reloadSettleMs)}`) ??
    decisionCacheProblem(settings.decisionCache);
  if (configProblem !== undefined) {
    await engine.close().catch(() => undefined); // handed over: do not leak it
    throw new ConfigurationError(configProblem);
  }
  const settleMs = reloadSettleMs as number;

  const listeners = new Set<(result: ReloadResult) => void>();
  const watchers: DirectoryWatcher[] = [];
  let closed = false;

  let warnedEmpty = false;
  const activate = (loaded: LoadedPolicies, index: PackageIndex): ActiveState => {
    if (index.packages.length === 0 && !warnedEmpty) {
      // Legal (Armory: no policy ⇒ allowed), but usually a wrong path or an empty mount: say so once.
      logger.warn('the policy sources hold no Rego module: every package is decided by the no-policy rule');
    }
    warnedEmpty = index.packages.length === 0;
    return { revision: loaded.policySet.revision, index, modules: loaded.modules, policySet: loaded.policySet };
  };

  // Bundle-service sources: one polling client each; their content is what the client holds.
  const clients = new Map<PolicySource, BundleServiceClient>();
  try {
    for (const source of sourceList(options.policies)) {
      if (source.kind === 'bundle-service')
        clients.set(source, new BundleServiceClient(source, logger, (event) => metrics.bundle?.(event)));
    }
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw asPolicyEngineError(error);
  }
  const resolveBundle: BundleResolver = (source) => {
    const client = clients.get(source);
    return Promise.resolve(client === undefined ? { modules: [], data: [] } : client.content());
  };
  const loadAll = (): Promise<LoadedPolicies> => loadSources(options.policies, options.data, resolveBundle);
  const settleClients = async (result: ReloadResult): Promise<void> => {
    for (const client of clients.values()) await client.settle(result);
  };

  let state: ActiveState;
  try {
    await Promise.all([...clients.values()].map((client) => client.prepare()));
    let loaded: LoadedPolicies;
    try {
      loaded = await loadAll();
      await engine.load(loaded.policySet);
    } catch (error) {
      if (clients.size === 0) throw error;
      // A downloaded bundle that does not load is refused; start without it (not ready) rather than not at all.
      await settleClients({ ok: false, error: asPolicyEngineError(error) });
      loaded = await loadAll();
      await engine.load(loaded.policySet);
    }
    state = activate(loaded, packageIndex(loaded.policySet.modules));
    await settleClients({ ok: true, revision: state.revision });
  } catch (error) {
    // The engine was handed over: do not leak its processes or workers when the first load fails.
    await engine.close().catch(() => undefined);
    throw asPolicyEngineError(error);
  }
  logger.info?.(`policy set revision ${shortRevision(state.revision)} loaded into the ${engine.name} engine (${describeSet(state)})`);
  /** The set the engine holds; differs from `state` only after a discarded build whose load had completed. */
  let engineRevision = state.revision;

  /*
   * Reload integrity (issue 9, hole 3). Every file event of a watched source bumps `generation`
   * at once (before the debounce). A build records the generation it started at; if a newer
   * event arrived before the build finished, the build is discarded (its engine load aborted,
   * the index never swapped) and the sources are read again once they are quiet: the latest
   * state is always the one applied. A build that would drop a package of the active set waits
   * until no file event has arrived for `reloadSettleMs`, then reads the sources again.
   */
  let generation = 0;
  let lastEventAt = Number.NEGATIVE_INFINITY;
  let loadController: AbortController | undefined;
  const wakeOnClose = new Set<() => void>();
  const onFileEvent = (): void => {
    generation++;
    lastEventAt = performance.now();
    loadController?.abort(new EvaluationCancelled('policy load overtaken by newer file events'));
  };
  /** Resolves once no file event has arrived for `ms`, or at once when the facade closes. */
  const quietFor = async (ms: number): Promise<void> => {
    for (;;) {
      const left = lastEventAt + ms - performance.now();
      if (left <= 0 || closed) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          wakeOnClose.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        wakeOnClose.add(done);
      });
    }
  };

  /** One reload, retried until a build is not overtaken by file events. */
  const runReload = async (onlyIfChanged: boolean): Promise<ReloadResult> => {
    for (;;) {
      if (closed) throw new EngineUnavailable('policy engine is closed');
      const startedAt = generation;
      const overtaken = (): boolean => generation !== startedAt;
      const discard = async (revision: string, when: string): Promise<void> => {
        logger.info?.(
          `policy build of revision ${shortRevision(revision)} discarded ${when}: newer file events arrived; reading the sources again`,
        );
        await quietFor(WATCH_DEBOUNCE_MS);
      };
      const loaded = await loadAll();
      const revision = loaded.policySet.revision;
      if (overtaken()) {
        await discard(revision, 'before loading');
        continue;
      }
      if (onlyIfChanged && revision === state.revision && engineRevision === state.revision) return { ok: true, revision };
      const index = packageIndex(loaded.policySet.modules);
      const removed = state.index.packages.filter((name) => !index.packages.includes(name));
      if (removed.length > 0 && performance.now() - lastEventAt < settleMs) {
        logger.info?.(
          `policy reload to revision ${shortRevision(revision)} would remove ${plural(removed)}: held until the sources have been stable for ${settleMs} ms`,
        );
        await quietFor(settleMs);
        continue; // stable now (or closed): read the sources again
      }
      const controller = new AbortController();
      loadController = controller;
      try {
        await engine.load(loaded.policySet, { signal: controller.signal });
      } catch (error) {
        // A load that fails (aborted included) leaves the engine's set as it was.
        if (!overtaken() || closed) throw error;
        await discard(revision, 'while loading');
        continue;
      } finally {
        if (loadController === controller) loadController = undefined;
      }
      engineRevision = revision;
      if (overtaken()) {
        // The engine took the stale set before it saw the abort: the next pass loads the latest.
        await discard(revision, 'after loading');
        continue;
      }
      state = activate(loaded, index);
      if (removed.length > 0) {
        logger.warn(
          `policy reload removed ${plural(removed)} (the sources were stable for ${settleMs} ms); revision ${shortRevision(revision)} is active`,
        );
      }
      logger.info?.(`policy set revision ${shortRevision(revision)} applied to the ${engine.name} engine (${describeSet(state)})`);
      return { ok: true, revision };
    }
  };

  // Reloads run one at a time; the index is swapped only after the engine accepted the set.
  let queue: Promise<unknown> = Promise.resolve();
  const reload = (onlyIfChanged = false): Promise<ReloadResult> => {
    const run = async (): Promise<ReloadResult> => {
      let result: ReloadResult;
      try {
        result = await runReload(onlyIfChanged);
      } catch (error) {
        const typed = asPolicyEngineError(error);
        if (!closed) logger.error(`policy reload failed, keeping revision ${shortRevision(state.revision)}: ${typed.message}`);
        result = { ok: false, error: typed };
      }
      metrics.reload?.(
        result.ok ? { ok: true, revision: result.revision } : { ok: false, revision: state.revision, errorCode: result.error.code },
      );
      for (const listener of listeners) {
        try {
          listener(result);
        } catch (error) {
          logger.error(`onReload listener failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return result;
    };
    const next = queue.then(run, run);
    queue = next;
    return next;
  };

  /**
   * The engine answered undefined for a document the active set defines: it lost the policies
   * (an OPA restarted empty, modules deleted behind our back). Load the active set into it
   * again, once at a time, queued with the reloads so it never overtakes a newer set.
   */
  let repairing: Promise<void> | undefined;
  let lastRepairAt = Number.NEGATIVE_INFINITY;
  const repair = (active: ActiveState): void => {
    // At most one repair at a time and one a second: an engine that keeps failing is not reloaded in a loop.
    if (repairing !== undefined || closed || performance.now() - lastRepairAt < 1000) return;
    lastRepairAt = performance.now();
    const run = async (): Promise<void> => {
      if (closed || state.revision !== active.revision) return; // a newer set was loaded meanwhile
      try {
        await engine.load(active.policySet);
        engineRevision = active.revision;
        logger.warn(`policy set ${active.revision.slice(0, 12)} loaded into the ${engine.name} engine again after it lost it`);
      } catch (error) {
        logger.error(
          `loading policy set ${active.revision.slice(0, 12)} into the ${engine.name} engine again failed: ${asPolicyEngineError(error).message}`,
        );
      }
    };
    const next = queue.then(run, run);
    queue = next;
    repairing = next.finally(() => (repairing = undefined));
  };

  for (const source of sourceList(options.policies)) {
    if (source.kind === 'directory' && source.watch === true) {
      watchers.push(
        // File events that leave the policy set unchanged (editor temp files, touch) do not reload the engine.
        watchDirectory(source.path, {
          onEvent: onFileEvent,
          onChange: () => void reload(true),
          onError: (error) => logger.error(`watching ${source.path} failed: ${error.message}`),
        }),
      );
    }
  }

  for (const client of clients.values()) client.start(() => reload());

  const bundleRevisions = (): Readonly<Record<string, { readonly revision: string }>> | undefined => {
    if (clients.size === 0) return undefined;
    const out: Record<string, { revision: string }> = {};
    for (const client of clients.values()) {
      const revision = client.revision();
      if (revision !== undefined) out[client.name] = { revision };
    }
    return out;
  };

  const missingPolicy = (packageName: string): Verdict =>
    onMissingPolicy === 'deny' && SAVE_TIME_PACKAGES.includes(packageName)
      ? {
          allowed: false,
          denies: [`no policy is loaded for package ${packageName}; save-time validation is configured to deny (onMissingPolicy: 'deny')`],
          message: null,
        }
      : { allowed: true, denies: [], message: null };

  /** One timeout code on every engine, whatever wording the engine chose. */
  const retypeTimeout = (error: unknown): unknown =>
    error instanceof EvaluationTimeout ? new EvaluationTimeout(timeoutMs, error.message) : error;

  const evaluateSync = engine.evaluateSync?.bind(engine);
  const guardOptions = { maxDepth: maxInputDepth };
  const cache =
    settings.decisionCache !== undefined && (settings.decisionCache.ttlMs ?? 1) > 0 && engine.decisionsCacheable !== false
      ? new DecisionCache<Verdict>(settings.decisionCache)
      : undefined;
  /** Whether a set's decisions may be cached: it names no non-deterministic built-in (found once per set). */
  const cacheableSets = new WeakMap<ActiveState, boolean>();
  const cacheable = (active: ActiveState): boolean => {
    let ok = cacheableSets.get(active);
    if (ok === undefined) {
      const names = nondeterministicBuiltins(active.policySet.modules);
      ok = names.length === 0;
      if (!ok) logger.info?.(`decision cache off for revision ${shortRevision(active.revision)}: the policies use ${names.join(', ')}`);
      cacheableSets.set(active, ok);
      // A new set is active: the answers of the old one are never asked for again.
      cache?.clear();
    }
    return ok;
  };

  /**
   * The engine's answer: at once from an engine that answers on the caller's thread
   * (`evaluateSync`: no controller, timer or promise; it polls the deadline and sees the caller's
   * signal itself), else a promise from {@link runEngineAsync}. Throws / rejects with the error.
   */
  const runEngine = (
    packageName: string,
    input: unknown,
    signal: AbortSignal | undefined,
    deadline: number,
  ): EngineResult | Promise<EngineResult> => {
    if (signal?.aborted) throw new EvaluationCancelled('evaluation cancelled by the caller');
    if (evaluateSync === undefined) return runEngineAsync(packageName, input, signal, deadline);
    try {
      return evaluateSync(packageName, input, signal !== undefined ? { signal, deadline } : { deadline });
    } catch (error) {
      throw retypeTimeout(error);
    }
  };

  const runEngineAsync = async (
    packageName: string,
    input: unknown,
    signal: AbortSignal | undefined,
    deadline: number,
  ): Promise<EngineResult> => {
    const controller = new AbortController();
    try {
      const running = engine.evaluate(packageName, input, { signal: controller.signal, deadline });
      running.catch(() => undefined);
      // An engine that answered on the caller's thread (the native one) has settled already: no
      // timer or abort can overtake an answer that is there, so none is armed. `Promise.race`
      // settles with the first settled member in order, so `running` wins when it is done.
      const first = await Promise.race([running, NOT_SETTLED]);
      if (first !== NOT_SETTLED_MARK) return first;
      // The engine gets the deadline (it polls it or derives its own timeouts); this timer is the
      // facade's backstop for an engine that does not stop by itself.
      const timer = setTimeout(() => controller.abort(new EvaluationTimeout(timeoutMs)), Math.max(0, deadline - performance.now()));
      const onCallerAbort = (): void => controller.abort(new EvaluationCancelled('evaluation cancelled by the caller'));
      signal?.addEventListener('abort', onCallerAbort, { once: true });
      if (signal?.aborted) onCallerAbort();
      const aborted = new Promise<never>((_, reject) => {
        const fail = (): void => reject(asPolicyEngineError(controller.signal.reason));
        if (controller.signal.aborted) fail();
        else controller.signal.addEventListener('abort', fail, { once: true });
      });
      aborted.catch(() => undefined);
      try {
        return await Promise.race([running, aborted]);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onCallerAbort);
      }
    } catch (error) {
      throw retypeTimeout(error);
    }
  };

  /*
   * One decision is a `Pending` record handed to the helpers below, which are made once per
   * facade: no closure is made per decision (the hot path of the native engine is all synchronous).
   */
  const finish = (d: Pending, verdict: Verdict, policyFound: boolean, error?: PolicyEngineError): Decision => {
    const decisionError: DecisionError | undefined = error ? { code: error.code, message: error.message } : undefined;
    const decision: Decision = {
      package: d.packageName,
      allowed: verdict.allowed,
      denies: verdict.denies,
      message: verdict.message,
      policyFound,
      engine: engine.name,
      durationMs: performance.now() - d.startedAt,
      ...(decisionError ? { error: decisionError } : {}),
    };
    metrics.decision?.(decisionMetric(decision));
    if (settings.onDecision) {
      const context: DecisionContext = {
        id: randomUUID(),
        time: new Date(d.startedAtMs).toISOString(),
        input: d.input,
        revision: d.active.revision,
        ...(d.cached ? { cached: true } : {}),
        ...(d.document !== undefined ? { result: d.document.value } : {}),
        ...(d.bundles !== undefined ? { bundles: d.bundles } : {}),
      };
      try {
        settings.onDecision(decision, context);
      } catch (hookError) {
        logger.error(`onDecision hook failed: ${hookError instanceof Error ? hookError.message : String(hookError)}`);
      }
    }
    return decision;
  };
  const failure = (d: Pending, error: PolicyEngineError): Decision => {
    const engineFault = !(error instanceof EvaluationCancelled) && !(error instanceof InvalidInput);
    // An engine that failed may be down: no answer is reused until it answers again.
    if (engineFault) cache?.clear();
    const open = failOpen && engineFault;
    return finish(d, { allowed: open, denies: [], message: null }, d.holder !== undefined, error);
  };
  const failed = (d: Pending, error: unknown): Decision => failure(d, asPolicyEngineError(error));

  /** The engine lost the policies (undefined for a package the active set declares). */
  const lost = (d: Pending): Decision => {
    const fault = new EngineUnavailable(
      `the ${engine.name} engine has no document for data.${d.packageName} although the loaded policy set (revision ${d.active.revision.slice(0, 12)}) declares package ${d.holder}: the engine lost the policies; loading them again`,
    );
    logger.error(fault.message);
    repair(d.active);
    return failure(d, fault);
  };

  /**
   * `next(d, result)` with the engine's answer: at once when the engine answered on this thread,
   * else when its promise settles (a rejection makes the failed decision). Only the async path
   * makes the two callbacks.
   */
  const whenAnswered = (
    d: Pending,
    result: EngineResult | Promise<EngineResult>,
    next: (d: Pending, result: EngineResult) => Decision | Promise<Decision>,
  ): Decision | Promise<Decision> =>
    result instanceof Promise
      ? result.then(
          (r) => next(d, r),
          (error: unknown) => failed(d, error),
        )
      : next(d, result);

  /** The decision from the engine's answer for the parent package that declares `d.packageName`. */
  const parentAnswered = (d: Pending, result: EngineResult): Decision => {
    try {
      return result.defined ? finish(d, missingPolicy(d.packageName), false) : lost(d);
    } catch (error) {
      return failed(d, error);
    }
  };

  /** The decision from the engine's answer for the package. */
  const answered = (d: Pending, result: EngineResult): Decision | Promise<Decision> => {
    try {
      if (result.defined) {
        d.document = { value: result.value };
        const verdict = interpretDocument(d.packageName, result.value, allowPackages);
        if (verdict === undefined) {
          return failure(
            d,
            new EvaluationError(`data.${d.packageName} is not an object (got ${JSON.stringify(result.value) ?? 'undefined'})`),
          );
        }
        if (d.cacheKey !== undefined && cache !== undefined) {
          // Kept frozen: every later decision that reuses the answer shares these objects.
          Object.freeze(verdict.denies);
          cache.set(d.cacheKey, d.active.revision, d.startedAt, { verdict, document: deepFreeze(result.value) });
        }
        return finish(d, verdict, true);
      }
      // A declared package is always defined (at least `{}`); a path a parent's rule defines may
      // legally be undefined, but only while the parent package itself is there.
      if (d.holder === d.packageName) return lost(d);
      return whenAnswered(d, runEngine(d.holder as string, d.input, d.signal, d.deadline), parentAnswered);
    } catch (error) {
      return failed(d, error);
    }
  };

  /**
   * One decision: a Decision at once when the engine answered on this thread (`evaluateSync`),
   * else a promise of it. Never throws for an engine's fault (the catch blocks make decisions).
   */
  const decide = (packageName: string, input: unknown, opts?: { readonly signal?: AbortSignal }): Decision | Promise<Decision> => {
    const startedAt = performance.now();
    const active = state; // read once: the whole decision uses one policy set
    const d: Pending = {
      packageName,
      input,
      signal: opts?.signal,
      startedAt,
      // One deadline for the whole decision (a parent-package check included), on the monotonic clock.
      deadline: startedAt + timeoutMs,
      // The decision's id and time are only for the onDecision hook: made when it is there.
      startedAtMs: settings.onDecision ? Date.now() : 0,
      active,
      bundles: bundleRevisions(),
      // A module of this package, or of a parent package whose rule heads define it
      // (`package spinnaker.deployment` + `tasks.before.deployManifest.deny contains …`): ask the engine.
      holder: active.index.declaringPackage(packageName),
      document: undefined,
      cacheKey: undefined,
      cached: false,
    };
    try {
      if (closed) return failure(d, new EngineUnavailable('policy engine is closed'));
      if (d.signal?.aborted) return failure(d, new EvaluationCancelled('evaluation cancelled by the caller'));
      // No module of the package or of a parent ⇒ the no-policy rule decides without the engine;
      // inputs are validated only when a policy will see them.
      if (d.holder === undefined) return finish(d, missingPolicy(packageName), false);
      // Too deep or not valid Unicode: the caller's fault on every engine, always checked.
      const shape = checkJsonValue(input, guardOptions);
      if (shape !== undefined) return failure(d, new InvalidInput(packageName, [shape.message]));
      if (validateMode !== 'off') {
        const validation = checkInput(packageName, input);
        if (!validation.ok) {
          const invalid = new InvalidInput(packageName, validation.problems);
          if (validateMode === 'reject') return failure(d, invalid);
          logger.warn(invalid.message);
        }
      }
      if (cache !== undefined && cacheable(active)) {
        const key = cache.keyOf(packageName, input);
        if (key !== undefined) {
          const hit = cache.get(key, active.revision, startedAt);
          if (hit !== undefined) {
            d.document = { value: hit.document };
            d.cached = true;
            return finish(d, hit.verdict, true);
          }
          d.cacheKey = key;
        }
      }
      return whenAnswered(d, runEngine(packageName, input, d.signal, d.deadline), answered);
    } catch (error) {
      return failed(d, error);
    }
  };

  const evaluate = (packageName: string, input: unknown, opts?: { readonly signal?: AbortSignal }): Promise<Decision> => {
    try {
      const decision = decide(packageName, input, opts);
      return decision instanceof Promise ? decision : Promise.resolve(decision);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  return {
    evaluate,
    decide,
    synchronous: evaluateSync !== undefined,
    hasPolicy: (packageName) => state.index.decides(packageName),
    packages: () => state.index.packages,
    health: async (): Promise<PolicyEngineHealth> => {
      const bundles = [...clients.values()].map((client) => client.status());
      const base = { engine: engine.name, revision: state.revision, ...(bundles.length > 0 ? { bundles } : {}) };
      if (closed) return { ...base, status: 'DOWN', detail: 'policy engine is closed' };
      // OPA's readiness: not ready until every configured bundle has been activated once.
      const waiting = bundles.filter((b) => !b.active);
      if (waiting.length > 0) {
        const why = waiting
          .map((b) => `bundle ${b.name} not activated yet${b.lastError !== undefined ? ` (${b.lastError})` : ''}`)
          .join('; ');
        return { ...base, status: 'DOWN', detail: why };
      }
      if (engine.readiness === undefined) return { ...base, status: 'UP' };
      // Bounded like a decision: an engine that cannot say within the timeout cannot decide either.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new EvaluationTimeout(timeoutMs, `the ${engine.name} engine did not report its readiness within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        const readiness = await Promise.race([engine.readiness(), late]);
        return {
          ...base,
          status: readiness.ready ? 'UP' : 'DOWN',
          ...(readiness.detail !== undefined ? { detail: readiness.detail } : {}),
        };
      } catch (error) {
        return { ...base, status: 'DOWN', detail: asPolicyEngineError(error).message };
      } finally {
        clearTimeout(timer);
      }
    },
    modules: () => state.modules,
    reload: () => reload(),
    onReload: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    engineName: engine.name,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const watcher of watchers) watcher.close();
      await Promise.all([...clients.values()].map((client) => client.close()));
      for (const wake of [...wakeOnClose]) wake();
      await queue.catch(() => undefined);
      await engine.close();
    },
  };
}
