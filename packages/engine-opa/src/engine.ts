import {
  ConfigurationError,
  EngineUnavailable,
  EvaluationError,
  InvalidInput,
  PolicyCompileError,
  type Engine,
  type EngineEvaluateOptions,
  type EngineResult,
  type PolicySet,
} from '@policy-engine/evaluator';
import { rejectUnauthorized } from './auth.js';
import { desiredState, type DesiredState } from './desired.js';
import { ConnectionFailed, request } from './http.js';
import { ReadWriteLock } from './lock.js';
import { opaProblems, rewriteIds } from './opa-errors.js';
import { syncServer, type PushedState } from './sync.js';
import { normaliseBaseUrl, packagePath } from './urls.js';

/** Options of {@link opaEngine}. */
export interface OpaEngineOptions {
  /** One OPA address (`http://opa:8181`, `…/v1` or `…/v1/data` all work). Armory: `armory.policyEngine.opa.baseUrl`. */
  readonly baseUrl?: string;
  /** Several OPA replicas, tried in order: when one is unreachable the next takes over. */
  readonly urls?: readonly string[];
  /**
   * True (default): `load()` pushes modules (Policy API) and data (Data API) to every
   * server and removes what it pushed before that is gone. False: the servers already hold
   * the policies (bundles, sidecar); `load()` only remembers the set.
   */
  readonly manageServer?: boolean;
  /** Per-request timeout for evaluations, ms (default 10 000, Armory's `opa.timeoutSeconds` × 1000). */
  readonly timeoutMs?: number;
  /** Per-request timeout while loading policies, ms (default 30 000). */
  readonly loadTimeoutMs?: number;
  /** Extra headers on every request, e.g. `{ authorization: 'Bearer …' }` for `--authentication=token`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A server marked down is probed with `GET /health` again after this many ms (default 2 000). */
  readonly healthCheckIntervalMs?: number;
}

/** Health of one configured OPA server, as last seen. */
export interface OpaServerHealth {
  readonly url: string;
  readonly up: boolean;
  /** Revision of the set last pushed to it (managed mode), if it holds the current one. */
  readonly revision?: string;
}

/** The OPA engine: the Engine contract plus a health probe. */
export interface OpaEngine extends Engine {
  /** Probes every server with `GET /health` now and returns their state. */
  health(): Promise<readonly OpaServerHealth[]>;
}

interface Server {
  readonly url: string;
  up: boolean;
  checkedAt: number;
  lastError?: string;
  /** Revision of the set this server holds (managed mode); undefined = must be synced. */
  revision?: string;
  /** A re-sync in progress after the server came back (shared by concurrent evaluations). */
  syncing?: Promise<void>;
  readonly pushed: PushedState;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Creates an engine that evaluates on real OPA servers over the REST API:
 * `POST /v1/data/<package path>` with `{"input": …}`.
 */
export function opaEngine(options: OpaEngineOptions): OpaEngine {
  const urls = [...(options.urls ?? []), ...(options.baseUrl ? [options.baseUrl] : [])];
  if (urls.length === 0) throw new ConfigurationError('opaEngine needs baseUrl or urls');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const loadTimeoutMs = options.loadTimeoutMs ?? 30_000;
  if (!(timeoutMs > 0) || !(loadTimeoutMs > 0)) throw new ConfigurationError('opaEngine timeouts must be positive');
  const manage = options.manageServer ?? true;
  const headers = { accept: 'application/json', ...(options.headers ?? {}) };
  const interval = options.healthCheckIntervalMs ?? 2000;
  const servers: Server[] = [...new Set(urls.map(normaliseBaseUrl))].map((url) => ({
    url,
    up: true,
    checkedAt: 0,
    pushed: { modules: new Map(), dataKeys: new Set() },
  }));
  const lock = new ReadWriteLock();
  let current: DesiredState | undefined;
  let closed = false;

  const markDown = (s: Server, err: unknown): void => {
    s.up = false;
    s.checkedAt = Date.now();
    s.revision = undefined;
    s.lastError = err instanceof Error ? err.message : String(err);
  };

  const probe = async (s: Server): Promise<boolean> => {
    s.checkedAt = Date.now();
    try {
      const res = await request(`${s.url}/health`, { method: 'GET', headers, timeoutMs: Math.min(timeoutMs, 2000) });
      s.up = res.status === 200;
      if (!s.up) s.lastError = `GET /health answered ${res.status}`;
    } catch (err) {
      markDown(s, err);
    }
    return s.up;
  };

  const sync = async (s: Server, set: DesiredState, previous: DesiredState | undefined, signal?: AbortSignal): Promise<void> => {
    await syncServer({ baseUrl: s.url, headers, timeoutMs: loadTimeoutMs, ...(signal ? { signal } : {}) }, s.pushed, set, previous);
    s.revision = set.revision;
  };

  /** Servers to try, in order: up ones, then down ones due for a health probe (re-synced if managed). */
  async function* candidates(): AsyncGenerator<Server> {
    for (const s of servers) if (s.up && (!manage || !current || s.revision === current.revision)) yield s;
    for (const s of servers) {
      const stale = s.up && manage && current && s.revision !== current.revision;
      if (!stale && (s.up || Date.now() - s.checkedAt < interval)) continue;
      if (!(await probe(s))) continue;
      if (manage && current) {
        try {
          const set = current;
          s.syncing ??= sync(s, set, undefined).finally(() => (s.syncing = undefined));
          await s.syncing;
        } catch (err) {
          markDown(s, err);
          continue;
        }
      }
      yield s;
    }
  }

  const ensureOpen = (): void => {
    if (closed) throw new EngineUnavailable('the OPA engine is closed');
  };

  return {
    name: 'opa',

    async load(policies: PolicySet, loadOptions?: EngineEvaluateOptions): Promise<void> {
      ensureOpen();
      const next = desiredState(policies);
      if (!manage) {
        current = next;
        return;
      }
      await lock.write(async () => {
        const done: Server[] = [];
        const failures: string[] = [];
        for (const s of servers) {
          try {
            await sync(s, next, current, loadOptions?.signal);
            s.up = true;
            done.push(s);
          } catch (err) {
            if (err instanceof ConnectionFailed) {
              markDown(s, err);
              failures.push(err.message);
              continue;
            }
            // A compile error was already rolled back on this server; a timeout, an abort or an
            // auth error may have left it half-pushed. Put every touched server back to the old set.
            const touched = err instanceof PolicyCompileError ? done : [...done, s];
            const previous = current ?? desiredState({ modules: [], data: [], revision: '' });
            for (const d of touched) {
              try {
                await sync(d, previous, next);
              } catch {
                d.revision = undefined;
              }
            }
            throw err;
          }
        }
        if (done.length === 0) throw new EngineUnavailable(`no OPA server reachable to load policies: ${failures.join('; ')}`);
        current = next;
      });
    },

    async evaluate(packageName: string, input: unknown, evalOptions?: EngineEvaluateOptions): Promise<EngineResult> {
      ensureOpen();
      return lock.read(async () => {
        // No input key when there is no input (as opa-wasm without input): `input` is then undefined in Rego.
        let body: string;
        try {
          body = JSON.stringify(input === undefined ? {} : { input });
        } catch (err) {
          throw new InvalidInput(packageName, [`input is not JSON-serialisable: ${(err as Error).message}`]);
        }
        const tried: string[] = [];
        for await (const s of candidates()) {
          const post = () =>
            request(`${s.url}/v1/data/${packagePath(packageName)}`, {
              method: 'POST',
              body,
              headers,
              timeoutMs,
              ...(evalOptions?.signal ? { signal: evalOptions.signal } : {}),
            });
          let res;
          try {
            try {
              res = await post();
            } catch (err) {
              // A kept-alive socket the server dropped fails once; a refused connection is final.
              if (!(err instanceof ConnectionFailed) || err.refused) throw err;
              res = await post();
            }
          } catch (err) {
            if (err instanceof ConnectionFailed) {
              markDown(s, err);
              tried.push(err.message);
              continue;
            }
            throw err;
          }
          rejectUnauthorized(res, `POST ${s.url}/v1/data/${packagePath(packageName)}`);
          return toResult(res.status, res.body, current);
        }
        const down = servers.filter((s) => !s.up).map((s) => `${s.url} (${s.lastError ?? 'down'})`);
        throw new EngineUnavailable(`no OPA server reachable: ${(tried.length > 0 ? tried : down).join('; ')}`);
      });
    },

    async health(): Promise<readonly OpaServerHealth[]> {
      await Promise.all(servers.map(probe));
      return servers.map((s) => ({ url: s.url, up: s.up, ...(s.revision ? { revision: s.revision } : {}) }));
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}

function toResult(status: number, body: unknown, current: DesiredState | undefined): EngineResult {
  const files = current?.files ?? new Map<string, string>();
  if (status === 200 && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    return 'result' in body ? { defined: true, value: (body as { result: unknown }).result } : { defined: false };
  }
  const problems = opaProblems(body, (id) => files.get(id) ?? id);
  const first = problems.find((p) => p.location) ?? problems[0];
  const message = rewriteIds(first?.message ?? `OPA answered HTTP ${status}`, files);
  throw new EvaluationError(`OPA answered HTTP ${status}: ${message}`, first?.location);
}
