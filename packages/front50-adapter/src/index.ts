/**
 * @policy-engine/front50-adapter — save-time pipeline validation (`opa.pipelines`), for one
 * pipeline or a batch.
 * @packageDocumentation
 */
export { OPA_PIPELINES_PACKAGE, PERSISTENCE_PIPELINES_BEFORE_PACKAGE } from './packages.js';
export {
  createFront50Validator,
  type BatchEntry,
  type BatchOptions,
  type BatchValidationResult,
  type Front50Validator,
  type Front50ValidatorOptions,
  type PolicyDecider,
  type SaveValidationResult,
  type SavingUser,
} from './validator.js';
