import type * as t from 'io-ts';
import {
  PipelineConfig,
  User,
  buildPipelineConfig,
  buildTrigger,
  buildUser,
  deepMerge,
  openObject,
  type DeepPartial,
} from '@policy-engine/inputs-common';

/** Package evaluated by Orca when a pipeline execution starts. */
export const EXECUTION_PIPELINES_BEFORE = 'spinnaker.execution.pipelines.before';

/**
 * Input of `spinnaker.execution.pipelines.before`: `input.pipeline` is the pipeline
 * configuration about to run (plus `executionId` and the firing `trigger`); `input.user`.
 */
export const PipelinesBeforeInput = openObject('PipelinesBeforeInput', { pipeline: PipelineConfig }, { user: User });
/** The TypeScript type of {@link PipelinesBeforeInput}. */
export type PipelinesBeforeInput = t.TypeOf<typeof PipelinesBeforeInput>;

/** A valid execution-start input for pipeline `deploy` of `myapp`, deep-merged with `overrides`. */
export function buildPipelinesBeforeInput(overrides?: DeepPartial<PipelinesBeforeInput>): PipelinesBeforeInput {
  return deepMerge<PipelinesBeforeInput>(
    {
      pipeline: buildPipelineConfig({ executionId: '01F5GQ0SZ2T8Y4M6X0P3R7V9K1', disabled: false, trigger: buildTrigger() }),
      user: buildUser(),
    },
    overrides,
  );
}
