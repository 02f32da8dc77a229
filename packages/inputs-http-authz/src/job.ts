import * as t from 'io-ts';
import { Moniker, NumberOrString, Project, Timestamp, nullable, oneOfKinds, openObject } from '@policy-engine/inputs-common';

/** `permissions` of an application: role names per action. */
export const ApplicationPermissions = openObject(
  'ApplicationPermissions',
  {},
  { READ: t.array(t.string), WRITE: t.array(t.string), EXECUTE: t.array(t.string) },
);

/** `job[].application` of createApplication / updateApplication tasks. */
export const ApplicationSpec = openObject(
  'ApplicationSpec',
  {},
  {
    name: t.string,
    email: t.string,
    description: t.string,
    /** Comma-separated list, e.g. `"kubernetes,aws"`. */
    cloudProviders: t.string,
    instancePort: t.number,
    permissions: ApplicationPermissions,
    repoProjectKey: t.string,
    repoSlug: t.string,
    repoType: t.string,
    lastModifiedBy: t.string,
    user: t.string,
    updateTs: Timestamp,
    dataSources: t.UnknownRecord,
    trafficGuards: t.UnknownArray,
  },
);

/**
 * One entry of `input.body.job[]` of a POST /tasks request. Fields depend on the task
 * `type` (createApplication, updateApplication, upsertProject, deployManifest,
 * deleteManifest, scaleManifest, undoRolloutManifest...); all documented ones are typed.
 */
export const HttpTaskJob = openObject(
  'HttpTaskJob',
  {},
  {
    type: t.string,
    user: t.string,
    application: oneOfKinds('ApplicationSpec | string', { object: ApplicationSpec, string: t.string }),
    project: Project,
    account: t.string,
    cloudProvider: t.string,
    location: t.string,
    manifestName: t.string,
    reason: nullable(t.string),
    replicas: NumberOrString,
    revision: NumberOrString,
    manifestArtifactAccount: t.string,
    manifest: nullable(t.UnknownRecord),
    manifests: t.array(t.UnknownRecord),
    moniker: Moniker,
    source: t.string,
    versioned: nullable(t.boolean),
    relationships: t.UnknownRecord,
    options: openObject('DeleteOptions', {}, { gracePeriodSeconds: t.number, orphanDependants: t.boolean }),
  },
);
/** The TypeScript type of {@link HttpTaskJob}. */
export type HttpTaskJob = t.TypeOf<typeof HttpTaskJob>;

/** The TypeScript type of {@link ApplicationPermissions}. */
export type ApplicationPermissions = t.TypeOf<typeof ApplicationPermissions>;

/** The TypeScript type of {@link ApplicationSpec}. */
export type ApplicationSpec = t.TypeOf<typeof ApplicationSpec>;
