import { DEFAULT_POLICY_DIR } from '@policy-engine/gate-server';
import { basic, sleep, startExampleGate } from './gate.js';
import { startLoad } from './load.js';
import type { LoadRecord, LoadRequestKind } from './load-types.js';

/** One entry of OPA's `GET /v1/policies`: the id and OPA's own parsed AST (`package.path` is `data`, then string terms). */
interface OpaPolicy {
  readonly id: string;
  readonly ast?: { readonly package?: { readonly path?: readonly { readonly value?: unknown }[] } };
}

/** Options of {@link runOpaOutage}; the defaults are the full run of `npm run reliability`. */
export interface OpaOutageOptions {
  /** Load duration (ms); default 16,000. */
  readonly durationMs?: number;
  /** Requests per second over all connections; default 300. */
  readonly ratePerSecond?: number;
  /** Keep-alive connections of the load process; default 16. */
  readonly connections?: number;
  /** The gate's `timeoutSeconds`; default 2. */
  readonly timeoutSeconds?: number;
  /** When the managed OPA is killed (SIGKILL), ms after the load started; default 3,000. */
  readonly killAtMs?: number;
  /** Also wipe its policies (`DELETE /v1/policies/<id>`, with the gate's token) this long after OPA answers again; default 4,000 (0 = no wipe). */
  readonly wipeAfterMs?: number;
}

/** How the service came back after one fault. */
export interface OutageEvent {
  readonly fault: 'kill' | 'wipe';
  /** Epoch ms of the fault. */
  readonly at: number;
  /** Epoch ms when OPA answered `GET /health` again (the wipe: when it was done). */
  readonly opaAnsweringAt: number;
  /** Requests in flight between the fault and OPA answering again, or the 500 ms after the fault if that is longer (the fault was really under load). */
  readonly requestsDuringFault: number;
  /** Allowed requests that were not 200 because of this fault. */
  readonly failedAllowed: number;
  /** ms from OPA answering to the end of the first 200 after the last failure (0: none failed). */
  readonly recoveryMs: number;
}

/** Figures of one OPA outage run. */
export interface OpaOutageResult {
  readonly engine: 'opa';
  readonly requests: number;
  readonly achievedRatePerSecond: number;
  /** Requests of kinds the policy denies that were answered 2xx: must be 0. */
  readonly deniedAllowed: number;
  /** Requests that got no HTTP answer (connection error or the client's own timeout): must be 0. */
  readonly noAnswer: number;
  readonly maxLatencyMs: number;
  readonly p99LatencyMs: number;
  /** `timeoutSeconds` × 1000: no request may wait longer (plus a small bound). */
  readonly timeoutMs: number;
  /** Status counts per request kind. */
  readonly statuses: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly events: readonly OutageEvent[];
  /** OPA restarts the gate's supervisor made. */
  readonly opaPids: readonly number[];
}

/** The request kinds of the outage load: what the example policies allow and deny. */
export const OUTAGE_KINDS: readonly (LoadRequestKind & { readonly denied: boolean })[] = [
  {
    name: 'deployer POST /tasks deployManifest (allowed)',
    method: 'POST',
    path: '/tasks',
    headers: { authorization: basic('deployer') },
    body: JSON.stringify({ application: 'demo', job: [{ type: 'deployManifest' }] }),
    denied: false,
  },
  {
    name: 'dev POST /tasks deployManifest (denied)',
    method: 'POST',
    path: '/tasks',
    headers: { authorization: basic('dev') },
    body: JSON.stringify({ application: 'demo', job: [{ type: 'deployManifest' }] }),
    denied: true,
  },
  {
    name: 'dev GET /applications (allowed)',
    method: 'GET',
    path: '/applications',
    headers: { authorization: basic('dev') },
    denied: false,
  },
  {
    name: 'editor POST /tasks deleteApplication (denied)',
    method: 'POST',
    path: '/tasks',
    headers: { authorization: basic('editor') },
    body: JSON.stringify({ application: 'demo', job: [{ type: 'deleteApplication' }] }),
    denied: true,
  },
];

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return Date.now();
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Nearest-rank percentile of `values` (`p` in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function recovery(
  records: readonly LoadRecord[],
  allowedKinds: ReadonlySet<number>,
  from: number,
  to: number,
  answering: number,
): { failed: number; recoveryMs: number } {
  const allowed = records.filter((r) => allowedKinds.has(r.kind) && r.start + r.latencyMs >= from && r.start < to);
  const failed = allowed.filter((r) => r.status !== 200);
  if (failed.length === 0) return { failed: 0, recoveryMs: 0 };
  const lastFailStart = Math.max(...failed.map((r) => r.start));
  const firstOk = allowed.filter((r) => r.status === 200 && r.start >= lastFailStart).map((r) => r.start + r.latencyMs);
  if (firstOk.length === 0) return { failed: failed.length, recoveryMs: Number.POSITIVE_INFINITY };
  return { failed: failed.length, recoveryMs: Math.max(0, Math.min(...firstOk) - answering) };
}

/**
 * OPA outage under load (issue 9): the example gate on `ENGINE=opa` with its managed,
 * token-protected local OPA, and a second process sending allowed and denied requests. During
 * the load the OPA is killed (SIGKILL; the gate's supervisor starts a fresh, empty one on the
 * same port), then its policies are wiped through its REST API with the gate's own token.
 */
export async function runOpaOutage(options: OpaOutageOptions = {}): Promise<OpaOutageResult> {
  const durationMs = options.durationMs ?? 16_000;
  const timeoutSeconds = options.timeoutSeconds ?? 2;
  const killAtMs = options.killAtMs ?? 3000;
  const wipeAfterMs = options.wipeAfterMs ?? 4000;
  const { gate, close } = await startExampleGate({ engine: 'opa', policyDir: DEFAULT_POLICY_DIR, timeoutSeconds, watchPolicies: false });
  try {
    const opa = gate.localOpa;
    if (!opa?.pid) throw new Error('the gate started no local OPA');
    // The gate holds the OpaServer that tools/opa's startOpaServer returned: its headers carry the token.
    const headers: Record<string, string> = { ...((opa as { readonly headers?: Readonly<Record<string, string>> }).headers ?? {}) };
    const load = startLoad({
      url: gate.url,
      kinds: OUTAGE_KINDS,
      durationMs,
      maxRequests: Math.ceil(((options.ratePerSecond ?? 300) * durationMs) / 1000),
      ratePerSecond: options.ratePerSecond ?? 300,
      connections: options.connections ?? 16,
      clientTimeoutMs: timeoutSeconds * 1000 + 5000,
    });
    const loadStarted = Date.now();
    const pids = [opa.pid];
    const events: { fault: 'kill' | 'wipe'; at: number; opaAnsweringAt: number }[] = [];
    await sleep(killAtMs);
    const killedPid = opa.pid;
    process.kill(killedPid, 'SIGKILL');
    const killedAt = Date.now();
    const health = async () => (await fetch(`${opa.url}/health`, { headers, signal: AbortSignal.timeout(500) })).status === 200;
    await waitUntil(async () => opa.pid !== killedPid && (await health()), 15_000, 'the restarted OPA');
    events.push({ fault: 'kill', at: killedAt, opaAnsweringAt: Date.now() });
    pids.push(opa.pid);
    if (wipeAfterMs > 0 && Date.now() - loadStarted + wipeAfterMs < durationMs - 2000) {
      await sleep(wipeAfterMs);
      const at = Date.now();
      const list = (await (await fetch(`${opa.url}/v1/policies`, { headers })).json()) as { result?: OpaPolicy[] };
      // The gate's policies, not OPA's own `system.authz` (deleting that locks everyone out, the gate
      // included): OPA's parsed AST of each policy names its package (`data.system.…`).
      const ids = (list.result ?? []).filter((p) => p.ast?.package?.path?.[1]?.value !== 'system').map((p) => p.id);
      if (ids.length === 0) throw new Error('the OPA holds no policies to wipe');
      for (const id of ids) {
        const res = await fetch(`${opa.url}/v1/policies/${encodeURIComponent(id)}`, { method: 'DELETE', headers });
        if (res.status !== 200) throw new Error(`DELETE /v1/policies/${id}: HTTP ${res.status}`);
      }
      events.push({ fault: 'wipe', at, opaAnsweringAt: Date.now() });
    }
    const report = await load.report;
    const records = report.records;
    const allowedKinds = new Set(OUTAGE_KINDS.flatMap((k, i) => (k.denied ? [] : [i])));
    const statuses: Record<string, Record<string, number>> = {};
    for (const r of records) {
      const name = OUTAGE_KINDS[r.kind]!.name;
      const byStatus = (statuses[name] ??= {});
      const key = r.status === 0 ? `no answer (${r.error ?? '?'})` : String(r.status);
      byStatus[key] = (byStatus[key] ?? 0) + 1;
    }
    const latencies = records.map((r) => r.latencyMs);
    return {
      engine: 'opa',
      requests: records.length,
      achievedRatePerSecond: Math.round((records.length * 1000) / (report.endedAt - report.startedAt)),
      deniedAllowed: records.filter((r) => OUTAGE_KINDS[r.kind]!.denied && r.status >= 200 && r.status < 300).length,
      noAnswer: records.filter((r) => r.status === 0).length,
      maxLatencyMs: Math.round(Math.max(0, ...latencies)),
      p99LatencyMs: Math.round(percentile(latencies, 99)),
      timeoutMs: timeoutSeconds * 1000,
      statuses,
      events: events.map((e, i) => {
        const to = events[i + 1]?.at ?? Number.POSITIVE_INFINITY;
        const { failed, recoveryMs } = recovery(records, allowedKinds, e.at, to, e.opaAnsweringAt);
        const requestsDuringFault = records.filter(
          (r) => r.start <= Math.max(e.opaAnsweringAt, e.at + 500) && r.start + r.latencyMs >= e.at,
        ).length;
        return { ...e, requestsDuringFault, failedAllowed: failed, recoveryMs: Number.isFinite(recoveryMs) ? Math.round(recoveryMs) : -1 };
      }),
      opaPids: pids,
    };
  } finally {
    await close();
  }
}
