import * as t from 'io-ts';
import { openObject } from './codec/open-object.js';
import { oneOfKinds } from './codec/one-of-kinds.js';
import { NumberOrString, Timestamp } from './codec/scalars.js';
import { Artifact, ExpectedArtifact } from './artifact.js';
import { ConfiguredTrigger, Trigger } from './trigger.js';
import { Moniker } from './moniker.js';
import { deepMerge, type DeepPartial } from './merge.js';

/** One option of a multi-option parameter. */
export const ParameterOption = openObject('ParameterOption', {}, { value: t.string });

/** `parameterConfig[]`: a pipeline parameter definition. */
export const ParameterConfig = openObject(
  'ParameterConfig',
  {},
  {
    name: t.string,
    label: t.string,
    default: t.string,
    description: t.string,
    hasOptions: t.boolean,
    pinned: t.boolean,
    required: t.boolean,
    options: t.array(ParameterOption),
  },
);
/** The TypeScript type of {@link ParameterConfig}. */
export type ParameterConfig = t.TypeOf<typeof ParameterConfig>;

/** `capacity` of a server group. */
export const Capacity = openObject('Capacity', {}, { min: t.number, max: t.number, desired: t.number });

/** `clusters[]` of a deploy stage configuration. */
export const ClusterConfig = openObject(
  'ClusterConfig',
  {},
  {
    account: t.string,
    application: t.string,
    availabilityZones: t.record(t.string, t.array(t.string)),
    capacity: Capacity,
    cloudProvider: t.string,
    cooldown: t.number,
    copySourceCustomBlockDeviceMappings: t.boolean,
    delayBeforeDisableSec: t.number,
    delayBeforeScaleDownSec: t.number,
    ebsOptimized: t.boolean,
    freeFormDetails: t.string,
    healthCheckGracePeriod: t.number,
    healthCheckType: t.string,
    iamRole: t.string,
    instanceMonitoring: t.boolean,
    instanceType: t.string,
    keyPair: t.string,
    maxRemainingAsgs: t.number,
    provider: t.string,
    rollback: openObject('ClusterRollback', {}, { onFailure: t.boolean }),
    scaleDown: t.boolean,
    spotPrice: t.string,
    stack: t.string,
    strategy: t.string,
    subnetType: t.string,
    tags: t.record(t.string, t.string),
    targetHealthyDeployPercentage: t.number,
    terminationPolicies: t.array(t.string),
    useAmiBlockDeviceMappings: t.boolean,
  },
);

/** `trafficManagement` of a deployManifest stage configuration. */
export const TrafficManagement = openObject(
  'TrafficManagement',
  {},
  { enabled: t.boolean, options: openObject('TrafficManagementOptions', {}, { enableTraffic: t.boolean }) },
);

/** `stages[]` of a saved pipeline configuration (fields are stage-type specific and may be missing). */
export const StageConfig = openObject(
  'StageConfig',
  {},
  {
    type: t.string,
    name: t.string,
    refId: t.string,
    requisiteStageRefIds: t.array(t.string),
    account: t.string,
    app: t.string,
    cloudProvider: t.string,
    cloudProviderType: t.string,
    completeOtherBranchesThenFail: t.boolean,
    continuePipeline: t.boolean,
    failPipeline: t.boolean,
    instructions: t.string,
    location: t.string,
    manifestArtifactId: t.string,
    manifestName: t.string,
    mode: t.string,
    moniker: Moniker,
    /** Documented as string; numbers tolerated. */
    replicas: NumberOrString,
    skipExpressionEvaluation: t.boolean,
    /** deployManifest: `artifact` or `text`; some stage types hold an object here. */
    source: oneOfKinds('string | object', { string: t.string, object: t.UnknownRecord }),
    stageTimeoutMs: t.number,
    trafficManagement: TrafficManagement,
    baseAmi: t.string,
    baseLabel: t.string,
    baseOs: t.string,
    region: t.string,
    regions: t.array(t.string),
    storeType: t.string,
    user: t.string,
    vmType: t.string,
    clusters: t.array(ClusterConfig),
    expectedArtifacts: t.array(ExpectedArtifact),
    judgmentInputs: t.UnknownArray,
    notifications: t.UnknownArray,
  },
);
/** The TypeScript type of {@link StageConfig}. */
export type StageConfig = t.TypeOf<typeof StageConfig>;

/** A saved pipeline configuration (`input.pipeline` of opa.pipelines, `input.body` of POST /pipelines). */
export const PipelineConfig = openObject(
  'PipelineConfig',
  {},
  {
    application: t.string,
    id: t.string,
    name: t.string,
    index: t.number,
    disabled: t.boolean,
    keepWaitingPipelines: t.boolean,
    limitConcurrent: t.boolean,
    parallel: t.boolean,
    plan: t.boolean,
    respectQuietPeriod: t.boolean,
    lastModifiedBy: t.string,
    spelEvaluator: t.string,
    updateTs: Timestamp,
    expectedArtifacts: t.array(ExpectedArtifact),
    parameterConfig: t.array(ParameterConfig),
    stages: t.array(StageConfig),
    triggers: t.array(ConfiguredTrigger),
    notifications: t.UnknownArray,
    /** spinnaker.execution.pipelines.before only. */
    executionId: t.string,
    /** spinnaker.execution.pipelines.before only: the firing trigger. */
    trigger: Trigger,
    receivedArtifacts: t.array(Artifact),
  },
);
/** The TypeScript type of {@link PipelineConfig}. */
export type PipelineConfig = t.TypeOf<typeof PipelineConfig>;

/** A valid deployManifest stage configuration, deep-merged with `overrides`. */
export function buildStageConfig(overrides?: DeepPartial<StageConfig>): StageConfig {
  return deepMerge<StageConfig>(
    {
      type: 'deployManifest',
      name: 'Deploy (Manifest)',
      refId: '1',
      requisiteStageRefIds: [],
      account: 'staging',
      cloudProvider: 'kubernetes',
      moniker: { app: 'myapp' },
      source: 'text',
      skipExpressionEvaluation: false,
      trafficManagement: { enabled: false, options: { enableTraffic: false } },
    },
    overrides,
  );
}

/** A valid saved pipeline configuration with one deployManifest stage, deep-merged with `overrides`. */
export function buildPipelineConfig(overrides?: DeepPartial<PipelineConfig>): PipelineConfig {
  return deepMerge<PipelineConfig>(
    {
      application: 'myapp',
      id: '9f3c1c3e-0a51-4a8e-b1a5-0d2c8e1f6a77',
      name: 'deploy',
      index: 0,
      keepWaitingPipelines: false,
      limitConcurrent: true,
      lastModifiedBy: 'alice',
      spelEvaluator: 'v4',
      updateTs: '1620677311000',
      expectedArtifacts: [],
      parameterConfig: [],
      stages: [buildStageConfig()],
      triggers: [],
    },
    overrides,
  );
}

/** The TypeScript type of {@link ParameterOption}. */
export type ParameterOption = t.TypeOf<typeof ParameterOption>;

/** The TypeScript type of {@link Capacity}. */
export type Capacity = t.TypeOf<typeof Capacity>;

/** The TypeScript type of {@link ClusterConfig}. */
export type ClusterConfig = t.TypeOf<typeof ClusterConfig>;

/** The TypeScript type of {@link TrafficManagement}. */
export type TrafficManagement = t.TypeOf<typeof TrafficManagement>;
