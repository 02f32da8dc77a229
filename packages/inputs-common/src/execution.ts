import * as t from 'io-ts';
import { openObject } from './codec/open-object.js';
import { nullable, oneOfKinds } from './codec/one-of-kinds.js';
import { Timestamp } from './codec/scalars.js';
import { StageExecution } from './stage.js';
import { Trigger, buildTrigger } from './trigger.js';
import { deepMerge, type DeepPartial } from './merge.js';

/** `input.pipeline.authentication` of a running execution. */
export const ExecutionAuthentication = openObject('ExecutionAuthentication', {}, { user: t.string, allowedAccounts: t.array(t.string) });

/** An entry of `input.pipeline.stages[]` at runtime: a full stage execution, or just its id. */
export const StageExecutionOrId = oneOfKinds('StageExecution | string (stage id)', {
  object: StageExecution,
  string: t.string,
});
/** The TypeScript type of {@link StageExecutionOrId}. */
export type StageExecutionOrId = t.TypeOf<typeof StageExecutionOrId>;

/** `input.pipeline` in runtime stage packages: the running pipeline execution. */
export const Execution = openObject(
  'Execution',
  {},
  {
    id: t.string,
    type: t.string,
    application: t.string,
    name: nullable(t.string),
    description: nullable(t.string),
    status: t.string,
    origin: t.string,
    authentication: ExecutionAuthentication,
    buildTime: Timestamp,
    startTime: nullable(Timestamp),
    endTime: nullable(Timestamp),
    startTimeExpiry: nullable(Timestamp),
    canceled: t.boolean,
    canceledBy: nullable(t.string),
    cancellationReason: nullable(t.string),
    keepWaitingPipelines: t.boolean,
    limitConcurrent: t.boolean,
    partition: nullable(t.string),
    paused: nullable(t.UnknownRecord),
    pipelineConfigId: nullable(t.string),
    source: nullable(t.UnknownRecord),
    spelEvaluator: nullable(t.string),
    templateVariables: nullable(t.UnknownRecord),
    stages: t.array(StageExecutionOrId),
    trigger: Trigger,
    initialConfig: t.UnknownRecord,
    notifications: t.UnknownArray,
    systemNotifications: t.UnknownArray,
  },
);
/** The TypeScript type of {@link Execution}. */
export type Execution = t.TypeOf<typeof Execution>;

/** A valid running execution of application `myapp`, deep-merged with `overrides`. */
export function buildExecution(overrides?: DeepPartial<Execution>): Execution {
  return deepMerge<Execution>(
    {
      id: '01F5GQ0SZ2T8Y4M6X0P3R7V9K1',
      type: 'PIPELINE',
      application: 'myapp',
      name: 'deploy',
      description: null,
      status: 'RUNNING',
      origin: 'api',
      authentication: { user: 'alice', allowedAccounts: ['staging'] },
      buildTime: 1620926703486,
      startTime: 1620926703486,
      endTime: null,
      startTimeExpiry: null,
      canceled: false,
      canceledBy: null,
      cancellationReason: null,
      keepWaitingPipelines: false,
      limitConcurrent: true,
      partition: null,
      paused: null,
      pipelineConfigId: '9f3c1c3e-0a51-4a8e-b1a5-0d2c8e1f6a77',
      source: null,
      spelEvaluator: 'v4',
      templateVariables: null,
      stages: [],
      trigger: buildTrigger(),
      initialConfig: {},
      notifications: [],
      systemNotifications: [],
    },
    overrides,
  );
}

/** The TypeScript type of {@link ExecutionAuthentication}. */
export type ExecutionAuthentication = t.TypeOf<typeof ExecutionAuthentication>;
