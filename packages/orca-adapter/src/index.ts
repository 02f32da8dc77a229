/**
 * @policy-engine/orca-adapter — Orca-like execution model, input builders and the interceptor
 * (pipeline, stage-task, after-stage and deployment-operation hooks): what a real Orca
 * integration needs. The pipeline runner and simulated executors are `@policy-engine/orca-simulator`.
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
  freezeStage,
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
