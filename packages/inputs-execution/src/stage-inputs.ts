import type * as t from 'io-ts';
import { stageBeforeInputOf } from './stage-before.js';
import {
  BakeStageContext,
  CloneServerGroupStageContext,
  CreateServerGroupStageContext,
  DetermineTargetServerGroupStageContext,
  DisableClusterStageContext,
  RollbackClusterStageContext,
  ScaleDownClusterStageContext,
  ShrinkClusterStageContext,
} from './contexts/server-group.js';
import {
  DeployManifestStageContext,
  FindArtifactsFromResourceStageContext,
  PatchManifestStageContext,
  ScaleManifestStageContext,
  UndoRolloutManifestStageContext,
  UpsertLoadBalancersStageContext,
} from './contexts/manifest.js';
import {
  EvaluateArtifactsStageContext,
  ManualJudgmentStageContext,
  PipelineStageContext,
  SavePipelineStageContext,
  ScriptStageContext,
  TerraformStageContext,
  UpsertProjectStageContext,
} from './contexts/other.js';

/** Input of `spinnaker.execution.stages.before.bake` (typed `stage.context`). */
export const BakeStageBeforeInput = stageBeforeInputOf('BakeStageBeforeInput', BakeStageContext);

/** Input of `spinnaker.execution.stages.before.cloneServerGroup` (typed `stage.context`). */
export const CloneServerGroupStageBeforeInput = stageBeforeInputOf('CloneServerGroupStageBeforeInput', CloneServerGroupStageContext);

/** Input of `spinnaker.execution.stages.before.createServerGroup` (typed `stage.context`). */
export const CreateServerGroupStageBeforeInput = stageBeforeInputOf('CreateServerGroupStageBeforeInput', CreateServerGroupStageContext);

/** Input of `spinnaker.execution.stages.before.deployManifest` (typed `stage.context`). */
export const DeployManifestStageBeforeInput = stageBeforeInputOf('DeployManifestStageBeforeInput', DeployManifestStageContext);

/** Input of `spinnaker.execution.stages.before.determineTargetServerGroup` (typed `stage.context`). */
export const DetermineTargetServerGroupStageBeforeInput = stageBeforeInputOf(
  'DetermineTargetServerGroupStageBeforeInput',
  DetermineTargetServerGroupStageContext,
);

/** Input of `spinnaker.execution.stages.before.disableCluster` (typed `stage.context`). */
export const DisableClusterStageBeforeInput = stageBeforeInputOf('DisableClusterStageBeforeInput', DisableClusterStageContext);

/** Input of `spinnaker.execution.stages.before.evaluateArtifacts` (typed `stage.context`). */
export const EvaluateArtifactsStageBeforeInput = stageBeforeInputOf('EvaluateArtifactsStageBeforeInput', EvaluateArtifactsStageContext);

/** Input of `spinnaker.execution.stages.before.findArtifactsFromResource` (typed `stage.context`). */
export const FindArtifactsFromResourceStageBeforeInput = stageBeforeInputOf(
  'FindArtifactsFromResourceStageBeforeInput',
  FindArtifactsFromResourceStageContext,
);

/** Input of `spinnaker.execution.stages.before.manualJudgment` (typed `stage.context`). */
export const ManualJudgmentStageBeforeInput = stageBeforeInputOf('ManualJudgmentStageBeforeInput', ManualJudgmentStageContext);

/** Input of `spinnaker.execution.stages.before.patchManifest` (typed `stage.context`). */
export const PatchManifestStageBeforeInput = stageBeforeInputOf('PatchManifestStageBeforeInput', PatchManifestStageContext);

/** Input of `spinnaker.execution.stages.before.pipeline` (typed `stage.context`). */
export const PipelineStageBeforeInput = stageBeforeInputOf('PipelineStageBeforeInput', PipelineStageContext);

/** Input of `spinnaker.execution.stages.before.rollbackCluster` (typed `stage.context`). */
export const RollbackClusterStageBeforeInput = stageBeforeInputOf('RollbackClusterStageBeforeInput', RollbackClusterStageContext);

/** Input of `spinnaker.execution.stages.before.savePipeline` (typed `stage.context`). */
export const SavePipelineStageBeforeInput = stageBeforeInputOf('SavePipelineStageBeforeInput', SavePipelineStageContext);

/** Input of `spinnaker.execution.stages.before.scaleDownCluster` (typed `stage.context`). */
export const ScaleDownClusterStageBeforeInput = stageBeforeInputOf('ScaleDownClusterStageBeforeInput', ScaleDownClusterStageContext);

/** Input of `spinnaker.execution.stages.before.scaleManifest` (typed `stage.context`). */
export const ScaleManifestStageBeforeInput = stageBeforeInputOf('ScaleManifestStageBeforeInput', ScaleManifestStageContext);

/** Input of `spinnaker.execution.stages.before.script` (typed `stage.context`). */
export const ScriptStageBeforeInput = stageBeforeInputOf('ScriptStageBeforeInput', ScriptStageContext);

/** Input of `spinnaker.execution.stages.before.shrinkCluster` (typed `stage.context`). */
export const ShrinkClusterStageBeforeInput = stageBeforeInputOf('ShrinkClusterStageBeforeInput', ShrinkClusterStageContext);

/** Input of `spinnaker.execution.stages.before.terraform` (typed `stage.context`). */
export const TerraformStageBeforeInput = stageBeforeInputOf('TerraformStageBeforeInput', TerraformStageContext);

/** Input of `spinnaker.execution.stages.before.undoRolloutManifest` (typed `stage.context`). */
export const UndoRolloutManifestStageBeforeInput = stageBeforeInputOf(
  'UndoRolloutManifestStageBeforeInput',
  UndoRolloutManifestStageContext,
);

/** Input of `spinnaker.execution.stages.before.upsertLoadBalancers` (typed `stage.context`). */
export const UpsertLoadBalancersStageBeforeInput = stageBeforeInputOf(
  'UpsertLoadBalancersStageBeforeInput',
  UpsertLoadBalancersStageContext,
);

/** Input of `spinnaker.execution.stages.before.upsertProject` (typed `stage.context`). */
export const UpsertProjectStageBeforeInput = stageBeforeInputOf('UpsertProjectStageBeforeInput', UpsertProjectStageContext);

/** The TypeScript type of {@link BakeStageBeforeInput}. */
export type BakeStageBeforeInput = t.TypeOf<typeof BakeStageBeforeInput>;

/** The TypeScript type of {@link CloneServerGroupStageBeforeInput}. */
export type CloneServerGroupStageBeforeInput = t.TypeOf<typeof CloneServerGroupStageBeforeInput>;

/** The TypeScript type of {@link CreateServerGroupStageBeforeInput}. */
export type CreateServerGroupStageBeforeInput = t.TypeOf<typeof CreateServerGroupStageBeforeInput>;

/** The TypeScript type of {@link DeployManifestStageBeforeInput}. */
export type DeployManifestStageBeforeInput = t.TypeOf<typeof DeployManifestStageBeforeInput>;

/** The TypeScript type of {@link DetermineTargetServerGroupStageBeforeInput}. */
export type DetermineTargetServerGroupStageBeforeInput = t.TypeOf<typeof DetermineTargetServerGroupStageBeforeInput>;

/** The TypeScript type of {@link DisableClusterStageBeforeInput}. */
export type DisableClusterStageBeforeInput = t.TypeOf<typeof DisableClusterStageBeforeInput>;

/** The TypeScript type of {@link EvaluateArtifactsStageBeforeInput}. */
export type EvaluateArtifactsStageBeforeInput = t.TypeOf<typeof EvaluateArtifactsStageBeforeInput>;

/** The TypeScript type of {@link FindArtifactsFromResourceStageBeforeInput}. */
export type FindArtifactsFromResourceStageBeforeInput = t.TypeOf<typeof FindArtifactsFromResourceStageBeforeInput>;

/** The TypeScript type of {@link ManualJudgmentStageBeforeInput}. */
export type ManualJudgmentStageBeforeInput = t.TypeOf<typeof ManualJudgmentStageBeforeInput>;

/** The TypeScript type of {@link PatchManifestStageBeforeInput}. */
export type PatchManifestStageBeforeInput = t.TypeOf<typeof PatchManifestStageBeforeInput>;

/** The TypeScript type of {@link PipelineStageBeforeInput}. */
export type PipelineStageBeforeInput = t.TypeOf<typeof PipelineStageBeforeInput>;

/** The TypeScript type of {@link RollbackClusterStageBeforeInput}. */
export type RollbackClusterStageBeforeInput = t.TypeOf<typeof RollbackClusterStageBeforeInput>;

/** The TypeScript type of {@link SavePipelineStageBeforeInput}. */
export type SavePipelineStageBeforeInput = t.TypeOf<typeof SavePipelineStageBeforeInput>;

/** The TypeScript type of {@link ScaleDownClusterStageBeforeInput}. */
export type ScaleDownClusterStageBeforeInput = t.TypeOf<typeof ScaleDownClusterStageBeforeInput>;

/** The TypeScript type of {@link ScaleManifestStageBeforeInput}. */
export type ScaleManifestStageBeforeInput = t.TypeOf<typeof ScaleManifestStageBeforeInput>;

/** The TypeScript type of {@link ScriptStageBeforeInput}. */
export type ScriptStageBeforeInput = t.TypeOf<typeof ScriptStageBeforeInput>;

/** The TypeScript type of {@link ShrinkClusterStageBeforeInput}. */
export type ShrinkClusterStageBeforeInput = t.TypeOf<typeof ShrinkClusterStageBeforeInput>;

/** The TypeScript type of {@link TerraformStageBeforeInput}. */
export type TerraformStageBeforeInput = t.TypeOf<typeof TerraformStageBeforeInput>;

/** The TypeScript type of {@link UndoRolloutManifestStageBeforeInput}. */
export type UndoRolloutManifestStageBeforeInput = t.TypeOf<typeof UndoRolloutManifestStageBeforeInput>;

/** The TypeScript type of {@link UpsertLoadBalancersStageBeforeInput}. */
export type UpsertLoadBalancersStageBeforeInput = t.TypeOf<typeof UpsertLoadBalancersStageBeforeInput>;

/** The TypeScript type of {@link UpsertProjectStageBeforeInput}. */
export type UpsertProjectStageBeforeInput = t.TypeOf<typeof UpsertProjectStageBeforeInput>;
