// A complete results document for the harness's tests (made-up figures, realistic shape).
import { finishResults, type BenchResults, type EngineEntry, type MeasuredResults } from '../src/index.js';

const entry = (p50: number): EngineEntry => ({
  p50_us: p50,
  p99_us: p50 * 5,
  ops_per_s: 1e6 / p50,
  decisions: 600,
  concurrency_16: { p50_us: p50 * 10, p99_us: p50 * 40, ops_per_s: 1.5e6 / p50, decisions: 600 },
  per_package_p50_us: { 'opa.pipelines': p50 },
});

/** Measured results with native at 20 µs, wasm 200, OPA REST 800, OPA in-process 40. */
export function sampleMeasured(): MeasuredResults {
  return {
    schema: 1,
    generated_at: '2026-12-03T12:00:00.000Z',
    quick: true,
    duration_s: 200,
    machine: {
      cpus: 2,
      cpu_model: 'test cpu',
      mem_gb: 8,
      os: 'Linux',
      node: 'v20',
      opa: '1.22.3',
      loadavg_start: [9, 8, 7],
      loadavg_end: [9, 8, 7],
      note: 'shared',
    },
    conditions: { engines: 'test' },
    engines: {
      native: entry(20),
      wasm: entry(200),
      'opa-rest': entry(800),
      'opa-inprocess': { p50_us: 40, per_package_p50_us: { 'opa.pipelines': 40 }, runs: 14 },
    },
    gateway: {
      rps_with: 900,
      rps_without: 1000,
      p50_us_with: 1100,
      p50_us_without: 1000,
      route: 'GET /applications',
      engine: 'native',
      connections: 16,
      duration_s: 5,
    },
    load_ms: {
      native: { '10': 10, '100': 100, '1000': 900 },
      wasm: { '10': 1000, '100': 2000, '1000': 9000 },
      'opa-rest': { '10': 50, '100': 500, '1000': 30000 },
    },
    load_lower_bounds: ['opa-rest/1000'],
    parser: { mb_per_s: 2, opa_mb_per_s: 0.1, corpus_mb: 1, modules: 4000 },
    rss_mb: { native: 120, wasm: 200, 'opa-rest': 110, 'opa-rest-server': 60 },
    curves: {
      input_size: {
        x: [1, 10, 100, 1000],
        p50_us: { native: [10, 20, 200, 2000], wasm: [100, 120, 400, 3000], 'opa-inprocess': [5, 10, 100, 1000] },
      },
      policy_count: { x: [10, 100, 1000], p50_us: { native: [10, 100, 1000] } },
    },
    run_pipeline: {
      engine: 'native',
      points: [
        { stages: 100, cpu_ms_per_stage: 2, wall_ms: 250, decisions: 401 },
        { stages: 300, cpu_ms_per_stage: 1.5, wall_ms: 500, decisions: 1201 },
        { stages: 1000, cpu_ms_per_stage: 1.4, wall_ms: 1500, decisions: 4001 },
        { stages: 3000, cpu_ms_per_stage: 1.4, wall_ms: 4500, decisions: 12001 },
      ],
    },
  };
}

/** The sample with its ratios and goals. */
export function sampleResults(): BenchResults {
  return finishResults(sampleMeasured());
}
