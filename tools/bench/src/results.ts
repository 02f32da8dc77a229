/**
 * The shape of `tools/bench/results.json`, its check, and the ratios and goals derived from it.
 */
import { logLogSlope, ratio, sig } from './stats.js';

/** The engines measured through `createPolicyEngine`. */
export const ENGINE_KEYS = ['native', 'wasm', 'opa-rest'] as const;

/** One of {@link ENGINE_KEYS}. */
export type EngineKey = (typeof ENGINE_KEYS)[number];

/** Latency and throughput of one engine at one concurrency. */
export interface EngineFigures {
  readonly p50_us: number;
  readonly p99_us: number;
  readonly ops_per_s: number;
  readonly decisions: number;
}

/** One engine: concurrency 1 at the top level (the keys), concurrency 16 nested, p50 per package. */
export interface EngineEntry extends EngineFigures {
  readonly concurrency_16: EngineFigures;
  /** p50 (µs, concurrency 1) of the decisions of each package. */
  readonly per_package_p50_us: Readonly<Record<string, number>>;
}

/** OPA's own in-process evaluation (`opa bench`, median `timer_rego_query_eval_ns`). */
export interface OpaInProcessEntry {
  readonly p50_us: number;
  /** Median of each package's runs (µs). */
  readonly per_package_p50_us: Readonly<Record<string, number>>;
  /** `opa bench` runs made (one per case, or one per package in --quick). */
  readonly runs: number;
}

/** A cost curve: p50 latency (µs) per engine at each x. */
export interface CostCurve {
  readonly x: readonly number[];
  readonly p50_us: Readonly<Partial<Record<EngineKey | 'opa-inprocess', readonly number[]>>>;
}

/** The run-pipeline cost curve: CPU time per stage of the simulator and its log on N chained stages. */
export interface RunPipelineCurve {
  readonly engine: string;
  readonly points: readonly {
    readonly stages: number;
    readonly cpu_ms_per_stage: number;
    readonly wall_ms: number;
    readonly decisions: number;
  }[];
}

/** Growth exponent of a run's total CPU time in the stage count (1 = linear), over the last 3 points. */
export function pipelineExponent(curve: RunPipelineCurve | undefined): number | null {
  if (curve === undefined) return null;
  const slope = logLogSlope(curve.points.slice(-3).map((p) => ({ x: p.stages, y: p.cpu_ms_per_stage * p.stages })));
  return slope === null ? null : sig(slope, 2);
}

/** A goal of the issue and whether this run met it. */
export interface GoalResult {
  readonly goal: string;
  readonly target: string;
  readonly measured: string;
  /** `null` when the run could not measure it. */
  readonly met: boolean | null;
}

/** The machine and load the figures were taken on. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpu_model: string;
  readonly mem_gb: number;
  readonly os: string;
  readonly node: string;
  readonly opa: string;
  readonly loadavg_start: readonly number[];
  readonly loadavg_end: readonly number[];
  readonly note: string;
}

/** Everything one `npm run bench` writes to results.json. */
export interface BenchResults {
  readonly schema: 1;
  readonly generated_at: string;
  readonly quick: boolean;
  readonly duration_s: number;
  readonly machine: MachineInfo;
  /** How each section was measured (connections, durations, sample sizes, load average). */
  readonly conditions: Readonly<Record<string, string>>;
  readonly engines: Readonly<Record<EngineKey, EngineEntry>> & { readonly 'opa-inprocess': OpaInProcessEntry };
  readonly gateway: {
    readonly rps_with: number;
    readonly rps_without: number;
    readonly p50_us_with: number;
    readonly p50_us_without: number;
    /** The gate process's CPU time (user + system) per request, with and without the middleware. */
    readonly server_cpu_us_per_req_with?: number;
    readonly server_cpu_us_per_req_without?: number;
    /** With the middleware and the gate's decision cache off (`DECISION_CACHE_MS=0`); absent in results from before it was measured. */
    readonly rps_with_uncached?: number;
    readonly p50_us_with_uncached?: number;
    readonly server_cpu_us_per_req_with_uncached?: number;
    /** The gate's decision cache in the "with" run (its default `DECISION_CACHE_MS`), ms. */
    readonly decision_cache_ms?: number;
    readonly route: string;
    readonly engine: string;
    readonly connections: number;
    readonly duration_s: number;
  };
  readonly load_ms: Readonly<Record<EngineKey, Readonly<Record<string, number>>>>;
  /** `<engine>/<size>` loads abandoned at the time budget: their `load_ms` is a lower bound. */
  readonly load_lower_bounds: readonly string[];
  readonly parser: { readonly mb_per_s: number; readonly opa_mb_per_s: number; readonly corpus_mb: number; readonly modules: number };
  /** Resident set size after loading the example policies: one fresh process per engine. */
  readonly rss_mb: Readonly<Record<string, number>>;
  readonly curves: { readonly input_size: CostCurve; readonly policy_count: CostCurve };
  /** `policy-engine run-pipeline`'s work on chains of N stages (native engine); absent in results from before it was measured. */
  readonly run_pipeline?: RunPipelineCurve;
  readonly ratios: Readonly<Record<string, number | null>>;
  readonly goals: readonly GoalResult[];
}

/** results.json without what is derived from the measurements. */
export type MeasuredResults = Omit<BenchResults, 'ratios' | 'goals'>;

const REQUIRED: readonly (readonly string[])[] = [
  ...ENGINE_KEYS.flatMap((e) => ['p50_us', 'p99_us', 'ops_per_s'].map((k) => ['engines', e, k])),
  ['engines', 'opa-inprocess', 'p50_us'],
  ...['rps_with', 'rps_without', 'p50_us_with', 'p50_us_without'].map((k) => ['gateway', k]),
  ...ENGINE_KEYS.flatMap((e) => ['10', '100', '1000'].map((n) => ['load_ms', e, n])),
  ['parser', 'mb_per_s'],
  ['parser', 'opa_mb_per_s'],
  ...ENGINE_KEYS.map((e) => ['rss_mb', e]),
];

/**
 * The required keys missing from a results document (or not a finite number):
 * `engines.native.p50_us`, …; empty when the shape is complete.
 */
export function missingResultKeys(doc: unknown): string[] {
  const missing: string[] = [];
  for (const path of REQUIRED) {
    let cur: unknown = doc;
    for (const key of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[key] : undefined;
    if (typeof cur !== 'number' || !Number.isFinite(cur)) missing.push(path.join('.'));
  }
  return missing;
}

/** Every ratio the report shows, named `<a>/<b>` (`native_p50/opa-inprocess_p50`, …). */
export function deriveRatios(r: MeasuredResults): Record<string, number | null> {
  const e = r.engines;
  const out: Record<string, number | null> = {};
  for (const a of ENGINE_KEYS) {
    out[`${a}_p50/opa-inprocess_p50`] = ratio(e[a].p50_us, e['opa-inprocess'].p50_us);
    for (const b of ENGINE_KEYS) {
      if (a === b) continue;
      out[`${a}_p50/${b}_p50`] = ratio(e[a].p50_us, e[b].p50_us);
      out[`${a}_ops/${b}_ops`] = ratio(e[a].ops_per_s, e[b].ops_per_s);
      out[`${a}_c16_ops/${b}_c16_ops`] = ratio(e[a].concurrency_16.ops_per_s, e[b].concurrency_16.ops_per_s);
    }
  }
  out['gateway_rps_with/rps_without'] = ratio(r.gateway.rps_with, r.gateway.rps_without);
  out['gateway_p50_with/p50_without'] = ratio(r.gateway.p50_us_with, r.gateway.p50_us_without);
  if (r.gateway.server_cpu_us_per_req_with !== undefined && r.gateway.server_cpu_us_per_req_without !== undefined)
    out['gateway_cpu_with/cpu_without'] = ratio(r.gateway.server_cpu_us_per_req_with, r.gateway.server_cpu_us_per_req_without);
  if (r.gateway.rps_with_uncached !== undefined)
    out['gateway_rps_uncached/rps_without'] = ratio(r.gateway.rps_with_uncached, r.gateway.rps_without);
  if (r.gateway.server_cpu_us_per_req_with_uncached !== undefined && r.gateway.server_cpu_us_per_req_without !== undefined)
    out['gateway_cpu_uncached/cpu_without'] = ratio(r.gateway.server_cpu_us_per_req_with_uncached, r.gateway.server_cpu_us_per_req_without);
  out['parser_mb_per_s/opa_mb_per_s'] = ratio(r.parser.mb_per_s, r.parser.opa_mb_per_s);
  for (const a of ENGINE_KEYS) out[`load_1000/load_10_${a}`] = ratio(r.load_ms[a]['1000'], r.load_ms[a]['10']);
  return out;
}

function fmt(v: number | null | undefined, unit = ''): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${sig(v)}${unit}`;
}

/** Growth exponent of a curve for one engine (1 = linear), from its log-log slope. */
export function curveExponent(curve: CostCurve, engine: EngineKey | 'opa-inprocess'): number | null {
  const ys = curve.p50_us[engine];
  if (!ys) return null;
  // The cost of the work itself shows at the larger sizes; the smallest points are dominated by fixed overhead.
  const points = curve.x.map((x, i) => ({ x, y: ys[i] ?? Number.NaN })).filter((p) => Number.isFinite(p.y));
  const slope = logLogSlope(points.slice(-3));
  return slope === null ? null : sig(slope, 2);
}

/** The goals, each with what this run measured and whether it is met. */
export function evaluateGoals(r: MeasuredResults): GoalResult[] {
  const e = r.engines;
  const native = e.native.p50_us;
  const goals: GoalResult[] = [];
  const cmp = (goal: string, target: string, value: number | null, limit: number, unit: string): void => {
    goals.push({ goal, target, measured: fmt(value, unit), met: value === null ? null : value <= limit });
  };
  cmp('native p50 vs OPA in-process', '≤ 0.5×', ratio(native, e['opa-inprocess'].p50_us), 0.5, '×');
  cmp('native p50 vs wasm engine', '≤ 0.05×', ratio(native, e.wasm.p50_us), 0.05, '×');
  cmp('native p50 vs OPA REST', '≤ 0.02×', ratio(native, e['opa-rest'].p50_us), 0.02, '×');
  const withRatio = ratio(r.gateway.rps_with, r.gateway.rps_without);
  cmp('authorization middleware cost (saturated rps lost)', '≤ 10%', withRatio === null ? null : sig((1 - withRatio) * 100), 10, '%');
  if (r.gateway.rps_with_uncached !== undefined) {
    // Not the goal (that is the gate as configured): the same limit with every request decided by the engine.
    const uncached = ratio(r.gateway.rps_with_uncached, r.gateway.rps_without);
    cmp(
      'authorization middleware cost, decision cache off (saturated rps lost)',
      '≤ 10%',
      uncached === null ? null : sig((1 - uncached) * 100),
      10,
      '%',
    );
  }
  cmp('1,000 policies load on native', '≤ 1000 ms', r.load_ms.native['1000'] ?? null, 1000, ' ms');
  const exp = curveExponent(r.curves.input_size, 'native');
  // A slope up to 1.2 over 10→1,000 stages is linear within measuring noise; quadratic work gives ~2.
  cmp('native cost linear in input size (log-log slope, 10→1,000 stages)', '≤ 1.2', exp, 1.2, '');
  cmp(
    'run-pipeline cost linear in stage count (log-log slope of CPU time, 300→3,000 chained stages)',
    '≤ 1.2',
    pipelineExponent(r.run_pipeline),
    1.2,
    '',
  );
  return goals;
}

/** results.json: the measurements plus their ratios and goals. */
export function finishResults(r: MeasuredResults): BenchResults {
  return { ...r, ratios: deriveRatios(r), goals: evaluateGoals(r) };
}
