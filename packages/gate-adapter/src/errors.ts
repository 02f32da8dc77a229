import { PolicyEngineError } from '@policy-engine/evaluator';

/**
 * A request the adapter refuses before any policy is asked: malformed path or body,
 * body over the limit, unsupported encoding. Carries the HTTP status to answer with.
 */
export class GateRequestError extends PolicyEngineError {
  readonly code = 'GATE_REQUEST_INVALID';
  constructor(
    /** HTTP status the adapter answers with (400, 413, 415). */
    readonly status: 400 | 413 | 415,
    /** Short error name used in the JSON body (`BadRequest`, `PayloadTooLarge`, …). */
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}
