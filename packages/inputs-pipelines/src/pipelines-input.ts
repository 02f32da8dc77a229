import type * as t from 'io-ts';
import { PipelineConfig, buildPipelineConfig, deepMerge, openObject, type DeepPartial } from '@policy-engine/inputs-common';

/** Package name of Front50's save-time validation. */
export const OPA_PIPELINES = 'opa.pipelines';
/** Early-plugin name of the same save hook (2020 plugin page). */
export const PERSISTENCE_PIPELINES_BEFORE = 'spinnaker.persistence.pipelines.before';

/**
 * Input of `opa.pipelines` (and its legacy name `spinnaker.persistence.pipelines.before`):
 * `input.pipeline` is the pipeline configuration being saved. No `input.user` in the
 * published examples; extra top-level keys are kept.
 */
export const PipelinesInput = openObject('PipelinesInput', { pipeline: PipelineConfig }, {});
/** The TypeScript type of {@link PipelinesInput}. */
export type PipelinesInput = t.TypeOf<typeof PipelinesInput>;

/** A valid `opa.pipelines` input (one deployManifest stage), deep-merged with `overrides`. */
export function buildPipelinesInput(overrides?: DeepPartial<PipelinesInput>): PipelinesInput {
  return deepMerge<PipelinesInput>({ pipeline: buildPipelineConfig() }, overrides);
}
