/**
 * @policy-engine/orca-runner — example: run a pipeline configuration with simulated tasks
 * under the policy hooks and print the execution log (what `policy-engine run-pipeline` does).
 * @packageDocumentation
 */
export {
  DEFAULT_ENGINE,
  DEFAULT_POLICY_DIR,
  ENGINE_NAMES,
  openPolicyEngine,
  type EngineName,
  type OpenPolicyEngineOptions,
  type RunnerPolicyEngine,
} from './engines.js';
export { formatExecutionLog, formatJson, formatPretty, type LogFormat } from './format.js';
export { runPipelineExample, type RunPipelineExampleOptions, type RunPipelineExampleResult } from './run.js';
export { SAMPLE_PIPELINES_DIR } from './samples.js';
