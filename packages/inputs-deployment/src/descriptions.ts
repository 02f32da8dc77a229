import * as t from 'io-ts';
import {
  Artifact,
  DeleteManifestDeploy,
  Moniker,
  NumberOrString,
  deployDescriptionCommonProps,
  nullable,
  oneOfKinds,
  openObject,
} from '@policy-engine/inputs-common';

/** `input.deploy` of any deployment task: the resolved Clouddriver operation description. */
export const DeployDescription = openObject('DeployDescription', {}, deployDescriptionCommonProps);

/** `input.deploy` of a deployManifest task (`manifests[]` holds the Kubernetes manifests). */
export const DeployManifestDeploy = openObject(
  'DeployManifestDeploy',
  {},
  {
    ...deployDescriptionCommonProps,
    enableTraffic: t.boolean,
    /** Documented as an array; `null` in every payload (the manifests are in `manifests`). */
    manifest: nullable(t.array(t.UnknownRecord)),
    manifestArtifact: nullable(Artifact),
    manifests: t.array(t.UnknownRecord),
    moniker: Moniker,
    namespaceOverride: nullable(t.string),
    services: nullable(t.UnknownArray),
    source: t.string,
    strategy: nullable(oneOfKinds('string | object', { string: t.string, object: t.UnknownRecord })),
    versioned: nullable(t.boolean),
    optionalArtifacts: t.array(Artifact),
    requiredArtifacts: t.array(Artifact),
  },
);

/** `input.deploy` of a scaleManifest task. */
export const ScaleManifestDeploy = openObject(
  'ScaleManifestDeploy',
  {},
  { ...deployDescriptionCommonProps, location: t.string, manifestName: t.string, replicas: t.number },
);

/** `input.deploy` of an undoRolloutManifest task (`revision` is `null` when rolling back by count). */
export const UndoRolloutManifestDeploy = openObject(
  'UndoRolloutManifestDeploy',
  {},
  {
    ...deployDescriptionCommonProps,
    location: t.string,
    manifestName: t.string,
    numRevisionsBack: t.number,
    revision: nullable(NumberOrString),
  },
);

/** `input.deploy` of a cleanupArtifacts task (`manifests[]`: the manifests being removed). */
export const CleanupArtifactsDeploy = openObject(
  'CleanupArtifactsDeploy',
  {},
  { ...deployDescriptionCommonProps, manifests: t.array(t.UnknownRecord) },
);

export { DeleteManifestDeploy };

/** The TypeScript type of {@link DeployDescription}. */
export type DeployDescription = t.TypeOf<typeof DeployDescription>;

/** The TypeScript type of {@link DeployManifestDeploy}. */
export type DeployManifestDeploy = t.TypeOf<typeof DeployManifestDeploy>;

/** The TypeScript type of {@link ScaleManifestDeploy}. */
export type ScaleManifestDeploy = t.TypeOf<typeof ScaleManifestDeploy>;

/** The TypeScript type of {@link UndoRolloutManifestDeploy}. */
export type UndoRolloutManifestDeploy = t.TypeOf<typeof UndoRolloutManifestDeploy>;

/** The TypeScript type of {@link CleanupArtifactsDeploy}. */
export type CleanupArtifactsDeploy = t.TypeOf<typeof CleanupArtifactsDeploy>;
