import * as t from 'io-ts';
import { openObject } from './codec/open-object.js';
import { nullable } from './codec/one-of-kinds.js';
import { deepMerge, type DeepPartial } from './merge.js';

/** `metadata` of an artifact. */
export const ArtifactMetadata = openObject('ArtifactMetadata', {}, { account: t.string, id: t.string });

/** A Spinnaker artifact (under `artifacts`, `boundArtifact`, `createdArtifacts`, `matchArtifact`...). */
export const Artifact = openObject(
  'Artifact',
  {},
  {
    type: t.string,
    name: t.string,
    version: nullable(t.string),
    reference: nullable(t.string),
    location: nullable(t.string),
    artifactAccount: t.string,
    customKind: t.boolean,
    metadata: ArtifactMetadata,
    provenance: nullable(t.string),
    uuid: nullable(t.string),
    id: t.string,
  },
);
/** The TypeScript type of {@link Artifact}. */
export type Artifact = t.TypeOf<typeof Artifact>;

/** An expected artifact: the wrapper holding `defaultArtifact`, `matchArtifact`, `boundArtifact`. */
export const ExpectedArtifact = openObject(
  'ExpectedArtifact',
  {},
  {
    id: t.string,
    displayName: t.string,
    useDefaultArtifact: t.boolean,
    usePriorArtifact: t.boolean,
    defaultArtifact: nullable(Artifact),
    matchArtifact: nullable(Artifact),
    boundArtifact: nullable(Artifact),
  },
);
/** The TypeScript type of {@link ExpectedArtifact}. */
export type ExpectedArtifact = t.TypeOf<typeof ExpectedArtifact>;

/** A valid GitHub-file artifact, deep-merged with `overrides`. */
export function buildArtifact(overrides?: DeepPartial<Artifact>): Artifact {
  return deepMerge<Artifact>(
    {
      type: 'github/file',
      name: 'manifests/deploy.yaml',
      version: 'master',
      reference: 'https://api.github.com/repos/example/app/contents/manifests/deploy.yaml',
      artifactAccount: 'github',
      customKind: false,
      location: null,
      metadata: { id: 'a1b2c3d4' },
      provenance: null,
      uuid: null,
    },
    overrides,
  );
}

/** A valid expected artifact wrapping {@link buildArtifact} defaults, deep-merged with `overrides`. */
export function buildExpectedArtifact(overrides?: DeepPartial<ExpectedArtifact>): ExpectedArtifact {
  return deepMerge<ExpectedArtifact>(
    {
      id: 'e1f2a3b4',
      displayName: 'deploy-manifest',
      useDefaultArtifact: false,
      usePriorArtifact: false,
      matchArtifact: buildArtifact({ customKind: false }),
      defaultArtifact: buildArtifact(),
    },
    overrides,
  );
}

/** The TypeScript type of {@link ArtifactMetadata}. */
export type ArtifactMetadata = t.TypeOf<typeof ArtifactMetadata>;
