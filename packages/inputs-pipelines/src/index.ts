/**
 * @policy-engine/inputs-pipelines — typed input document for save-time pipeline validation
 * (`opa.pipelines`, legacy `spinnaker.persistence.pipelines.before`).
 * @packageDocumentation
 */
export { OPA_PIPELINES, PERSISTENCE_PIPELINES_BEFORE, PipelinesInput, buildPipelinesInput } from './pipelines-input.js';
