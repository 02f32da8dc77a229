/**
 * @policy-engine/testing — test helpers for policy authors: vitest matchers for decisions
 * and `policyFixture` on the native engine.
 * @packageDocumentation
 */
import type { PolicyMatchers } from './matchers.js';
import type {} from 'vitest';

/** Matchers for `expect.extend`, and their types. */
export { policyMatchers, type MatcherResult, type PolicyMatchers } from './matchers.js';
/** Policies loaded on the native engine, deciding one package. */
export { PolicyFixtureError, policyFixture, type FixturePolicies, type PolicyFixture, type PolicyFixtureOptions } from './fixture.js';

declare module 'vitest' {
  // Declaration merging must repeat vitest's own `Matchers<T = any>` signature.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends PolicyMatchers {}
}
