/**
 * @policy-engine/test-kit — helpers shared by this repository's own tests, so no test file
 * copies another's: the shared spec fixtures, raw HTTP requests that node's fetch would
 * normalise, and small JSON accessors. Private; never a dependency of shipped code.
 * @packageDocumentation
 */
export { errorsOf } from './codecs.js';
export { EXAMPLE_POLICIES, decisionCases, setPointer, type DecisionCase, type ExpectedDecision } from './policy-cases.js';
export { fixtureFiles, fixtureInput, fixturesDir } from './fixtures.js';
export { parsePrometheusText, type PrometheusMetricFamily, type PrometheusSample } from './prometheus.js';
export { postJson, rawHttp, rawRequest, type RawRequestOptions, type RawResponse } from './http.js';
export { at, isRecord, keys } from './json.js';
