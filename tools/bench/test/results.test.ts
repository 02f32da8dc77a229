import { describe, expect, it } from 'vitest';
import { finishResults, missingResultKeys, renderMarkdown } from '../src/index.js';
import { sampleMeasured, sampleResults } from './sample.js';

describe('results.json shape', () => {
  it('a complete document has every key the issue lists', () => {
    expect(missingResultKeys(sampleResults())).toEqual([]);
  });
  it('names each missing or non-numeric key', () => {
    const doc = JSON.parse(JSON.stringify(sampleResults())) as Record<string, Record<string, Record<string, unknown>>>;
    delete doc['engines']!['wasm']!['p99_us'];
    doc['load_ms']!['native']!['1000'] = 'slow';
    delete doc['parser'];
    expect(missingResultKeys(doc)).toEqual(['engines.wasm.p99_us', 'load_ms.native.1000', 'parser.mb_per_s', 'parser.opa_mb_per_s']);
    expect(missingResultKeys(null)).toHaveLength(28);
  });
  it('derives every ratio and the goals from the measurements', () => {
    const r = sampleResults();
    expect(r.ratios['native_p50/opa-inprocess_p50']).toBe(0.5);
    expect(r.ratios['native_p50/wasm_p50']).toBe(0.1);
    expect(r.ratios['native_p50/opa-rest_p50']).toBe(0.025);
    expect(r.ratios['gateway_rps_with/rps_without']).toBe(0.9);
    expect(r.ratios['parser_mb_per_s/opa_mb_per_s']).toBe(20);
    const met = Object.fromEntries(r.goals.map((g) => [g.goal, g.met]));
    expect(met).toEqual({
      'native p50 vs OPA in-process': true,
      'native p50 vs wasm engine': false,
      'native p50 vs OPA REST': false,
      'authorization middleware cost (saturated rps lost)': true,
      '1,000 policies load on native': true,
      'native cost linear in input size (log-log slope, 10→1,000 stages)': true,
      'run-pipeline cost linear in stage count (log-log slope of CPU time, 300→3,000 chained stages)': true,
    });
  });
  it('judges the middleware with the decision cache off too, when that run was measured', () => {
    const m = sampleMeasured();
    const r = finishResults({
      ...m,
      gateway: {
        ...m.gateway,
        rps_with_uncached: 600,
        p50_us_with_uncached: 1500,
        server_cpu_us_per_req_with_uncached: 200,
        decision_cache_ms: 10_000,
      },
    });
    expect(r.ratios['gateway_rps_uncached/rps_without']).toBe(0.6);
    expect(r.goals.find((g) => g.goal === 'authorization middleware cost, decision cache off (saturated rps lost)')).toMatchObject({
      measured: '40%',
      met: false,
    });
    const md = renderMarkdown(r, 'c.svg', {});
    expect(md).toContain(
      '| with the middleware, decision cache off (`DECISION_CACHE_MS=0`: every request decided by the engine) | 600 | 1500 | 200 |',
    );
    expect(md).toContain('decision cache 10000 ms');
    // Older results without that run: no such goal or row.
    expect(sampleResults().goals.map((g) => g.goal)).not.toContain(
      'authorization middleware cost, decision cache off (saturated rps lost)',
    );
  });
  it('judges the run-pipeline curve by the growth of its total CPU time', () => {
    const goal = (r: ReturnType<typeof sampleResults>) => r.goals.find((g) => g.goal.startsWith('run-pipeline'));
    expect(goal(sampleResults())?.measured).toBe('0.97');
    const m = sampleMeasured();
    // CPU per stage growing with the stage count: the total grows with its square.
    const quadratic = finishResults({
      ...m,
      run_pipeline: {
        engine: 'native',
        points: [100, 300, 1000, 3000].map((n) => ({ stages: n, cpu_ms_per_stage: n / 1000, wall_ms: n, decisions: 4 * n })),
      },
    });
    expect(goal(quadratic)).toMatchObject({ measured: '2', met: false });
    const { run_pipeline: _dropped, ...older } = m;
    expect(goal(finishResults(older))?.met).toBeNull();
    expect(renderMarkdown(sampleResults(), 'c.svg', {})).toMatch(/\| 3,000 \| 12001 \| 1\.4 \| 4\.5 \|/);
  });
  it('BENCHMARKS.md has the tables, the chart, the conditions, lower bounds and why a goal was missed', () => {
    const md = renderMarkdown(sampleResults(), 'tools/bench/chart.svg', { 'native p50 vs wasm engine': '2× the target. because' });
    expect(md).toContain('![p50/p99 latency per engine (log scale) and the cost curves](tools/bench/chart.svg)');
    expect(md).toMatch(/\| native p50 vs wasm engine \| ≤ 0\.05× \| 0\.1× \| \*\*no\*\* \| 2× the target\. because \|/);
    expect(md).toContain('| opa-rest | 50 | 500 | > 30000 |');
    expect(md).toContain('| engines | test |');
    expect(md).toContain('load average at start (1, 5, 15 min) | 9.00, 8.00, 7.00');
    expect(md).toContain('`native_p50/wasm_p50`');
  });
});
