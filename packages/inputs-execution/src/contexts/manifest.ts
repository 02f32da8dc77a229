import * as t from 'io-ts';
import { Artifact, Moniker, NumberOrString, oneOfKinds, openObject, stageContextCommonProps } from '@policy-engine/inputs-common';
import { katoContextProps, manifestCoordinateProps } from './kato.js';

/** `stableManifests[]` of manifest stage contexts. */
export const StableManifest = openObject('StableManifest', {}, { location: t.string, manifestName: t.string });

/** Context of a `deployManifest` stage: `manifests[]` holds the raw Kubernetes manifests. */
export const DeployManifestStageContext = openObject(
  'DeployManifestStageContext',
  {},
  {
    ...stageContextCommonProps,
    ...katoContextProps,
    account: t.string,
    artifacts: t.array(Artifact),
    cloudProvider: t.string,
    manifestArtifactAccount: t.string,
    manifests: t.array(t.UnknownRecord),
    moniker: Moniker,
    outputs: t.UnknownRecord,
    source: t.string,
    stableManifests: t.array(StableManifest),
    user: t.string,
    messages: t.array(t.string),
    failedManifests: t.UnknownArray,
    optionalArtifacts: t.array(Artifact),
    requiredArtifacts: t.array(Artifact),
    relationships: t.UnknownRecord,
  },
);

/** Context of a `scaleManifest` stage (`replicas` is a string in payloads; numbers tolerated). */
export const ScaleManifestStageContext = openObject(
  'ScaleManifestStageContext',
  {},
  {
    ...stageContextCommonProps,
    ...katoContextProps,
    ...manifestCoordinateProps,
    account: t.string,
    cloudProvider: t.string,
    location: t.string,
    manifestName: t.string,
    mode: t.string,
    replicas: NumberOrString,
    user: t.string,
  },
);

/** Context of an `undoRolloutManifest` stage. */
export const UndoRolloutManifestStageContext = openObject(
  'UndoRolloutManifestStageContext',
  {},
  {
    ...stageContextCommonProps,
    ...katoContextProps,
    ...manifestCoordinateProps,
    account: t.string,
    cloudProvider: t.string,
    location: t.string,
    manifestName: t.string,
    messages: t.array(t.string),
    mode: t.string,
    numRevisionsBack: t.number,
    reason: t.string,
    revision: NumberOrString,
    user: t.string,
    stableManifests: t.array(StableManifest),
    failedManifests: t.UnknownArray,
  },
);

/** Context of a `patchManifest` stage (`patchBody[]`: documented as strings, payloads hold objects). */
export const PatchManifestStageContext = openObject(
  'PatchManifestStageContext',
  {},
  {
    ...stageContextCommonProps,
    account: t.string,
    app: t.string,
    cloudProvider: t.string,
    location: t.string,
    manifestName: t.string,
    mode: t.string,
    options: openObject('PatchManifestOptions', {}, { mergeStrategy: t.string, record: t.boolean }),
    patchBody: t.array(oneOfKinds('object | string', { object: t.UnknownRecord, string: t.string })),
    source: t.string,
  },
);

/** Context of a `findArtifactsFromResource` stage. */
export const FindArtifactsFromResourceStageContext = openObject(
  'FindArtifactsFromResourceStageContext',
  {},
  {
    ...stageContextCommonProps,
    account: t.string,
    app: t.string,
    cloudProvider: t.string,
    location: t.string,
    manifestName: t.string,
    mode: t.string,
  },
);

/** Context of an `upsertLoadBalancers` stage (dotted `kato.*` and `notification.type` keys). */
export const UpsertLoadBalancersStageContext = openObject(
  'UpsertLoadBalancersStageContext',
  {},
  {
    ...stageContextCommonProps,
    ...katoContextProps,
    'notification.type': t.string,
    loadBalancers: t.UnknownArray,
    targets: t.UnknownArray,
  },
);

/** The TypeScript type of {@link StableManifest}. */
export type StableManifest = t.TypeOf<typeof StableManifest>;

/** The TypeScript type of {@link DeployManifestStageContext}. */
export type DeployManifestStageContext = t.TypeOf<typeof DeployManifestStageContext>;

/** The TypeScript type of {@link ScaleManifestStageContext}. */
export type ScaleManifestStageContext = t.TypeOf<typeof ScaleManifestStageContext>;

/** The TypeScript type of {@link UndoRolloutManifestStageContext}. */
export type UndoRolloutManifestStageContext = t.TypeOf<typeof UndoRolloutManifestStageContext>;

/** The TypeScript type of {@link PatchManifestStageContext}. */
export type PatchManifestStageContext = t.TypeOf<typeof PatchManifestStageContext>;

/** The TypeScript type of {@link FindArtifactsFromResourceStageContext}. */
export type FindArtifactsFromResourceStageContext = t.TypeOf<typeof FindArtifactsFromResourceStageContext>;

/** The TypeScript type of {@link UpsertLoadBalancersStageContext}. */
export type UpsertLoadBalancersStageContext = t.TypeOf<typeof UpsertLoadBalancersStageContext>;
