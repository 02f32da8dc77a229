import * as t from 'io-ts';
import { Artifact, ExpectedArtifact, Project, openObject, stageContextCommonProps } from '@policy-engine/inputs-common';

/** Context of an `evaluateArtifacts` stage. */
export const EvaluateArtifactsStageContext = openObject(
  'EvaluateArtifactsStageContext',
  {},
  {
    ...stageContextCommonProps,
    artifactContents: t.array(openObject('ArtifactContent', {}, { contents: t.string, name: t.string })),
    expectedArtifacts: t.array(ExpectedArtifact),
    expressionEvaluationSummary: t.UnknownRecord,
  },
);

/** Context of a `manualJudgment` stage (`selectedStageRoles[]`: roles allowed to approve). */
export const ManualJudgmentStageContext = openObject(
  'ManualJudgmentStageContext',
  {},
  {
    ...stageContextCommonProps,
    instructions: t.string,
    judgmentStatus: t.string,
    lastModifiedBy: t.string,
    selectedStageRoles: t.array(t.string),
    stageTimeoutMs: t.number,
    judgmentInputs: t.UnknownArray,
    notifications: t.UnknownArray,
  },
);

/** Context of a `pipeline` stage (runs a child pipeline). */
export const PipelineStageContext = openObject(
  'PipelineStageContext',
  {},
  {
    ...stageContextCommonProps,
    application: t.string,
    executionId: t.string,
    executionName: t.string,
    pipeline: t.string,
    waitForCompletion: t.boolean,
  },
);

/** Context of a `savePipeline` stage: `pipeline` is base64 JSON; `pipeline.id`/`pipeline.name` are literal dotted keys. */
export const SavePipelineStageContext = openObject(
  'SavePipelineStageContext',
  {},
  {
    ...stageContextCommonProps,
    application: t.string,
    'notification.type': t.string,
    pipeline: t.string,
    'pipeline.id': t.string,
    'pipeline.name': t.string,
    staleCheck: t.boolean,
    user: t.string,
  },
);

/** Context of a `script` stage. */
export const ScriptStageContext = openObject(
  'ScriptStageContext',
  {},
  {
    ...stageContextCommonProps,
    account: t.string,
    cluster: t.string,
    cmc: t.string,
    command: t.string,
    image: t.string,
    name: t.string,
    propertyFile: t.string,
    region: t.string,
    repoBranch: t.string,
    repoUrl: t.string,
    scriptPath: t.string,
    user: t.string,
    waitForCompletion: t.boolean,
  },
);

/** Context of a `terraform` stage (Armory Terraform integration). */
export const TerraformStageContext = openObject(
  'TerraformStageContext',
  {},
  {
    ...stageContextCommonProps,
    action: t.string,
    artifacts: t.array(Artifact),
    expectedArtifacts: t.array(ExpectedArtifact),
    planForDestroy: t.boolean,
    terraformVersion: t.string,
    overrides: t.UnknownRecord,
    targets: t.UnknownArray,
  },
);

/** Context of an `upsertProject` stage. */
export const UpsertProjectStageContext = openObject(
  'UpsertProjectStageContext',
  {},
  { ...stageContextCommonProps, project: Project, user: t.string },
);

/** The TypeScript type of {@link EvaluateArtifactsStageContext}. */
export type EvaluateArtifactsStageContext = t.TypeOf<typeof EvaluateArtifactsStageContext>;

/** The TypeScript type of {@link ManualJudgmentStageContext}. */
export type ManualJudgmentStageContext = t.TypeOf<typeof ManualJudgmentStageContext>;

/** The TypeScript type of {@link PipelineStageContext}. */
export type PipelineStageContext = t.TypeOf<typeof PipelineStageContext>;

/** The TypeScript type of {@link SavePipelineStageContext}. */
export type SavePipelineStageContext = t.TypeOf<typeof SavePipelineStageContext>;

/** The TypeScript type of {@link ScriptStageContext}. */
export type ScriptStageContext = t.TypeOf<typeof ScriptStageContext>;

/** The TypeScript type of {@link TerraformStageContext}. */
export type TerraformStageContext = t.TypeOf<typeof TerraformStageContext>;

/** The TypeScript type of {@link UpsertProjectStageContext}. */
export type UpsertProjectStageContext = t.TypeOf<typeof UpsertProjectStageContext>;
