/**
 * Reads the 48 decision cases of examples/policy-cases.json with their fixture inputs
 * (../shared/spec/fixtures). Measuring code.
 */
import { readFileSync } from 'node:fs';
import { sharedDir } from '@policy-engine/opa';
import { join } from 'node:path';
import { buildCases, type CaseSpec, type DecisionCase } from './workload.js';

/**
 * Where the fixture inputs live: `$BENCH_FIXTURES_DIR`, else `spec/fixtures` in the shared facts
 * (`sharedDir()` of `@policy-engine/opa`: `$POLICY_ENGINE_SHARED_DIR`, else `<repo>/../shared`).
 */
export function fixturesDir(): string {
  const fromEnv = process.env['BENCH_FIXTURES_DIR'];
  if (fromEnv) return fromEnv;
  return join(sharedDir(), 'spec', 'fixtures');
}

/** A fixture file's `input` (a fresh copy). */
export function fixtureInput(repoRoot: string, file: string): unknown {
  return (JSON.parse(readFileSync(join(fixturesDir(), file), 'utf8')) as { input: unknown }).input;
}

/** The example decision cases, inputs built. */
export function loadCases(repoRoot: string): DecisionCase[] {
  const specs = (JSON.parse(readFileSync(join(repoRoot, 'examples', 'policy-cases.json'), 'utf8')) as { cases: CaseSpec[] }).cases;
  return buildCases(specs, (file) => fixtureInput(repoRoot, file));
}
