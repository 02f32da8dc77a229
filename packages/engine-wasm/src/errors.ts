import { PolicyEngineError } from '@policy-engine/evaluator';

/**
 * Every worker is busy and the queue in front of them is full (`maxQueue`): the evaluation
 * was refused at once instead of waiting. An engine fault like any other (an HTTP adapter
 * answers 503; the decision is denied unless the operator chose fail-open).
 */
export class EngineOverloaded extends PolicyEngineError {
  readonly code = 'ENGINE_OVERLOADED';
}
