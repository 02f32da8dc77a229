import * as t from 'io-ts';
import { openObject } from './codec/open-object.js';
import { nullable } from './codec/one-of-kinds.js';
import { deepMerge, type DeepPartial } from './merge.js';

/** Fields every Clouddriver deploy/operation description (`input.deploy`) carries. */
export const deployDescriptionCommonProps = {
  account: t.string,
  credentials: t.string,
  events: t.UnknownArray,
};

/** `options` of a deleteManifest description; unset options are `null`. */
export const DeleteManifestOptions = openObject(
  'DeleteManifestOptions',
  {},
  {
    apiVersion: nullable(t.string),
    dryRun: nullable(t.boolean),
    gracePeriodSeconds: nullable(t.number),
    kind: nullable(t.string),
    orphanDependents: nullable(t.boolean),
    preconditions: nullable(t.UnknownRecord),
    propagationPolicy: nullable(t.string),
  },
);

/**
 * `input.deploy` of a deleteManifest operation. Shared by
 * `spinnaker.deployment.tasks.before.deleteManifest` and (as its docs show)
 * `spinnaker.execution.stages.before.deleteManifest`.
 */
export const DeleteManifestDeploy = openObject(
  'DeleteManifestDeploy',
  {},
  {
    ...deployDescriptionCommonProps,
    location: t.string,
    manifestName: t.string,
    labelSelectors: openObject('LabelSelectors', {}, { empty: t.boolean, notEmpty: t.boolean, selectors: t.UnknownArray }),
    options: DeleteManifestOptions,
    allCoordinates: t.UnknownArray,
    kinds: t.UnknownArray,
  },
);
/** The TypeScript type of {@link DeleteManifestDeploy}. */
export type DeleteManifestDeploy = t.TypeOf<typeof DeleteManifestDeploy>;

/** A valid deleteManifest description (`deployment myapp` in `staging`), deep-merged with `overrides`. */
export function buildDeleteManifestDeploy(overrides?: DeepPartial<DeleteManifestDeploy>): DeleteManifestDeploy {
  return deepMerge<DeleteManifestDeploy>(
    {
      account: 'staging',
      credentials: 'staging',
      location: 'staging',
      manifestName: 'deployment myapp',
      labelSelectors: { empty: true, notEmpty: false, selectors: [] },
      options: {
        apiVersion: null,
        dryRun: null,
        gracePeriodSeconds: 30,
        kind: null,
        orphanDependents: null,
        preconditions: null,
        propagationPolicy: null,
      },
      allCoordinates: [],
      kinds: [],
      events: [],
    },
    overrides,
  );
}

/** The TypeScript type of {@link DeleteManifestOptions}. */
export type DeleteManifestOptions = t.TypeOf<typeof DeleteManifestOptions>;
