/**
 * @policy-engine/engine-opa — evaluates policies on one or more real OPA servers over
 * OPA's REST API (Data API for decisions, Policy API to push modules, or a bundle endpoint OPA pulls).
 * @packageDocumentation
 */
export { opaEngine, type OpaEngine, type OpaEngineOptions, type OpaServerHealth } from './engine.js';
export { normaliseBaseUrl } from './urls.js';
export { opaBundleServer, type BundleStatusReport, type OpaBundleServer, type OpaBundleServerOptions } from './bundle-server.js';
