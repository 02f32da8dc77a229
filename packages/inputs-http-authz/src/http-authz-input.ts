import * as t from 'io-ts';
import {
  PipelineConfig,
  User,
  buildPipelineConfig,
  buildProject,
  buildUser,
  deepMerge,
  oneOfKinds,
  openObject,
  type DeepPartial,
} from '@policy-engine/inputs-common';
import { HttpTaskJob } from './job.js';

/** The single Gate package. */
export const HTTP_AUTHZ = 'spinnaker.http.authz';

/**
 * `input.body` of a request (POST/PUT only): a pipeline for POST /pipelines, a task
 * (`application`, `description`, `job[]`) for POST /tasks. `jobs` (plural) appears in the
 * usage-guide example and is typed like `job`.
 */
export const HttpAuthzBody = openObject(
  'HttpAuthzBody',
  {},
  {
    ...PipelineConfig.optional,
    description: t.string,
    project: t.string,
    job: t.array(HttpTaskJob),
    jobs: t.array(HttpTaskJob),
  },
);

/** `input.body`: an object (typed as {@link HttpAuthzBody}), or any array / null body. */
export const HttpRequestBody = oneOfKinds('HttpAuthzBody | array | null', {
  object: HttpAuthzBody,
  array: t.UnknownArray,
  null: t.null,
});

/** Input of `spinnaker.http.authz`: `method`, `path[]` (request path split on `/`), `user`, `body`. */
export const HttpAuthzInput = openObject(
  'HttpAuthzInput',
  { method: t.string, path: t.array(t.string) },
  { user: User, body: HttpRequestBody },
);
/** The TypeScript type of {@link HttpAuthzInput}. */
export type HttpAuthzInput = t.TypeOf<typeof HttpAuthzInput>;

/** A valid GET /applications request by `alice`, deep-merged with `overrides`. */
export function buildHttpAuthzInput(overrides?: DeepPartial<HttpAuthzInput>): HttpAuthzInput {
  return deepMerge<HttpAuthzInput>({ method: 'GET', path: ['applications'], user: buildUser() }, overrides);
}

/** A valid POST /pipelines request saving the default pipeline, deep-merged with `overrides`. */
export function buildHttpAuthzPipelineInput(overrides?: DeepPartial<HttpAuthzInput>): HttpAuthzInput {
  return deepMerge<HttpAuthzInput>({ method: 'POST', path: ['pipelines'], user: buildUser(), body: buildPipelineConfig() }, overrides);
}

function defaultJob(taskType: string): Record<string, unknown> {
  const manifest = { account: 'staging', cloudProvider: 'kubernetes', location: 'staging', manifestName: 'deployment myapp' };
  switch (taskType) {
    case 'createApplication':
    case 'updateApplication':
      return {
        application: {
          name: 'myapp',
          email: 'team@example.com',
          cloudProviders: 'kubernetes',
          instancePort: 80,
          permissions: { READ: ['dev-team'], WRITE: ['dev-team'], EXECUTE: ['dev-team'] },
        },
      };
    case 'upsertProject':
      return { project: buildProject() };
    case 'deployManifest':
      return {
        account: 'staging',
        cloudProvider: 'kubernetes',
        manifestArtifactAccount: 'embedded-artifact',
        manifests: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'myapp' } }],
        moniker: { app: 'myapp', cluster: 'deployment myapp' },
        source: 'text',
        versioned: null,
      };
    case 'deleteManifest':
      return { ...manifest, options: { gracePeriodSeconds: 30, orphanDependants: false }, reason: null };
    case 'scaleManifest':
      return { ...manifest, replicas: '3', reason: null };
    case 'undoRolloutManifest':
      return { ...manifest, revision: '2', reason: 'bad deploy' };
    default:
      return {};
  }
}

/**
 * A valid POST /tasks request creating one task of `taskType` (default `createApplication`)
 * for application `myapp` by `alice`; deep-merged with `overrides`.
 */
export function buildHttpAuthzTaskInput(overrides?: DeepPartial<HttpAuthzInput>, taskType = 'createApplication'): HttpAuthzInput {
  return deepMerge<HttpAuthzInput>(
    {
      method: 'POST',
      path: ['tasks'],
      user: buildUser(),
      body: {
        application: 'myapp',
        description: `${taskType} myapp`,
        job: [{ type: taskType, user: 'alice', ...defaultJob(taskType) }],
      },
    },
    overrides,
  );
}

/** The TypeScript type of {@link HttpAuthzBody}. */
export type HttpAuthzBody = t.TypeOf<typeof HttpAuthzBody>;

/** The TypeScript type of {@link HttpRequestBody}. */
export type HttpRequestBody = t.TypeOf<typeof HttpRequestBody>;
