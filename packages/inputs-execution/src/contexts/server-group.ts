import * as t from 'io-ts';
import { Capacity, oneOfKinds, openObject, stageContextCommonProps } from '@policy-engine/inputs-common';

/** A flag documented as the string "true"/"false"; real booleans are tolerated. */
export const BooleanString = oneOfKinds('"true" | "false" string | boolean', { string: t.string, boolean: t.boolean });

/** Context of a `bake` stage (AWS AMI bake settings). */
export const BakeStageContext = openObject(
  'BakeStageContext',
  {},
  {
    ...stageContextCommonProps,
    amiSuffix: t.string,
    baseAmi: t.string,
    baseLabel: t.string,
    baseOs: t.string,
    cloudProviderType: t.string,
    name: t.string,
    package: t.string,
    rebake: t.boolean,
    region: t.string,
    regions: t.array(t.string),
    storeType: t.string,
    type: t.string,
    user: t.string,
    vmType: t.string,
    extendedAttributes: t.UnknownRecord,
  },
);

/** Context of a `cloneServerGroup` stage. */
export const CloneServerGroupStageContext = openObject(
  'CloneServerGroupStageContext',
  {},
  {
    ...stageContextCommonProps,
    application: t.string,
    attempt: t.number,
    capacity: Capacity,
    cloudProvider: t.string,
    cloudProviderType: t.string,
    consecutiveNotFound: t.number,
    copySourceCustomBlockDeviceMappings: t.boolean,
    credentials: t.string,
    freeFormDetails: t.string,
    lastException: t.string,
    region: t.string,
    stack: t.string,
    target: t.string,
    targetCluster: t.string,
    useAmiBlockDeviceMappings: t.boolean,
    useSourceCapacity: t.boolean,
  },
);

/** Context of a `createServerGroup` stage. */
export const CreateServerGroupStageContext = openObject(
  'CreateServerGroupStageContext',
  {},
  {
    ...stageContextCommonProps,
    account: t.string,
    application: t.string,
    availabilityZones: t.record(t.string, t.array(t.string)),
    capacity: Capacity,
    cloudProvider: t.string,
    cooldown: t.number,
    copySourceCustomBlockDeviceMappings: t.boolean,
    ebsOptimized: t.boolean,
    freeFormDetails: t.string,
    healthCheckGracePeriod: t.number,
    healthCheckType: t.string,
    iamRole: t.string,
    instanceMonitoring: t.boolean,
    instanceType: t.string,
    keyPair: t.string,
    name: t.string,
    provider: t.string,
    reason: t.string,
    spotPrice: t.string,
    stack: t.string,
    strategy: t.string,
    subnetType: t.string,
    targetHealthyDeployPercentage: t.number,
    terminationPolicies: t.array(t.string),
    type: t.string,
    useAmiBlockDeviceMappings: t.boolean,
    source: t.UnknownRecord,
    tags: t.UnknownRecord,
    loadBalancers: t.UnknownArray,
    securityGroups: t.UnknownArray,
    targetGroups: t.UnknownArray,
    suspendedProcesses: t.UnknownArray,
    enabledMetrics: t.UnknownArray,
  },
);

/** Context of a `determineTargetServerGroup` stage. */
export const DetermineTargetServerGroupStageContext = openObject(
  'DetermineTargetServerGroupStageContext',
  {},
  {
    ...stageContextCommonProps,
    action: t.string,
    cloudProvider: t.string,
    cloudProviderType: t.string,
    cluster: t.string,
    credentials: t.string,
    regions: t.array(t.string),
    target: t.string,
  },
);

/** Context of a `disableCluster` stage. */
export const DisableClusterStageContext = openObject(
  'DisableClusterStageContext',
  {},
  {
    ...stageContextCommonProps,
    cloudProvider: t.string,
    cloudProviderType: t.string,
    cluster: t.string,
    credentials: t.string,
    interestingHealthProviderNames: t.array(t.string),
    preferLargerOverNewer: BooleanString,
    regions: t.array(t.string),
    remainingEnabledServerGroups: t.number,
  },
);

/** Context of a `rollbackCluster` stage. */
export const RollbackClusterStageContext = openObject(
  'RollbackClusterStageContext',
  {},
  {
    ...stageContextCommonProps,
    cloudProvider: t.string,
    cloudProviderType: t.string,
    credentials: t.string,
    regions: t.array(t.string),
    targetHealthyRollbackPercentage: t.number,
  },
);

/** Context of a `scaleDownCluster` stage. */
export const ScaleDownClusterStageContext = openObject(
  'ScaleDownClusterStageContext',
  {},
  {
    ...stageContextCommonProps,
    allowScaleDownActive: t.boolean,
    cloudProvider: t.string,
    cloudProviderType: t.string,
    cluster: t.string,
    credentials: t.string,
    interestingHealthProviderNames: t.array(t.string),
    preferLargerOverNewer: BooleanString,
    regions: t.array(t.string),
    remainingFullSizeServerGroups: t.number,
  },
);

/** Context of a `shrinkCluster` stage. */
export const ShrinkClusterStageContext = openObject(
  'ShrinkClusterStageContext',
  {},
  {
    ...stageContextCommonProps,
    allowDeleteActive: t.boolean,
    cloudProvider: t.string,
    cloudProviderType: t.string,
    cluster: t.string,
    credentials: t.string,
    interestingHealthProviderNames: t.array(t.string),
    regions: t.array(t.string),
    retainLargerOverNewer: BooleanString,
    shrinkToSize: t.number,
  },
);

/** The TypeScript type of {@link BooleanString}. */
export type BooleanString = t.TypeOf<typeof BooleanString>;

/** The TypeScript type of {@link BakeStageContext}. */
export type BakeStageContext = t.TypeOf<typeof BakeStageContext>;

/** The TypeScript type of {@link CloneServerGroupStageContext}. */
export type CloneServerGroupStageContext = t.TypeOf<typeof CloneServerGroupStageContext>;

/** The TypeScript type of {@link CreateServerGroupStageContext}. */
export type CreateServerGroupStageContext = t.TypeOf<typeof CreateServerGroupStageContext>;

/** The TypeScript type of {@link DetermineTargetServerGroupStageContext}. */
export type DetermineTargetServerGroupStageContext = t.TypeOf<typeof DetermineTargetServerGroupStageContext>;

/** The TypeScript type of {@link DisableClusterStageContext}. */
export type DisableClusterStageContext = t.TypeOf<typeof DisableClusterStageContext>;

/** The TypeScript type of {@link RollbackClusterStageContext}. */
export type RollbackClusterStageContext = t.TypeOf<typeof RollbackClusterStageContext>;

/** The TypeScript type of {@link ScaleDownClusterStageContext}. */
export type ScaleDownClusterStageContext = t.TypeOf<typeof ScaleDownClusterStageContext>;

/** The TypeScript type of {@link ShrinkClusterStageContext}. */
export type ShrinkClusterStageContext = t.TypeOf<typeof ShrinkClusterStageContext>;
