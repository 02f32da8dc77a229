import {
  ConfigurationError,
  EngineUnavailable,
  EvaluationCancelled,
  EvaluationError,
  EvaluationTimeout,
  InvalidInput,
  PolicyCompileError,
  type Engine,
  type EngineEvaluateOptions,
  type EngineReadiness,
  type EngineResult,
  type Logger,
  type PolicySet,
} from '@policy-engine/evaluator';
import { deadlineExceeded, remainingMs } from '@policy-engine/evaluator/engine-kit';
import { rejectUnauthorized } from './auth.js';
import { activeRevision, prepareBundle, waitActive, type PreparedBundle } from './bundle-load.js';
import type { BundleStatusReport, OpaBundleServer } from './bundle-server.js';
import { desiredState, type DesiredState } from './desired.js';
import { ConnectionFailed, request } from './http.js';
import { ReadWriteLock } from './lock.js';
import { opaProblems, rewriteIds } from './opa-errors.js';
import { listOwnedModules, syncServer, type PushedState } from './sync.js';
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
  /** Per-request timeout while loading policies, ms (default 30 000). */
  readonly loadTimeoutMs?: number;
  /** Extra headers on every request, e.g. `{ authorization: 'Bearer …' }` for `--authentication=token`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A server marked down is probed with `GET /health` again after this many ms (default 2 000). */
  readonly healthCheckIntervalMs?: number;
  /**
   * Managed mode: every this many ms (default 0 = never; e.g. 5 000) each server is checked in the
   * background — down ones probed, and the policy ids and texts it reports (`GET /v1/policies`)
   * compared with what was pushed — and the set is pushed again where they differ. Off by default:
   * engines with different sets sharing one OPA would keep replacing each other's modules.
   */
  readonly integrityCheckIntervalMs?: number;
  /** Where re-pushes and integrity problems are logged (default: console.warn / console.error). */
  readonly logger?: Logger;
  /**
   * Managed mode: load each set as one bundle that the servers pull from this endpoint (see
   * `opaBundleServer`; start each OPA with its `opaArgs()`), instead of pushing module by module
   * with the Policy API. OPA then compiles a set once, where the Policy API recompiles everything
   * loaded on each PUT (quadratic in the module count). A set is active entirely or not at all:
   * OPA activates a bundle in one transaction and keeps the previous one when it does not compile.
   */
  readonly bundleServer?: OpaBundleServer;
  /**
   * Pull mode: the servers pull the policies themselves, as the bundle `name` of OPA's bundle plugin
   * (`bundles.<name>` in their config), from the same bundle service as the evaluator's bundle-service
   * source of that name. Implies `manageServer: false` (nothing is pushed). `load(set)` waits, within
   * `loadTimeoutMs`, until every reachable server reports the set's `bundleRevisions[name]` as its
   * active revision (`GET /v1/data/system/bundles/<name>/manifest/revision`), so that the evaluator's
   * view (packages found, `bundles` in decision logs) and OPA's policies are one revision; it fails
   * with EngineUnavailable when a server does not get there (the facade then keeps the previous set).
   * `readiness()` is false while a reachable server has another revision active (or none has it). The two poll
   * independently, so OPA may activate a newer revision before the evaluator has it (or one the
   * evaluator refused): decisions still go to OPA, the policy authority in this mode, and readiness
   * (the gate's `/health`) reports the mismatch until the evaluator has loaded the same revision.
   */
  readonly pulledBundle?: { readonly name: string };
}

/** Health of one configured OPA server, as last seen. */
export interface OpaServerHealth {
  readonly url: string;
  readonly up: boolean;
  /** Revision of the set last pushed to it (managed mode), if it holds the current one; pull mode: the bundle's manifest revision it had active when last checked. */
  readonly revision?: string;
}

/** The OPA engine: the Engine contract plus a health probe. */
export interface OpaEngine extends Engine {
  /** Probes every server with `GET /health` now and returns their state. */
  health(): Promise<readonly OpaServerHealth[]>;
  /**
   * Whether a decision can be made now: some server answers and (managed mode) holds exactly the
   * pushed policies. On the way it pushes the set again to servers that came back or lost it.
   */
  readiness(): Promise<EngineReadiness>;
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

/**
 * Creates an engine that evaluates on real OPA servers over the REST API:
 * `POST /v1/data/<package path>` with `{"input": …}`. An evaluation's HTTP request is bounded
 * by `EngineEvaluateOptions.deadline` (what is left of it when the request starts; OPA stops
 * evaluating when the request goes away) and fails with `EvaluationTimeout` past it.
 */
export function opaEngine(options: OpaEngineOptions): OpaEngine {
  const urls = [...(options.urls ?? []), ...(options.baseUrl ? [options.baseUrl] : [])];
  if (urls.length === 0) throw new ConfigurationError('opaEngine needs baseUrl or urls');
  const loadTimeoutMs = options.loadTimeoutMs ?? 30_000;
  if (!(loadTimeoutMs > 0)) throw new ConfigurationError('opaEngine loadTimeoutMs must be positive');
  const pulled = options.pulledBundle;
  if (pulled !== undefined) {
    if (typeof pulled.name !== 'string' || pulled.name === '')
      throw new ConfigurationError('opaEngine pulledBundle.name must be a bundle name');
    if (options.manageServer === true)
      throw new ConfigurationError('opaEngine pulledBundle: the servers pull the policies; manageServer cannot be true');
    if (options.bundleServer !== undefined) throw new ConfigurationError('opaEngine pulledBundle and bundleServer exclude each other');
  }
  const manage = pulled === undefined && (options.manageServer ?? true);
  const headers = { accept: 'application/json', ...(options.headers ?? {}) };
  const interval = options.healthCheckIntervalMs ?? 2000;
  const servers: Server[] = [...new Set(urls.map(normaliseBaseUrl))].map((url) => ({
    url,
    up: true,
    checkedAt: 0,
    pushed: { modules: new Map(), dataKeys: new Set() },
  }));
  const lock = new ReadWriteLock();
  const bundle = options.bundleServer;
  /** Bundle mode: the bundle of `current`, as published. */
  let published: PreparedBundle | undefined;
  let current: DesiredState | undefined;
  /** Pull mode: the manifest revision of the pulled bundle in the loaded set (undefined: the set has none). */
  let pulledRevision: string | undefined;
  let closed = false;
  const logger: Logger = options.logger ?? {
    warn: (m) => console.warn(`[engine-opa] ${m}`),
    error: (m) => console.error(`[engine-opa] ${m}`),
  };
  const integrityInterval = options.integrityCheckIntervalMs ?? 0;
  if (!(integrityInterval >= 0)) throw new ConfigurationError('opaEngine integrityCheckIntervalMs must be 0 or positive');

  const markDown = (s: Server, err: unknown): void => {
    s.up = false;
    s.checkedAt = Date.now();
    s.revision = undefined;
    s.lastError = err instanceof Error ? err.message : String(err);
  };

  const probe = async (s: Server): Promise<boolean> => {
    s.checkedAt = Date.now();
    try {
      const res = await request(`${s.url}/health`, { method: 'GET', headers, timeoutMs: 2000 });
      s.up = res.status === 200;
      if (!s.up) s.lastError = `GET /health answered ${res.status}`;
    } catch (err) {
      markDown(s, err);
    }
    return s.up;
  };

  const sync = async (s: Server, set: DesiredState, previous: DesiredState | undefined, signal?: AbortSignal): Promise<void> => {
    if (bundle) {
      // The server pulls the published bundle by itself (after a restart too): wait until it is active.
      if (published && set === current) {
        const down = await waitActive(bundle, [s.url], published.etag, set, headers, loadTimeoutMs, signal);
        const first = down[0];
        if (first) throw first.error;
      }
      s.revision = set.revision;
      return;
    }
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

  /**
   * Compares the policies a server reports with the set pushed to it; a description of the
   * difference, or undefined when it holds exactly that set. An OPA restarted empty on the same
   * port, or modules deleted or replaced by someone else, show up here.
   */
  const verify = async (s: Server, set: DesiredState): Promise<string | undefined> => {
    if (bundle) {
      const etag = published?.etag;
      const active = await activeRevision(s.url, bundle.bundleName, headers, 5000);
      if (etag === undefined || active === etag) return undefined;
      return `OPA ${s.url} does not have the policy bundle active (revision ${etag.slice(0, 12)}; it has ${active === undefined ? 'none' : active.slice(0, 12)})`;
    }
    const held = await listOwnedModules({ baseUrl: s.url, headers, timeoutMs: 5000 });
    const missing = [...set.modules.keys()].filter((id) => !held.has(id));
    const changed = [...set.modules].filter(([id, src]) => held.has(id) && held.get(id) !== src).map(([id]) => id);
    const extra = [...held.keys()].filter((id) => !set.modules.has(id));
    if (missing.length + changed.length + extra.length === 0) return undefined;
    const name = (id: string): string => set.files.get(id) ?? id;
    const parts = [
      missing.length > 0 ? `missing ${missing.map(name).join(', ')}` : '',
      changed.length > 0 ? `changed ${changed.map(name).join(', ')}` : '',
      extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
    ].filter((p) => p !== '');
    return `OPA ${s.url} does not hold the policies pushed to it (revision ${set.revision.slice(0, 12)}): ${parts.join('; ')}`;
  };

  /** Pushes the current set to `s` again (shared by concurrent callers). */
  const resync = async (s: Server): Promise<void> => {
    const set = current;
    if (!set || closed) return;
    s.syncing ??= sync(s, set, undefined)
      .then(() => logger.warn(`pushed policy set ${set.revision.slice(0, 12)} to OPA ${s.url} again`))
      .finally(() => (s.syncing = undefined));
    await s.syncing;
  };

  /** Whether `s` can decide now; pushes the set again when it came back or lost it. Never throws. */
  const checkServer = async (s: Server): Promise<boolean> => {
    if (!s.up && Date.now() - s.checkedAt < Math.min(interval, 500)) return false;
    if (!(await probe(s))) return false;
    if (pulled !== undefined) return checkPulled(s, pulled.name);
    if (!manage || !current) return true;
    try {
      if (s.revision === current.revision) {
        const problem = await verify(s, current);
        if (problem === undefined) return true;
        logger.error(`${problem}; pushing the set again`);
        s.revision = undefined;
      }
      await resync(s);
      return s.revision === current?.revision;
    } catch (err) {
      if (err instanceof ConnectionFailed) markDown(s, err);
      else s.lastError = err instanceof Error ? err.message : String(err);
      return false;
    }
  };

  /** Pull mode: whether `s` has the loaded set's bundle revision active. Never throws. */
  const checkPulled = async (s: Server, name: string): Promise<boolean> => {
    let active: string | undefined;
    try {
      active = await activeRevision(s.url, name, headers, 5000);
    } catch (err) {
      if (err instanceof ConnectionFailed) markDown(s, err);
      else s.lastError = err instanceof Error ? err.message : String(err);
      return false;
    }
    s.revision = active;
    if (active === pulledRevision) return true;
    s.lastError = `bundle ${name} revision ${quote(active)} is active on OPA ${s.url}, the evaluator has ${quote(pulledRevision)}`;
    return false;
  };

  /**
   * Pull mode: waits until every reachable server has revision `want` of the bundle active.
   * @throws EngineUnavailable when one does not within `loadTimeoutMs` or none is reachable; EvaluationCancelled on abort.
   */
  const waitPulled = async (name: string, want: string, signal?: AbortSignal): Promise<void> => {
    const deadline = performance.now() + loadTimeoutMs;
    const pending = new Map(servers.map((s) => [s, undefined as string | undefined]));
    const down: string[] = [];
    let delay = 10;
    for (;;) {
      if (signal?.aborted) throw new EvaluationCancelled('policy load cancelled by the caller');
      for (const s of [...pending.keys()]) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        try {
          const active = await activeRevision(s.url, name, headers, Math.min(left, 5000));
          s.up = true;
          s.revision = active;
          if (active === want) pending.delete(s);
          else pending.set(s, active);
        } catch (err) {
          if (err instanceof EvaluationTimeout) continue; // slow to answer: still pending, bounded by the deadline
          if (!(err instanceof ConnectionFailed)) throw err;
          markDown(s, err);
          pending.delete(s);
          down.push(err.message);
        }
      }
      if (pending.size === 0) break;
      if (performance.now() >= deadline) {
        const ms = Math.round(loadTimeoutMs);
        const has = [...pending].map(([s, active]) => `${s.url} has ${quote(active)}`).join(', ');
        throw new EngineUnavailable(
          `OPA did not activate revision ${quote(want)} of bundle ${name} within ${ms} ms (${has}): check that it pulls the same bundle service and that its log shows no activation error`,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 100);
    }
    if (down.length === servers.length) throw new EngineUnavailable(`no OPA server reachable to load policies: ${down.join('; ')}`);
  };

  const readiness = async (): Promise<EngineReadiness> => {
    if (closed) return { ready: false, detail: 'the OPA engine is closed' };
    const ready = await lock.read(() => Promise.all(servers.map(checkServer)));
    const up = servers.filter((_, i) => ready[i]).map((s) => s.url);
    // Pull mode: one reachable server on another revision is enough to be not ready (it would answer some decisions).
    const mismatched = pulled !== undefined && servers.some((s, i) => !ready[i] && s.up);
    if (up.length > 0 && !mismatched) {
      const what = pulled
        ? `has bundle ${pulled.name} revision ${quote(pulledRevision)} active`
        : manage
          ? 'holds the policy set'
          : 'answers';
      return { ready: true, detail: `OPA ${up.join(', ')} ${what}` };
    }
    return {
      ready: false,
      detail: `no OPA server can decide: ${servers
        .map((s, i) => `${s.url} (${ready[i] ? `has revision ${quote(pulledRevision)}` : (s.lastError ?? 'not synced')})`)
        .join('; ')}`,
    };
  };

  let timer: NodeJS.Timeout | undefined;
  let checking = false;
  const startIntegrityChecks = (): void => {
    if (timer || !manage || integrityInterval === 0 || closed) return;
    timer = setInterval(() => {
      if (checking || closed) return;
      checking = true;
      void readiness()
        .catch(() => undefined)
        .finally(() => (checking = false));
    }, integrityInterval);
    timer.unref();
  };

  /**
   * Bundle mode: publishes `next` as the bundle and waits until every reachable server has it
   * active. When it does not activate (a compile error reported by OPA's status plugin, a timeout,
   * a cancel), the previous bundle is published again (OPA still has it active) and the error thrown.
   */
  const loadBundle = async (server: OpaBundleServer, next: DesiredState, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) throw new EvaluationCancelled('policy load cancelled by the caller');
    const prepared = prepareBundle(next);
    const before = published;
    let failure: BundleStatusReport | undefined;
    const off = server.onStatus((r) => {
      if (r.error !== undefined && r.activeRevision !== prepared.etag) failure ??= r;
    });
    try {
      server.publish(prepared.bytes, prepared.etag);
      const down = await waitActive(
        server,
        servers.map((s) => s.url),
        prepared.etag,
        next,
        headers,
        loadTimeoutMs,
        signal,
        () => failure,
      );
      for (const d of down) {
        const s = servers.find((x) => x.url === d.url);
        if (s) markDown(s, d.error);
      }
      if (down.length === servers.length)
        throw new EngineUnavailable(`no OPA server reachable to load policies: ${down.map((d) => d.error.message).join('; ')}`);
    } catch (err) {
      if (before) server.publish(before.bytes, before.etag);
      throw err;
    } finally {
      off();
    }
    published = prepared;
    current = next;
    for (const s of servers) if (s.up) s.revision = next.revision;
  };

  const ensureOpen = (): void => {
    if (closed) throw new EngineUnavailable('the OPA engine is closed');
  };

  return {
    name: 'opa',
    // Servers that pull their own bundle may change their answers without a new set from the facade.
    decisionsCacheable: pulled === undefined,

    async load(policies: PolicySet, loadOptions?: EngineEvaluateOptions): Promise<void> {
      ensureOpen();
      const next = desiredState(policies);
      if (pulled !== undefined) {
        // Nothing to push: wait until the servers have pulled the revision the evaluator has.
        const want = policies.bundleRevisions?.[pulled.name];
        if (want !== undefined) await waitPulled(pulled.name, want, loadOptions?.signal);
        current = next;
        pulledRevision = want;
        return;
      }
      if (!manage) {
        current = next;
        return;
      }
      if (bundle) {
        await lock.write(() => loadBundle(bundle, next, loadOptions?.signal));
        startIntegrityChecks();
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
      startIntegrityChecks();
    },

    async evaluate(packageName: string, input: unknown, evalOptions?: EngineEvaluateOptions): Promise<EngineResult> {
      ensureOpen();
      const startedAt = performance.now();
      const deadline = evalOptions?.deadline;
      const timeLeft = (): number => {
        const left = remainingMs(deadline);
        if (left <= 0 && deadline !== undefined)
          throw deadlineExceeded(
            deadline,
            startedAt,
            `OPA did not answer data.${packageName} within ${Math.round(deadline - startedAt)} ms`,
          );
        return left;
      };
      timeLeft();
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
              timeoutMs: timeLeft(),
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
          const result = toResult(res.status, res.body, current);
          if (!result.defined && manage && current && covers(current, packageName)) {
            // Undefined for a package of the pushed set: did the server lose (some of) it?
            const set = current;
            let problem: string | undefined;
            try {
              problem = await verify(s, set);
            } catch (err) {
              if (!(err instanceof ConnectionFailed)) throw err;
              markDown(s, err);
              tried.push(err.message);
              continue;
            }
            if (problem !== undefined) {
              logger.error(`${problem}; pushing the set again`);
              s.revision = undefined; // the next evaluation re-syncs first, and so does the background push
              void lock
                .read(() => resync(s))
                .catch((err: unknown) =>
                  logger.error(`pushing the set to OPA ${s.url} again failed: ${err instanceof Error ? err.message : String(err)}`),
                );
              throw new EngineUnavailable(`${problem}: data.${packageName} cannot be decided until the set is pushed again`);
            }
          }
          return result;
        }
        const down = servers.filter((s) => !s.up).map((s) => `${s.url} (${s.lastError ?? 'down'})`);
        throw new EngineUnavailable(`no OPA server reachable: ${(tried.length > 0 ? tried : down).join('; ')}`);
      });
    },

    readiness,

    async health(): Promise<readonly OpaServerHealth[]> {
      await Promise.all(servers.map(probe));
      return servers.map((s) => ({ url: s.url, up: s.up, ...(s.revision ? { revision: s.revision } : {}) }));
    },

    close(): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      return Promise.resolve();
    },
  };
}

/** A revision for messages: quoted, or `none`. */
function quote(revision: string | undefined): string {
  return revision === undefined ? 'none' : JSON.stringify(revision);
}

/** True when the set declares `packageName` or a package above it (whose rules may define it). */
function covers(set: DesiredState, packageName: string): boolean {
  for (const pkg of set.packages) if (pkg === packageName || packageName.startsWith(`${pkg}.`)) return true;
  return false;
}

function toResult(status: number, body: unknown, current: DesiredState | undefined): EngineResult {
  const files = current?.files ?? new Map<string, string>();
  if (status === 200 && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    return 'result' in body ? { defined: true, value: body.result } : { defined: false };
  }
  const problems = opaProblems(body, (id) => files.get(id) ?? id);
  const first = problems.find((p) => p.location) ?? problems[0];
  const message = rewriteIds(first?.message ?? `OPA answered HTTP ${status}`, files);
  throw new EvaluationError(`OPA answered HTTP ${status}: ${message}`, first?.location);
}
