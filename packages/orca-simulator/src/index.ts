/**
 * @policy-engine/orca-simulator — a simplified Orca for tests, examples and demos: a pipeline
 * runner over a configuration's stage graph that calls every hook of an
 * `@policy-engine/orca-adapter` interceptor, and simulated executors that produce realistic
 * stage contexts and deployment-operation descriptions without a cloud.
 * @packageDocumentation
 */
export type { DeploymentOperation, StageExecutor, StageExecutors, TaskContext, TaskDefinition, TaskOutcome } from './executors.js';
export {
  deleteManifestDescription,
  deployManifestDescription,
  genericExecutor,
  scaleManifestDescription,
  simulatedExecutors,
  undoRolloutManifestDescription,
} from './simulated.js';
export {
  runPipeline,
  type ExecutionEvent,
  type PipelineRunResult,
  type RunPipelineOptions,
  type StageRef,
  type StopReport,
} from './runner.js';
