/**
 * @policy-engine/engine-opa — evaluates policies on one or more real OPA servers over
 * OPA's REST API (Data API for decisions, Policy API to push modules).
 * @packageDocumentation
 */
export { opaEngine, type OpaEngine, type OpaEngineOptions, type OpaServerHealth } from './engine.js';
export { normaliseBaseUrl } from './urls.js';
