import type * as t from 'io-ts';
import { buildProject, deepMerge, type DeepPartial } from '@policy-engine/inputs-common';
import { DeleteManifestStageBeforeInput, buildDeleteManifestStageBeforeInput } from './delete-manifest-stage.js';
import { StageBeforeInput, buildGenericStageBeforeInput } from './stage-before.js';
import {
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

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'myapp', namespace: 'staging' },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'example/myapp:1.0.0' }] } } },
};

interface StageTypeEntry {
  readonly codec: t.Mixed;
  readonly context: Readonly<Record<string, unknown>>;
}

function entry(codec: t.Mixed, defaults: Record<string, unknown>): StageTypeEntry {
  return { codec, context: defaults };
}

const aws = { cloudProvider: 'aws', cloudProviderType: 'aws', credentials: 'prod', regions: ['us-east-1'] };
const k8s = { account: 'staging', cloudProvider: 'kubernetes', location: 'staging', manifestName: 'deployment myapp' };

/** Every stage type with a package page, with its input codec and a valid default context. */
const table: Readonly<Record<string, StageTypeEntry>> = {
  bake: entry(BakeStageBeforeInput, {
    type: 'bake',
    region: 'us-east-1',
    baseOs: 'bionic',
    baseLabel: 'release',
    vmType: 'hvm',
    storeType: 'ebs',
    package: 'myapp',
    cloudProviderType: 'aws',
    user: 'alice',
    rebake: false,
  }),
  cloneServerGroup: entry(CloneServerGroupStageBeforeInput, {
    application: 'myapp',
    cloudProvider: 'aws',
    credentials: 'prod',
    region: 'us-east-1',
    targetCluster: 'myapp-prod',
    target: 'current_asg_dynamic',
    useSourceCapacity: true,
  }),
  concourse: { codec: StageBeforeInput, context: { failPipeline: true } },
  createServerGroup: entry(CreateServerGroupStageBeforeInput, {
    type: 'createServerGroup',
    account: 'prod',
    application: 'myapp',
    cloudProvider: 'aws',
    availabilityZones: { 'us-east-1': ['us-east-1a'] },
    capacity: { min: 1, max: 1, desired: 1 },
    instanceType: 't3.micro',
    strategy: 'redblack',
    subnetType: 'internal',
  }),
  deleteManifest: { codec: DeleteManifestStageBeforeInput, context: {} },
  deployManifest: entry(DeployManifestStageBeforeInput, {
    account: 'staging',
    cloudProvider: 'kubernetes',
    source: 'text',
    manifests: [deployment],
    moniker: { app: 'myapp', cluster: 'deployment myapp' },
    user: 'alice',
  }),
  determineTargetServerGroup: entry(DetermineTargetServerGroupStageBeforeInput, {
    ...aws,
    target: 'current_asg_dynamic',
  }),
  disableCluster: entry(DisableClusterStageBeforeInput, {
    ...aws,
    cluster: 'myapp-prod',
    remainingEnabledServerGroups: 1,
    preferLargerOverNewer: 'false',
  }),
  evaluateArtifacts: entry(EvaluateArtifactsStageBeforeInput, {
    artifactContents: [{ name: 'config', contents: 'key: value' }],
    expectedArtifacts: [],
  }),
  findArtifactsFromResource: entry(FindArtifactsFromResourceStageBeforeInput, {
    ...k8s,
    app: 'myapp',
    mode: 'static',
  }),
  jenkins: { codec: StageBeforeInput, context: { failPipeline: true, continuePipeline: false } },
  manualJudgment: entry(ManualJudgmentStageBeforeInput, {
    instructions: 'Approve the production deploy?',
    judgmentInputs: [],
    notifications: [],
    selectedStageRoles: ['release-managers'],
    stageTimeoutMs: 3_600_000,
    failPipeline: true,
  }),
  patchManifest: entry(PatchManifestStageBeforeInput, {
    ...k8s,
    app: 'myapp',
    mode: 'static',
    source: 'text',
    options: { mergeStrategy: 'strategic', record: true },
    patchBody: [{ metadata: { labels: { team: 'a' } } }],
  }),
  pipeline: entry(PipelineStageBeforeInput, {
    application: 'myapp',
    pipeline: '9f3c1c3e-0a51-4a8e-b1a5-0d2c8e1f6a77',
    waitForCompletion: true,
    failPipeline: true,
  }),
  rollbackCluster: entry(RollbackClusterStageBeforeInput, {
    ...aws,
    targetHealthyRollbackPercentage: 100,
  }),
  savePipeline: entry(SavePipelineStageBeforeInput, {
    application: 'myapp',
    pipeline: Buffer.from('{"application":"myapp","name":"deploy"}').toString('base64'),
    'pipeline.id': '9f3c1c3e-0a51-4a8e-b1a5-0d2c8e1f6a77',
    'pipeline.name': 'deploy',
    'notification.type': 'savepipeline',
    staleCheck: false,
    user: 'alice',
  }),
  scaleDownCluster: entry(ScaleDownClusterStageBeforeInput, {
    ...aws,
    cluster: 'myapp-prod',
    allowScaleDownActive: false,
    remainingFullSizeServerGroups: 1,
    preferLargerOverNewer: 'false',
  }),
  scaleManifest: entry(ScaleManifestStageBeforeInput, {
    ...k8s,
    mode: 'static',
    replicas: '3',
    user: 'alice',
    'manifest.account.name': 'staging',
    'manifest.location': 'staging',
    'manifest.name': 'deployment myapp',
  }),
  script: entry(ScriptStageBeforeInput, {
    command: 'echo hello',
    user: 'alice',
    waitForCompletion: true,
    failPipeline: true,
  }),
  shrinkCluster: entry(ShrinkClusterStageBeforeInput, {
    ...aws,
    cluster: 'myapp-prod',
    shrinkToSize: 1,
    allowDeleteActive: false,
    retainLargerOverNewer: 'false',
  }),
  terraform: entry(TerraformStageBeforeInput, {
    action: 'plan',
    terraformVersion: '0.13.3',
    artifacts: [],
    expectedArtifacts: [],
    planForDestroy: false,
  }),
  undoRolloutManifest: entry(UndoRolloutManifestStageBeforeInput, {
    ...k8s,
    mode: 'static',
    numRevisionsBack: 1,
    reason: 'bad deploy',
    user: 'alice',
  }),
  upsertLoadBalancers: entry(UpsertLoadBalancersStageBeforeInput, {
    loadBalancers: [],
    targets: [],
    'notification.type': 'upsertloadbalancer',
  }),
  upsertProject: entry(UpsertProjectStageBeforeInput, { project: buildProject(), user: 'alice' }),
  webhook: { codec: StageBeforeInput, context: { failPipeline: true } },
  wercker: { codec: StageBeforeInput, context: { failPipeline: true, continuePipeline: false } },
};

/** Stage types that have a `spinnaker.execution.stages.before.<type>` package page. */
export const DOCUMENTED_STAGE_TYPES: readonly string[] = Object.keys(table);

/**
 * The input codec for a stage type's hook (`before` and `after` share it): the typed
 * per-type codec for documented types, {@link StageBeforeInput} for any other (custom) type.
 */
export function stageBeforeInputCodec(stageType: string): t.Mixed {
  return Object.hasOwn(table, stageType) ? (table[stageType]?.codec ?? StageBeforeInput) : StageBeforeInput;
}

/**
 * A valid stage-hook input for `stageType` (default `deployManifest`) with a realistic
 * default context for documented types; deep-merged with `overrides`.
 * (deleteManifest's documented input is `input.deploy`: see `buildDeleteManifestStageBeforeInput`.)
 */
export function buildStageBeforeInput(
  overrides?: DeepPartial<t.TypeOf<typeof StageBeforeInput>>,
  stageType = 'deployManifest',
): t.TypeOf<typeof StageBeforeInput> {
  const context = Object.hasOwn(table, stageType) ? (table[stageType]?.context ?? {}) : {};
  const base = buildGenericStageBeforeInput({ stage: { context: structuredClone(context) } }, stageType);
  return deepMerge<t.TypeOf<typeof StageBeforeInput>>(base, overrides);
}

/** A valid documented-shape input for any stage type (deleteManifest gets its `input.deploy` form). */
export function buildDocumentedStageBeforeInput(stageType: string): Record<string, unknown> {
  return stageType === 'deleteManifest' ? buildDeleteManifestStageBeforeInput() : buildStageBeforeInput(undefined, stageType);
}
