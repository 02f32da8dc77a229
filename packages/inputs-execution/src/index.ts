/**
 * @policy-engine/inputs-execution — typed input documents for Orca's runtime packages:
 * `spinnaker.execution.pipelines.before` and `spinnaker.execution.stages.before|after.<stageType>`.
 * @packageDocumentation
 */
export { EXECUTION_PIPELINES_BEFORE, PipelinesBeforeInput, buildPipelinesBeforeInput } from './pipelines-before.js';
export {
  STAGES_AFTER_PREFIX,
  STAGES_BEFORE_PREFIX,
  StageBeforeInput,
  TASK_BEFORE_PREFIX,
  buildGenericStageBeforeInput,
  legacyTaskBeforePackage,
  stageAfterPackage,
  stageBeforeInputOf,
  stageBeforePackage,
  type StageBeforeInputType,
} from './stage-before.js';
export { DOCUMENTED_STAGE_TYPES, buildDocumentedStageBeforeInput, buildStageBeforeInput, stageBeforeInputCodec } from './stage-types.js';
export { DeleteManifestDeployInput, DeleteManifestStageBeforeInput, buildDeleteManifestStageBeforeInput } from './delete-manifest-stage.js';
export { KatoTask, katoContextProps, manifestCoordinateProps } from './contexts/kato.js';
export {
  BakeStageBeforeInput,
  CloneServerGroupStageBeforeInput,
  CreateServerGroupStageBeforeInput,
  DeployManifestStageBeforeInput,
  DetermineTargetServerGroupStageBeforeInput,
  DisableClusterStageBeforeInput,
  EvaluateArtifactsStageBeforeInput,
  FindArtifactsFromResourceStageBeforeInput,
  ManualJudgmentStageBeforeInput,
  PatchManifestStageBeforeInput,
  PipelineStageBeforeInput,
  RollbackClusterStageBeforeInput,
  SavePipelineStageBeforeInput,
  ScaleDownClusterStageBeforeInput,
  ScaleManifestStageBeforeInput,
  ScriptStageBeforeInput,
  ShrinkClusterStageBeforeInput,
  TerraformStageBeforeInput,
  UndoRolloutManifestStageBeforeInput,
  UpsertLoadBalancersStageBeforeInput,
  UpsertProjectStageBeforeInput,
} from './stage-inputs.js';
export {
  BooleanString,
  BakeStageContext,
  CloneServerGroupStageContext,
  CreateServerGroupStageContext,
  DetermineTargetServerGroupStageContext,
  DisableClusterStageContext,
  RollbackClusterStageContext,
  ScaleDownClusterStageContext,
  ShrinkClusterStageContext,
} from './contexts/server-group.js';
export {
  StableManifest,
  DeployManifestStageContext,
  ScaleManifestStageContext,
  UndoRolloutManifestStageContext,
  PatchManifestStageContext,
  FindArtifactsFromResourceStageContext,
  UpsertLoadBalancersStageContext,
} from './contexts/manifest.js';
export {
  EvaluateArtifactsStageContext,
  ManualJudgmentStageContext,
  PipelineStageContext,
  SavePipelineStageContext,
  ScriptStageContext,
  TerraformStageContext,
  UpsertProjectStageContext,
} from './contexts/other.js';
