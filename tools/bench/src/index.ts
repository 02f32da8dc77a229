/**
 * @policy-engine/bench — issue 13's benchmarks. The package exports the harness's pure parts
 * (statistics, the results.json shape and its derived ratios and goals, the workload
 * generators, the SVG chart and BENCHMARKS.md); `bin/bench.ts` measures.
 * @packageDocumentation
 */
export { percentile, summarize, weightedMedian, ratio, sig, logLogSlope, type LatencySummary } from './stats.js';
export {
  ENGINE_KEYS,
  missingResultKeys,
  deriveRatios,
  evaluateGoals,
  finishResults,
  curveExponent,
  pipelineExponent,
  type EngineKey,
  type EngineFigures,
  type EngineEntry,
  type OpaInProcessEntry,
  type CostCurve,
  type RunPipelineCurve,
  type GoalResult,
  type MachineInfo,
  type BenchResults,
  type MeasuredResults,
} from './results.js';
export {
  setPointer,
  buildCases,
  generatedPolicies,
  manyRulesPolicy,
  pipelineWithStages,
  chainedPipeline,
  MANY_RULES_PACKAGE,
  type CaseSpec,
  type DecisionCase,
  type GeneratedModule,
  type PipelineConfigLike,
} from './workload.js';
export { renderChart, decadeTicks, SERIES_COLOURS } from './svg.js';
export { renderMarkdown } from './markdown.js';
export { medianEvalNs } from './opa-inprocess.js';
