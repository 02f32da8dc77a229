/**
 * @policy-engine/reliability — issue 9's reliability suite: the example gate under load from a
 * second process while its OPA is killed and wiped, and while its policy set is swapped.
 * @packageDocumentation
 */
export { basic, sleep, startExampleGate, type ExampleGate, type ExampleGateOptions } from './gate.js';
export {
  checkReloadRecords,
  policyVersion,
  RELOAD_KINDS,
  runHotReload,
  type HotReloadOptions,
  type HotReloadResult,
} from './hot-reload.js';
export { startLoad, type RunningLoad } from './load.js';
export type { LoadPlan, LoadRecord, LoadReport, LoadRequestKind } from './load-types.js';
export { OUTAGE_KINDS, percentile, runOpaOutage, type OpaOutageOptions, type OpaOutageResult, type OutageEvent } from './outage.js';
