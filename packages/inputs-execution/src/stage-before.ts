import type * as t from 'io-ts';
import {
  Execution,
  StageContext,
  User,
  buildExecution,
  buildStageExecution,
  buildUser,
  deepMerge,
  openObject,
  stageExecutionOf,
  type DeepPartial,
  type OpenObjectType,
  type StageExecutionType,
} from '@policy-engine/inputs-common';

/** Package prefix of the stage hooks evaluated before a stage's tasks. */
export const STAGES_BEFORE_PREFIX = 'spinnaker.execution.stages.before.';
/** Package prefix of the after-twins (same input). */
export const STAGES_AFTER_PREFIX = 'spinnaker.execution.stages.after.';
/** Legacy usage-guide prefix for the same hook (`spinnaker.execution.task.before.<task>`). */
export const TASK_BEFORE_PREFIX = 'spinnaker.execution.task.before.';

/** `spinnaker.execution.stages.before.<stageType>`: before each task of a stage of that type. */
export function stageBeforePackage(stageType: string): string {
  return STAGES_BEFORE_PREFIX + stageType;
}

/** `spinnaker.execution.stages.after.<stageType>`: right after a stage of that type ran. */
export function stageAfterPackage(stageType: string): string {
  return STAGES_AFTER_PREFIX + stageType;
}

/** Legacy (usage guide) task hook: `spinnaker.execution.task.before.<taskName>`. */
export function legacyTaskBeforePackage(taskName: string): string {
  return TASK_BEFORE_PREFIX + taskName;
}

/** The io-ts type of a stage-hook input whose `stage.context` codec is `C`. */
export type StageBeforeInputType<C extends t.Mixed> = OpenObjectType<
  { pipeline: typeof Execution; stage: StageExecutionType<C> },
  { user: typeof User }
>;

/**
 * Codec of `spinnaker.execution.stages.before.<stageType>` inputs whose `input.stage.context`
 * is decoded by `context`: `input.pipeline` (the running execution), `input.stage`, `input.user`.
 */
export function stageBeforeInputOf<C extends t.Mixed>(name: string, context: C): StageBeforeInputType<C> {
  return openObject(name, { pipeline: Execution, stage: stageExecutionOf('StageExecution', context) }, { user: User });
}

/** Generic stage-hook input: any stage type (custom/plugin stages too); context fields untyped but kept. */
export const StageBeforeInput = stageBeforeInputOf('StageBeforeInput', StageContext);
/** The TypeScript type of {@link StageBeforeInput}. */
export type StageBeforeInput = t.TypeOf<typeof StageBeforeInput>;

/**
 * A valid stage-hook input for a running stage of type `stageType` (default `deployManifest`)
 * with an empty context, in application `myapp`, started by `alice`; deep-merged with `overrides`.
 */
export function buildGenericStageBeforeInput(overrides?: DeepPartial<StageBeforeInput>, stageType = 'deployManifest'): StageBeforeInput {
  return deepMerge<StageBeforeInput>(
    { pipeline: buildExecution(), stage: buildStageExecution(undefined, stageType), user: buildUser() },
    overrides,
  );
}
