import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineNotAvailableError } from '@policy-engine/engines';
import type { EngineChoice } from '@policy-engine/gate-server';
import { basic, sleep, startExampleGate } from './gate.js';
import { startLoad } from './load.js';
import type { LoadRecord, LoadRequestKind } from './load-types.js';
import { percentile } from './outage.js';

/** Options of {@link runHotReload}; the defaults are the full run of `npm run reliability`. */
export interface HotReloadOptions {
  /** How many times the policy set is replaced during the load; default 100. */
  readonly swaps?: number;
  /** ms between two swaps; default 80. */
  readonly swapIntervalMs?: number;
  /** Requests per second over all connections; default 1000. */
  readonly ratePerSecond?: number;
  /** Keep-alive connections of the load process; default 32. */
  readonly connections?: number;
  /** The gate's `timeoutSeconds`; default 2. */
  readonly timeoutSeconds?: number;
  /** Load before the first swap (ms); default 1,000. */
  readonly leadMs?: number;
  /** Load after the last swap (ms), for the last version to arrive; default 4,000. */
  readonly tailMs?: number;
}

/** Figures of one hot reload run on one engine. */
export interface HotReloadResult {
  readonly engine: EngineChoice;
  /** Set when the engine could not be had (e.g. not available yet): nothing was measured. */
  readonly skipped?: string;
  readonly swaps: number;
  readonly requests: number;
  readonly achievedRatePerSecond: number;
  readonly p50LatencyMs: number;
  readonly p99LatencyMs: number;
  readonly maxLatencyMs: number;
  /** Distinct policy versions seen in decisions. */
  readonly versionsSeen: number;
  /** The version of the last decision: the last swap's when every reload arrived. */
  readonly lastVersionSeen: number;
  /** After the load: ms from the last swap until the gate decided with the last version (-1: not within 30 s). */
  readonly lastVersionAfterMs: number;
  /** `dev` (denied by every version) answered 2xx: a no-policy or wrong allow. Must be 0. */
  readonly deniedAllowed: number;
  /** Decisions whose modules came from different versions, or whose decision disagrees with its own version. Must be 0. */
  readonly mixed: number;
  /** 403s without a version mark (e.g. a set without the message rule). Must be 0. */
  readonly unmarked: number;
  /** A connection saw an older version after a newer one. Must be 0. */
  readonly wentBack: number;
  /** Requests the policy allows in every version (`deployer`) that were not 200. */
  readonly allowedRefused: number;
  /** Requests without an HTTP answer. Must be 0. */
  readonly noAnswer: number;
  /** Up to 10 offending records, for the report. */
  readonly examples: readonly string[];
}

/**
 * The policy set of version `n`: one package, `spinnaker.http.authz`, in three modules that
 * each carry the version. `deployer` is always allowed, `dev` always denied, `editor` allowed
 * on even versions only; every denial says `v<n>: <user> denied (a=v<n> c=v<n>)`, so a decision
 * that mixes modules of two versions, or a decision that is not its version's, shows.
 */
export function policyVersion(n: number): Readonly<Record<string, string>> {
  return {
    'a.rego': `package spinnaker.http.authz\n\nversion_a := ${n}\n`,
    'b.rego': [
      'package spinnaker.http.authz',
      '',
      'import rego.v1',
      '',
      `version_b := ${n}`,
      '',
      'default allow := false',
      '',
      'allow if input.user.username == "deployer"',
      '',
      'allow if {',
      '\tinput.user.username == "editor"',
      '\tversion_c % 2 == 0',
      '}',
      '',
      'message := sprintf("v%d: %s denied (a=v%d c=v%d)", [version_b, input.user.username, version_a, version_c])',
      '',
    ].join('\n'),
    'c.rego': `package spinnaker.http.authz\n\nversion_c := ${n}\n`,
  };
}

/** Writes a whole version: every file to a temporary name first, then renamed over the old ones in one synchronous run. */
function writeVersion(dir: string, n: number): void {
  const files = Object.entries(policyVersion(n));
  for (const [name, text] of files) writeFileSync(join(dir, `.${name}.tmp`), text);
  for (const [name] of files) renameSync(join(dir, `.${name}.tmp`), join(dir, name));
}

/** The request kinds of the reload load. */
export const RELOAD_KINDS: readonly LoadRequestKind[] = [
  {
    name: 'dev GET /applications (denied by every version)',
    method: 'GET',
    path: '/applications',
    headers: { authorization: basic('dev') },
  },
  {
    name: 'deployer GET /applications (allowed by every version)',
    method: 'GET',
    path: '/applications',
    headers: { authorization: basic('deployer') },
  },
  {
    name: 'editor GET /applications (allowed on even versions)',
    method: 'GET',
    path: '/applications',
    headers: { authorization: basic('editor') },
  },
];

const MARK = /^v(\d+): (\w+) denied \(a=v(\d+) c=v(\d+)\)$/;

/** Checks every decision of a reload run (see {@link HotReloadResult} for what each count means). */
export function checkReloadRecords(
  records: readonly LoadRecord[],
): Omit<
  HotReloadResult,
  'engine' | 'swaps' | 'requests' | 'achievedRatePerSecond' | 'p50LatencyMs' | 'p99LatencyMs' | 'maxLatencyMs' | 'lastVersionAfterMs'
> {
  const examples: string[] = [];
  const note = (what: string, r: LoadRecord): void => {
    if (examples.length < 10) examples.push(`${what}: ${RELOAD_KINDS[r.kind]?.name ?? r.kind} → ${r.status} ${r.message ?? r.error ?? ''}`);
  };
  let deniedAllowed = 0;
  let mixed = 0;
  let unmarked = 0;
  let wentBack = 0;
  let allowedRefused = 0;
  let noAnswer = 0;
  const versions = new Set<number>();
  let last: { readonly start: number; readonly version: number } | undefined;
  const newest = new Map<number, { readonly end: number; readonly version: number }>();
  const ordered = [...records].sort((x, y) => x.start - y.start);
  for (const r of ordered) {
    if (r.status === 0) {
      noAnswer++;
      note('no answer', r);
      continue;
    }
    const user = r.kind === 0 ? 'dev' : r.kind === 1 ? 'deployer' : 'editor';
    if (r.status === 200) {
      if (user === 'dev') {
        deniedAllowed++;
        note('denied request allowed', r);
      }
      continue;
    }
    if (user === 'deployer') {
      allowedRefused++;
      note('allowed request refused', r);
      continue;
    }
    if (r.status !== 403) continue; // a 503 is not a decision; counted by the caller's status figures
    const m = MARK.exec(r.message ?? '');
    if (!m) {
      unmarked++;
      note('unmarked denial', r);
      continue;
    }
    const [vb, who, va, vc] = [Number(m[1]), m[2], Number(m[3]), Number(m[4])];
    if (va !== vb || vc !== vb || who !== user || (user === 'editor' && vb % 2 === 0)) {
      mixed++;
      note('mixed decision', r);
    }
    versions.add(vb);
    if (!last || r.start >= last.start) last = { start: r.start, version: vb };
    // On one connection requests are sequential: a later request must not see an older set.
    const prev = newest.get(r.connection);
    if (prev && r.start >= prev.end && vb < prev.version) {
      wentBack++;
      note(`went back from v${prev.version}`, r);
    }
    if (!prev || vb >= prev.version) newest.set(r.connection, { end: r.start + r.latencyMs, version: vb });
  }
  return {
    versionsSeen: versions.size,
    lastVersionSeen: last?.version ?? -1,
    deniedAllowed,
    mixed,
    unmarked,
    wentBack,
    allowedRefused,
    noAnswer,
    examples,
  };
}

/**
 * Hot reload under load (issue 9): the example gate on `engine`, watching a temporary policy
 * directory, while a second process sends ~`ratePerSecond` requests; the whole policy set is
 * replaced `swaps` times (each file renamed into place), each version marking its messages.
 */
export async function runHotReload(engine: EngineChoice, options: HotReloadOptions = {}): Promise<HotReloadResult> {
  const swaps = options.swaps ?? 100;
  const swapIntervalMs = options.swapIntervalMs ?? 80;
  const rate = options.ratePerSecond ?? 1000;
  const leadMs = options.leadMs ?? 1000;
  const tailMs = options.tailMs ?? 4000;
  const dir = mkdtempSync(join(tmpdir(), 'reliability-reload-'));
  try {
    writeVersion(dir, 0);
    let started;
    try {
      started = await startExampleGate({ engine, policyDir: dir, timeoutSeconds: options.timeoutSeconds ?? 2, watchPolicies: true });
    } catch (e) {
      if (e instanceof EngineNotAvailableError) {
        return {
          engine,
          skipped: e.message,
          swaps: 0,
          requests: 0,
          achievedRatePerSecond: 0,
          p50LatencyMs: 0,
          p99LatencyMs: 0,
          maxLatencyMs: 0,
          versionsSeen: 0,
          lastVersionSeen: -1,
          lastVersionAfterMs: -1,
          deniedAllowed: 0,
          mixed: 0,
          unmarked: 0,
          wentBack: 0,
          allowedRefused: 0,
          noAnswer: 0,
          examples: [],
        };
      }
      throw e;
    }
    const { gate, close } = started;
    try {
      const durationMs = leadMs + swaps * swapIntervalMs + tailMs;
      const load = startLoad({
        url: gate.url,
        kinds: RELOAD_KINDS,
        durationMs,
        maxRequests: Math.ceil((rate * durationMs) / 1000),
        ratePerSecond: rate,
        connections: options.connections ?? 32,
        clientTimeoutMs: (options.timeoutSeconds ?? 2) * 1000 + 5000,
      });
      await sleep(leadMs + 300); // the load process needs ~300 ms to start
      let lastSwapAt = Date.now();
      for (let n = 1; n <= swaps; n++) {
        writeVersion(dir, n);
        lastSwapAt = Date.now();
        await sleep(swapIntervalMs);
      }
      const report = await load.report;
      // Probe from here: when does the gate decide with the last version?
      let lastVersionAfterMs = -1;
      while (Date.now() - lastSwapAt < 30_000) {
        const res = await fetch(`${gate.url}/applications`, { headers: { authorization: basic('dev') } });
        const body = (await res.json()) as { message?: string };
        if (MARK.exec(body.message ?? '')?.[1] === String(swaps)) {
          lastVersionAfterMs = Date.now() - lastSwapAt;
          break;
        }
        await sleep(50);
      }
      const latencies = report.records.map((r) => r.latencyMs);
      return {
        engine,
        swaps,
        requests: report.records.length,
        achievedRatePerSecond: Math.round((report.records.length * 1000) / (report.endedAt - report.startedAt)),
        p50LatencyMs: Math.round(percentile(latencies, 50) * 10) / 10,
        p99LatencyMs: Math.round(percentile(latencies, 99) * 10) / 10,
        maxLatencyMs: Math.round(Math.max(0, ...latencies)),
        ...checkReloadRecords(report.records),
        lastVersionAfterMs,
      };
    } finally {
      await close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
