import { PolicyEngineError } from '@policy-engine/evaluator';

/** A pipeline configuration cannot be executed (missing fields, unknown or cyclic `requisiteStageRefIds`). */
export class InvalidPipelineConfig extends PolicyEngineError {
  readonly code = 'INVALID_PIPELINE_CONFIG';
  constructor(
    /** One line per problem, e.g. `stages[2].refId: expected a non-empty string`. */
    readonly problems: readonly string[],
  ) {
    super(`invalid pipeline configuration:\n  ${problems.join('\n  ')}`);
  }
}
