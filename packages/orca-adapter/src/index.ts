/**
 * @policy-engine/orca-adapter — Orca-like execution model, input builders, the interceptor
 * (pipeline, stage-task, after-stage and deployment-operation hooks) and a pipeline runner.
 * @packageDocumentation
 */
export type {
  ExecutionStatus,
  JsonObject,
  PipelineConfig,
  PipelineExecution,
  StageConfig,
  StageExecution,
  TaskExecution,
  Trigger,
  User,
  UserRole,
} from './model.js';
export { InvalidPipelineConfig } from './errors.js';
export {
  PIPELINE_BEFORE_PACKAGE,
  deploymentBeforePackage,
  legacyDeploymentPackage,
  legacyTaskBeforePackage,
  stageAfterPackage,
  stageBeforePackage,
} from './packages.js';
export {
  createExecution,
  createStageExecution,
  createTrigger,
  parsePipelineConfig,
  toUser,
  type CreateExecutionOptions,
} from './execution.js';
export {
  deploymentInput,
  executionDocument,
  executionTriggerDocument,
  pipelineBeforeInput,
  rawTriggerDocument,
  stageDocument,
  stageInput,
  taskDocument,
  userDocument,
  type StageListForm,
} from './inputs.js';
export {
  createOrcaInterceptor,
  type HookName,
  type HookOptions,
  type HookResult,
  type OrcaInterceptor,
  type OrcaInterceptorOptions,
  type PackageCheck,
  type PolicyDecider,
} from './interceptor.js';
export type {
  DeploymentOperation,
  StageExecutor,
  StageExecutors,
  TaskContext,
  TaskDefinition,
  TaskOutcome,
} from './executors.js';
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
