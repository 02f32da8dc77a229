/**
 * run-pipeline's cost is linear in the stage count (issue 13: 3,000 chained stages took
 * minutes because every hook rebuilt and re-checked a fresh copy of every stage). Measured
 * by work, not time: on the default (native) engine with the example policies, the number of
 * evaluations per stage is constant, and the stage documents the hooks hand to the engine are
 * shared — the distinct stage objects seen across all inputs grow with n, not n².
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '@policy-engine/evaluator';
import { SAMPLE_PIPELINES_DIR, runPipelineExample } from '@policy-engine/orca-runner';

/** `passes.json` with its stages cycled into a chain of `n` (each depending on the one before). */
function chain(n: number): unknown {
  const base = JSON.parse(readFileSync(join(SAMPLE_PIPELINES_DIR, 'passes.json'), 'utf8')) as { stages: Record<string, unknown>[] };
  const proto = base.stages;
  return {
    ...base,
    stages: Array.from({ length: n }, (_, i) => ({
      ...structuredClone(proto[i % proto.length]),
      refId: String(i + 1),
      name: `stage ${i + 1}`,
      requisiteStageRefIds: i === 0 ? [] : [String(i)],
    })),
  };
}

interface Work {
  readonly status: string;
  readonly evaluations: number;
  /** Stage inputs (`input.pipeline.stages` present) and the stage elements they held in all. */
  readonly stageInputs: number;
  readonly stageElements: number;
  /** Distinct objects among all those elements. */
  readonly distinctStageObjects: number;
}

async function work(n: number): Promise<Work> {
  let evaluations = 0;
  let stageInputs = 0;
  let stageElements = 0;
  const distinct = new Set<unknown>();
  const wrapEngine = (engine: Engine): Engine => ({
    name: engine.name,
    load: (policies, options) => engine.load(policies, options),
    close: () => engine.close(),
    evaluate: (pkg, input, options) => {
      evaluations++;
      const stages = (input as { pipeline?: { stages?: unknown } }).pipeline?.stages;
      if (Array.isArray(stages) && (input as { stage?: unknown }).stage !== undefined) {
        stageInputs++;
        stageElements += stages.length;
        for (const s of stages) distinct.add(s);
      }
      return engine.evaluate(pkg, input, options);
    },
  });
  const { result } = await runPipelineExample(chain(n), { user: 'alice', wrapEngine });
  return { status: result.status, evaluations, stageInputs, stageElements, distinctStageObjects: distinct.size };
}

describe('run-pipeline cost (native engine, example policies, chained stages)', () => {
  it('evaluates a constant number of times per stage and shares the stage documents between hooks', async () => {
    const small = await work(60);
    const large = await work(240);
    for (const [n, w] of [
      [60, small],
      [240, large],
    ] as const) {
      expect(w.status).toBe('SUCCEEDED');
      // Every stage input holds the whole execution: n elements each.
      expect(w.stageElements).toBe(w.stageInputs * n);
      // Each stage: a frozen not-started document, one live document per hook of its own, a frozen finished one.
      expect(w.distinctStageObjects).toBeLessThanOrEqual(2 * n + w.stageInputs);
    }
    // Constant work per stage: 4× the stages, 4× the evaluations and 4× the distinct documents (a fresh copy
    // of every stage per hook, the old quadratic behaviour, would give 16× the documents).
    // (One more evaluation per run: the pipeline-start hook.)
    expect(large.evaluations - 1).toBe(4 * (small.evaluations - 1));
    expect(large.distinctStageObjects / small.distinctStageObjects).toBeLessThanOrEqual(4.05);
  }, 120_000);
});
