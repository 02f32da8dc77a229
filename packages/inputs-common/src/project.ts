import * as t from 'io-ts';
import { openObject } from './codec/open-object.js';
import { Timestamp } from './codec/scalars.js';
import { nullable } from './codec/one-of-kinds.js';
import { deepMerge, type DeepPartial } from './merge.js';

/** `config.clusters[]` of a Spinnaker project. */
export const ProjectCluster = openObject(
  'ProjectCluster',
  {},
  { account: t.string, stack: t.string, detail: t.string, applications: nullable(t.array(t.string)) },
);

/** `config.pipelineConfigs[]` of a Spinnaker project. */
export const ProjectPipelineConfig = openObject('ProjectPipelineConfig', {}, { application: t.string, pipelineConfigId: t.string });

/** A Spinnaker project (upsertProject stage context, upsertProject task job). */
export const Project = openObject(
  'Project',
  {},
  {
    id: t.string,
    name: t.string,
    email: t.string,
    createTs: Timestamp,
    updateTs: Timestamp,
    lastModifiedBy: t.string,
    config: openObject(
      'ProjectConfig',
      {},
      {
        applications: t.array(t.string),
        clusters: t.array(ProjectCluster),
        pipelineConfigs: t.array(ProjectPipelineConfig),
      },
    ),
  },
);
/** The TypeScript type of {@link Project}. */
export type Project = t.TypeOf<typeof Project>;

/** A valid project `myproject` holding application `myapp`, deep-merged with `overrides`. */
export function buildProject(overrides?: DeepPartial<Project>): Project {
  return deepMerge<Project>(
    {
      name: 'myproject',
      email: 'team@example.com',
      config: {
        applications: ['myapp'],
        clusters: [{ account: 'staging', stack: '*', detail: '*' }],
        pipelineConfigs: [],
      },
    },
    overrides,
  );
}

/** The TypeScript type of {@link ProjectCluster}. */
export type ProjectCluster = t.TypeOf<typeof ProjectCluster>;

/** The TypeScript type of {@link ProjectPipelineConfig}. */
export type ProjectPipelineConfig = t.TypeOf<typeof ProjectPipelineConfig>;
