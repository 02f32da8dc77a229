/**
 * @policy-engine/evaluator — the policy evaluation core.
 * @packageDocumentation
 */
export type { Decision, DecisionError } from './decision.js';
export type {
  DataDocument,
  Engine,
  EngineEvaluateOptions,
  EngineReadiness,
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
export {
  DEFAULT_ALLOW_PACKAGES,
  SAVE_TIME_PACKAGES,
  interpretAllow,
  interpretDeny,
  interpretDocument,
  renderDenyElement,
  type Verdict,
} from './conventions.js';
export { canonicalHash, canonicalJson } from './canonical-json.js';
export {
  CLIENT_FAULT_CODES,
  DEFAULT_MAX_INPUT_DEPTH,
  checkJsonValue,
  deepFreeze,
  frozenArrayWith,
  hasLoneSurrogate,
  isClientFault,
  type JsonShapeOptions,
  type JsonShapeProblem,
} from './input-guard.js';
/** The decision cache (`EvaluationOptions.decisionCache`): its options, and the built-ins that keep a set out of it. */
export { type DecisionCacheOptions, NONDETERMINISTIC_BUILTINS, nondeterministicBuiltins } from './decision-cache.js';
export {
  FLEET_ENV_VARIABLES,
  fleetBundleSource,
  fleetOpaBundleConfig,
  fleetDecisionLog,
  fleetSettingsFromEnv,
  withFleetFileSettings,
  type FleetFileSettings,
  type FleetSettings,
} from './fleet-settings.js';
export { jsonErrorOffset, lineColAt } from './json-location.js';
export {
  combineMetricsObservers,
  createPolicyMetrics,
  decisionMetric,
  decisionOutcome,
  type BundleMetric,
  type DecisionLogMetric,
  type DecisionMetric,
  type DecisionOutcome,
  type PolicyMetrics,
  type PolicyMetricsObserver,
  type PolicyMetricsSnapshot,
  type ReloadMetric,
} from './metrics.js';
export {
  decisionLogRecord,
  decisionLogSink,
  type DecisionLogOptions,
  type DecisionLogRecord,
  type DecisionLogSink,
  type WritableTarget,
} from './decision-log.js';
export {
  decisionLogEvent,
  decisionLogService,
  maskEvent,
  type DecisionLogEvent,
  type DecisionLogService,
  type DecisionLogServiceOptions,
  type DecisionLogStats,
  type MaskRule,
} from './decision-log-service.js';
export { discoverModule, type DiscoveredModule } from './discovery.js';
export { policyModule, type PolicyModuleInit } from './policy-module.js';
export { packageIndex, type PackageIndex } from './package-index.js';
export { loadPolicySources, type LoadedPolicies } from './load.js';
export type {
  DecisionContext,
  EvaluationOptions,
  LoadedModuleInfo,
  Logger,
  PolicyEngine,
  PolicyEngineHealth,
  PolicyEngineOptions,
  PolicySource,
  RegoVersionSetting,
  RegoVersionSource,
  ReloadResult,
} from './options.js';
export { DEFAULT_RELOAD_SETTLE_MS, DEFAULT_TIMEOUT_MS, createPolicyEngine, quietConsoleLogger } from './policy-engine.js';
export { POLICY_LABEL } from './sources/configmap.js';
export { retryDelayMs, type BundleServiceSource, type BundleStatus } from './sources/bundle-service.js';
export { bundleFileDigest, verifyBundle, type BundleVerificationConfig, type BundleVerificationKey } from './bundle-signature.js';
export { readBundleArchive, type BundleArchiveFile } from './sources/bundle.js';
