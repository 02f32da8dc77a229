import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigurationError,
  EngineUnavailable,
  EvaluationCancelled,
  EvaluationError,
  InvalidInput,
  UnsupportedFeature,
  type Engine,
  type EngineEvaluateOptions,
  type EngineResult,
  type PolicyModule,
  type PolicySet,
} from '@policy-engine/evaluator';
import { deadlineExceeded, deadlinePassed, mergedData, moduleAst } from '@policy-engine/evaluator/engine-kit';
import { refText, walkCalls } from '@policy-engine/rego-parser';
import { checkModules, compileWasm, type BuildInfo } from './build.js';
import { assemble, entrypointName, planDocuments, queryFor, type DocumentPlan, type DocumentQuery } from './document.js';
import { lookup } from './data.js';
import { WorkerPool } from './pool.js';
import { workerScript } from './worker-script.js';

/** The error of a load whose signal was aborted: the reason when it is one of ours, else a cancellation. */
function cancelledLoad(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof EvaluationCancelled ? reason : new EvaluationCancelled('policy load cancelled by the caller');
}

/** Options of {@link wasmEngine}. */
export interface WasmEngineOptions {
  /** The `opa` binary used for `opa build -t wasm` (default `$OPA_BIN`, else `opa` on PATH). */
  readonly opaPath?: string;
  /** Where compiled wasm is cached by content hash (default `<os tmp>/policy-engine-wasm-cache`). */
  readonly cacheDir?: string;
  /** Time bound of one `opa build`, ms (default 120 000). */
  readonly buildTimeoutMs?: number;
  /** Worker threads evaluating in parallel (default min(2, CPUs)). */
  readonly workers?: number;
  /**
   * Evaluations that may wait for a busy worker (default 1024); one more fails at once with
   * `EngineOverloaded` (`ENGINE_OVERLOADED`) instead of queueing.
   */
  readonly maxQueue?: number;
  /**
   * Extra workers (default: as many as `workers`) started while evaluations wait and every
   * worker has been running its evaluation for longer than `slowAfterMs`, so a few slow
   * policies cannot hold up fast ones; each spare retires when it finds the queue empty.
   */
  readonly spareWorkers?: number;
  /** How long an evaluation runs before its worker counts as stuck for `spareWorkers` (default 100 ms). */
  readonly slowAfterMs?: number;
  /** Upper bound of each worker's wasm memory in 64 KiB pages (default 16 384 = 1 GiB). */
  readonly maxMemoryPages?: number;
  /** Called after every real `opa build` (cache hits do not call it). */
  readonly onBuild?: (info: BuildInfo) => void;
}

/** The wasm engine: the Engine contract plus build statistics. */
export interface WasmEngine extends Engine {
  /** How many times this engine ran `opa build` (cache hits excluded). */
  readonly builds: number;
}

interface Loaded {
  readonly pool: WorkerPool | undefined;
  /** The entrypoints compiled and the documents around them. */
  readonly plan: DocumentPlan;
  readonly data: Record<string, unknown>;
  /** How each path asked for is answered, worked out once per set (see {@link prepared}). */
  readonly queries: Map<string, PreparedQuery>;
}

/** A path asked for, classified against the loaded plan once. */
interface PreparedQuery {
  readonly segments: readonly string[];
  readonly query: DocumentQuery;
  /** The entrypoints to evaluate: `a/b` names. */
  readonly wanted: readonly (readonly string[])[];
  readonly names: readonly string[];
}

/** Paths whose classification a loaded set keeps (more are classified on every call). */
const MAX_PREPARED = 4096;

/** How `data.<packageName>` is answered under `loaded`, from its cache when seen before. */
function prepared(loaded: Loaded, packageName: string): PreparedQuery {
  const known = loaded.queries.get(packageName);
  if (known) return known;
  const segments = packageName.split('.').filter((s) => s !== '');
  const query = queryFor(loaded.plan, segments);
  const wanted = query.kind === 'inside' ? [query.entrypoint] : query.kind === 'container' ? query.entrypoints : [];
  const prep: PreparedQuery = { segments, query, wanted, names: wanted.map(entrypointName) };
  if (loaded.queries.size < MAX_PREPARED) loaded.queries.set(packageName, prep);
  return prep;
}

const EMPTY: Loaded = { pool: undefined, plan: { entrypoints: [], containers: new Set() }, data: {}, queries: new Map() };

/** `[]` ⇒ undefined, `[{result}]` ⇒ the value. */
function fromResultSet(resultSet: unknown[] | undefined): { found: boolean; value?: unknown } {
  const first = resultSet?.[0] as { result?: unknown } | undefined;
  return first && 'result' in first ? { found: true, value: first.result } : { found: false };
}

/** True when the parsed module calls the built-in `name` (`http.send(…)`, `time.now_ns()`). */
function calls(module: PolicyModule, name: string): boolean {
  const ast = moduleAst(module);
  if (ast === undefined) return false;
  let found = false;
  walkCalls(ast, (call) => {
    if (refText(call.operator.value) === name) found = true;
    return found;
  });
  return found;
}

/** Names each missing built-in with the modules whose parsed rules call it. */
function unsupported(missing: readonly string[], modules: readonly PolicyModule[]): UnsupportedFeature {
  const lines = missing.map((name) => {
    const users = modules.filter((m) => calls(m, name)).map((m) => m.id);
    return `${name} (used by ${users.length > 0 ? users.join(', ') : 'an unknown module'})`;
  });
  return new UnsupportedFeature(
    `the wasm engine cannot run built-in${missing.length > 1 ? 's' : ''} that neither the compiled module nor @policy-engine/rego-eval implements: ${lines.join('; ')}`,
  );
}

/**
 * Creates an engine that compiles the policy set with the real `opa build -t wasm` and
 * evaluates it in-process in worker threads (so that a runaway evaluation can be stopped), the
 * built-ins the module leaves to the host served by `@policy-engine/rego-eval`'s registry.
 */
export function wasmEngine(options: WasmEngineOptions = {}): WasmEngine {
  const opaPath = options.opaPath ?? process.env['OPA_BIN'] ?? 'opa';
  const cacheDir = options.cacheDir ?? join(tmpdir(), 'policy-engine-wasm-cache');
  const workers = options.workers ?? Math.max(1, Math.min(2, availableParallelism()));
  const maxMemoryPages = options.maxMemoryPages ?? 16_384;
  const maxQueue = options.maxQueue ?? 1024;
  const spareWorkers = options.spareWorkers ?? workers;
  const slowAfterMs = options.slowAfterMs ?? 100;
  if (!Number.isInteger(spareWorkers) || spareWorkers < 0)
    throw new ConfigurationError(`wasmEngine spareWorkers must be a whole number of at least 0, got ${spareWorkers}`);
  if (!(slowAfterMs >= 0)) throw new ConfigurationError(`wasmEngine slowAfterMs must be at least 0, got ${slowAfterMs}`);
  if (!Number.isInteger(workers) || workers < 1)
    throw new ConfigurationError(`wasmEngine workers must be a whole number of at least 1, got ${workers}`);
  if (!Number.isInteger(maxQueue) || maxQueue < 0)
    throw new ConfigurationError(`wasmEngine maxQueue must be a whole number of at least 0, got ${maxQueue}`);
  let current: Loaded = EMPTY;
  let closed = false;
  let builds = 0;
  let loading: Promise<void> = Promise.resolve();

  const doLoad = async (set: PolicySet, signal: AbortSignal | undefined): Promise<void> => {
    if (signal?.aborted) throw cancelledLoad(signal);
    const plan = planDocuments(set.modules);
    const data = mergedData(set);
    const buildOptions = {
      opaPath,
      cacheDir,
      timeoutMs: options.buildTimeoutMs ?? 120_000,
      onBuild: (info: BuildInfo) => {
        builds++;
        options.onBuild?.(info);
      },
    };
    let pool: WorkerPool | undefined;
    if (plan.entrypoints.length === 0) {
      // Nothing to compile (package-only or function-only modules): OPA must still accept them.
      if (set.modules.length > 0) await checkModules(set.modules, buildOptions);
    } else {
      const entrypoints = plan.entrypoints.map(entrypointName);
      const compiled = await compileWasm(set.modules, entrypoints, buildOptions);
      const started = await WorkerPool.start({
        script: await workerScript(cacheDir),
        wasm: compiled.wasm,
        data,
        size: workers,
        maxMemoryPages,
        maxQueue,
        spareWorkers,
        slowAfterMs,
      });
      if (started.ready.missing.length > 0) {
        await started.pool.close();
        throw unsupported(started.ready.missing, set.modules);
      }
      const absent = entrypoints.filter((e) => !(e in started.ready.entrypoints));
      if (absent.length > 0) {
        await started.pool.close();
        throw new EvaluationError(`the compiled policy lacks the entrypoints ${absent.join(', ')}`);
      }
      pool = started.pool;
    }
    if (closed) {
      await pool?.close();
      throw new EngineUnavailable('the wasm engine is closed');
    }
    if (signal?.aborted) {
      // The caller gave up on this set while it compiled (a newer one replaces it): keep the old one.
      await pool?.close();
      throw cancelledLoad(signal);
    }
    const old = current;
    current = { pool, plan, data, queries: new Map() };
    // Evaluations already on the old pool finish there (they see the old set); then it goes.
    if (old.pool) void old.pool.idle().then(() => old.pool?.close());
  };

  return {
    name: 'wasm',
    get builds() {
      return builds;
    },

    load(policies: PolicySet, loadOptions?: EngineEvaluateOptions): Promise<void> {
      if (closed) return Promise.reject(new EngineUnavailable('the wasm engine is closed'));
      const next = loading.then(() => doLoad(policies, loadOptions?.signal));
      loading = next.catch(() => undefined);
      return next;
    },

    async evaluate(packageName: string, input: unknown, evalOptions?: EngineEvaluateOptions): Promise<EngineResult> {
      if (closed) throw new EngineUnavailable('the wasm engine is closed');
      const startedAt = performance.now();
      const deadline = evalOptions?.deadline;
      if (deadline !== undefined && deadlinePassed(deadline, startedAt)) throw deadlineExceeded(deadline, startedAt);
      const loaded = current;
      // JSON text, as OPA would receive it (also what the worker writes into wasm memory).
      let inputJson: string | undefined;
      try {
        inputJson = input === undefined ? undefined : JSON.stringify(input);
      } catch (err) {
        throw new InvalidInput(packageName, [`input is not JSON-serialisable: ${(err as Error).message}`]);
      }
      const { segments, query, wanted, names } = prepared(loaded, packageName);
      if (query.kind === 'data') {
        const fromData = lookup(loaded.data, segments);
        return fromData.found ? { defined: true, value: fromData.value } : { defined: false };
      }
      let resultSets: unknown[][] = [];
      if (wanted.length > 0) {
        if (!loaded.pool) throw new EngineUnavailable('the wasm engine has no compiled policy for its entrypoints');
        resultSets = await loaded.pool.evaluate(names, inputJson, { ...(evalOptions ?? {}), startedAt });
      }
      if (query.kind === 'inside') {
        const value = fromResultSet(resultSets[0]);
        const inner = value.found ? lookup(value.value, query.rest) : value;
        return inner.found ? { defined: true, value: inner.value } : { defined: false };
      }
      const values = wanted.map((entrypoint, i) => ({ entrypoint, result: fromResultSet(resultSets[i]) }));
      return { defined: true, value: assemble(segments, query.containers, loaded.data, values) };
    },

    async close(): Promise<void> {
      closed = true;
      await loading;
      await current.pool?.close();
      current = EMPTY;
    },
  };
}
