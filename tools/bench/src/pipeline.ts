/**
 * The run-pipeline cost curve: `policy-engine run-pipeline`'s work (the Orca simulator under
 * every policy hook on the native engine, then the rendered log) on chains of N stages, as CPU
 * time per stage. Linear work gives a flat line (log-log slope 1 of the total).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOrcaInterceptor, type PipelineConfig } from '@policy-engine/orca-adapter';
import { runPipeline } from '@policy-engine/orca-simulator';
import { DEFAULT_POLICY_DIR, SAMPLE_PIPELINES_DIR, formatExecutionLog, openPolicyEngine } from '@policy-engine/orca-runner';
import { chainedPipeline, type PipelineConfigLike } from './workload.js';

/** One point of the curve. */
export interface PipelinePoint {
  readonly stages: number;
  /** CPU time (user + system) of the run and its log, per stage, ms. */
  readonly cpu_ms_per_stage: number;
  /** Wall time of the run and its log, ms. */
  readonly wall_ms: number;
  /** Policy decisions made. */
  readonly decisions: number;
}

/**
 * Runs the sample pipeline `passes.json` chained to each of `sizes` stages (after one warm-up
 * run of the first size) on one native engine over examples/policies; every run must succeed.
 */
export async function pipelineCost(sizes: readonly number[]): Promise<PipelinePoint[]> {
  const base = JSON.parse(readFileSync(join(SAMPLE_PIPELINES_DIR, 'passes.json'), 'utf8')) as PipelineConfigLike;
  let decisions = 0;
  const runner = await openPolicyEngine({
    engine: 'native',
    policyDir: DEFAULT_POLICY_DIR,
    wrapEngine: (engine) => ({
      name: engine.name,
      load: (policies, options) => engine.load(policies, options),
      close: () => engine.close(),
      evaluate: (pkg, input, options) => {
        decisions++;
        return engine.evaluate(pkg, input, options);
      },
    }),
  });
  try {
    const interceptor = createOrcaInterceptor({ policyEngine: runner.policyEngine });
    const once = async (n: number): Promise<PipelinePoint> => {
      const pipeline = chainedPipeline(base, n) as unknown as PipelineConfig;
      decisions = 0;
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const result = await runPipeline(pipeline, { interceptor, user: 'alice' });
      formatExecutionLog(result, 'pretty', { engine: 'native' });
      const wall = performance.now() - t0;
      const used = process.cpuUsage(cpu);
      if (result.status !== 'SUCCEEDED') throw new Error(`run-pipeline of ${n} chained stages ended ${result.status}`);
      return { stages: n, cpu_ms_per_stage: (used.user + used.system) / 1000 / n, wall_ms: wall, decisions };
    };
    if (sizes[0] !== undefined) await once(sizes[0]);
    const out: PipelinePoint[] = [];
    for (const n of sizes) out.push(await once(n));
    return out;
  } finally {
    await runner.close();
  }
}
