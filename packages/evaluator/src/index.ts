/**
 * @policy-engine/evaluator — the policy evaluation core.
 * @packageDocumentation
 */
export type { Decision, DecisionError } from './decision.js';
export type {
  DataDocument,
  Engine,
  EngineEvaluateOptions,
  EngineResult,
  PolicyModule,
  PolicySet,
  RegoVersion,
} from './engine.js';
export {
  ConfigurationError,
  EngineUnavailable,
  EvaluationCancelled,
  EvaluationError,
  EvaluationTimeout,
  InvalidInput,
  PolicyCompileError,
  PolicyEngineError,
  PolicySourceError,
  UnsupportedFeature,
  type PolicyProblem,
  type SourceLocation,
} from './errors.js';
