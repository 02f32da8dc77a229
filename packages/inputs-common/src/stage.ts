import * as t from 'io-ts';
import { openObject, type OpenObjectType } from './codec/open-object.js';
import { nullable } from './codec/one-of-kinds.js';
import { Timestamp } from './codec/scalars.js';
import { deepMerge, type DeepPartial } from './merge.js';

/** `input.stage.tasks[]`: one task of a stage execution. */
export const StageTask = openObject(
  'StageTask',
  {},
  {
    id: t.string,
    name: t.string,
    implementingClass: t.string,
    status: t.string,
    startTime: nullable(Timestamp),
    endTime: nullable(Timestamp),
    loopStart: t.boolean,
    loopEnd: t.boolean,
    stageStart: t.boolean,
    stageEnd: t.boolean,
  },
);
/** The TypeScript type of {@link StageTask}. */
export type StageTask = t.TypeOf<typeof StageTask>;

/** `lastModified` of a stage (set e.g. once a manual judgment is made). */
export const StageLastModified = openObject(
  'StageLastModified',
  {},
  { user: t.string, allowedAccounts: t.array(t.string), lastModifiedTime: Timestamp },
);

/** Flags every stage context may carry. The rest of a context is stage-type specific. */
export const stageContextCommonProps = {
  failPipeline: t.boolean,
  continuePipeline: t.boolean,
  completeOtherBranchesThenFail: t.boolean,
};

/** A stage context of unknown type: an object with the common flags typed and everything else kept. */
export const StageContext = openObject('StageContext', {}, stageContextCommonProps);
/** The TypeScript type of {@link StageContext}. */
export type StageContext = t.TypeOf<typeof StageContext>;

const stageProps = {
  id: t.string,
  refId: t.string,
  type: t.string,
  name: t.string,
  status: t.string,
  outputs: t.UnknownRecord,
  tasks: t.array(StageTask),
  startTime: nullable(Timestamp),
  endTime: nullable(Timestamp),
  scheduledTime: nullable(Timestamp),
  startTimeExpiry: nullable(Timestamp),
  lastModified: nullable(StageLastModified),
  parentStageId: nullable(t.string),
  syntheticStageOwner: nullable(t.string),
  requisiteStageRefIds: t.array(t.string),
};

/** The io-ts type of a stage execution whose context codec is `C`. */
export type StageExecutionType<C extends t.Mixed> = OpenObjectType<{ context: C }, typeof stageProps>;

/**
 * Codec of a stage execution (`input.stage`, objects in `input.pipeline.stages[]`) whose
 * `context` is decoded by `context` (per stage type).
 */
export function stageExecutionOf<C extends t.Mixed>(name: string, context: C): StageExecutionType<C> {
  return openObject(name, { context }, stageProps);
}

/** A stage execution with a context of any stage type. */
export const StageExecution = stageExecutionOf('StageExecution', StageContext);
/** The TypeScript type of {@link StageExecution}. */
export type StageExecution = t.TypeOf<typeof StageExecution>;

/** A valid running task, deep-merged with `overrides`. */
export function buildStageTask(overrides?: DeepPartial<StageTask>): StageTask {
  return deepMerge<StageTask>(
    {
      id: '1',
      name: 'deployManifest',
      implementingClass: 'com.netflix.spinnaker.orca.clouddriver.tasks.manifest.DeployManifestTask',
      status: 'RUNNING',
      startTime: 1620926703486,
      endTime: null,
      loopStart: false,
      loopEnd: false,
      stageStart: true,
      stageEnd: false,
    },
    overrides,
  );
}

/** A valid running stage execution of type `type` (default `deployManifest`), deep-merged with `overrides`. */
export function buildStageExecution(overrides?: DeepPartial<StageExecution>, type = 'deployManifest'): StageExecution {
  return deepMerge<StageExecution>(
    {
      id: '01F5GQ0V3NQ6W7ZB7X9Y8K2M4P',
      refId: '1',
      type,
      name: type,
      status: 'RUNNING',
      context: {},
      outputs: {},
      tasks: [buildStageTask({ name: type })],
      startTime: 1620926703486,
      endTime: null,
      scheduledTime: null,
      startTimeExpiry: null,
      lastModified: null,
      parentStageId: null,
      syntheticStageOwner: null,
      requisiteStageRefIds: [],
    },
    overrides,
  );
}

/** The TypeScript type of {@link StageLastModified}. */
export type StageLastModified = t.TypeOf<typeof StageLastModified>;
