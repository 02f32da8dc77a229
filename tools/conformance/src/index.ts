/**
 * @policy-engine/conformance — runs OPA's YAML Rego conformance cases against an engine
 * (`opa`, `native`, `wasm`) and sums up the result.
 * @packageDocumentation
 */
/** The backend seam: what an engine answers for a case. */
export type { Binding, CaseOutcome, ConformanceBackend, BackendOptions } from './backend.js';
/** Loading case files. */
export { type ConformanceCase, CaseFileError, parseCaseFile, loadCases, caseFiles } from './load.js';
/** Exact JSON values, OPA's order and Rego equality. */
export { Num, type JValue, compareValues, valuesEqual, fromPlain, toJSONText, parseJsonExact, JsonSyntaxError } from './value.js';
/** Judging an outcome against a case. */
export { type Verdict, judge, resultSetsEqual, sortBinding, errorText } from './compare.js';
/** Skip lists (`skip-<engine>.tsv`). */
export { type SkipEntry, SkipListError, parseSkipList, loadSkipList, skipFor, skipListDir } from './skip.js';
/** Running and summing up. */
export {
  type ConformanceSummary,
  type ConformanceFailure,
  type ConformanceSkip,
  type ConformanceProgress,
  type RunOptions,
  runCases,
  runConformance,
  mergeSummaries,
  summaryJson,
  formatSummary,
} from './run.js';
/** One-line figures. */
export { formatFigure, skippedCount } from './figures.js';
/** Backends. */
export { ENGINES, type EngineName, createBackend } from './backends/index.js';
export { opaBackend, opaEvalOutcome, type OpaBackendOptions } from './backends/opa.js';
export { wasmBackend, wasmErrorOutcome, queryModule, queryVariables, QUERY_PACKAGE, type WasmBackendOptions } from './backends/wasm.js';
export { nativeBackend, nativeErrorOutcome, BackendUnavailableError } from './backends/native.js';
/** Where the case trees live on this machine. */
export { type CaseTree, caseTrees, sharedSuiteDir } from './trees.js';
/** Tiers of the shared suite (`MANIFEST.tsv`'s `tier` column). */
export { type Tier, type TierMap, ManifestError, parseTiers, loadTiers, tierOf, casesOfTier } from './tiers.js';
