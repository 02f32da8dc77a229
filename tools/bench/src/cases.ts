/**
 * Reads the 48 decision cases of examples/policy-cases.json with their fixture inputs
 * (../shared/spec/fixtures). Measuring code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCases, type CaseSpec, type DecisionCase } from './workload.js';

/**
 * Where the fixture inputs live: `$BENCH_FIXTURES_DIR`, else `shared/spec/fixtures` next to the
 * checkout, else `/work/shared/spec/fixtures` (a git worktree sits one level deeper).
 */
export function fixturesDir(repoRoot: string): string {
  const fromEnv = process.env['BENCH_FIXTURES_DIR'];
  if (fromEnv) return fromEnv;
  const candidates = [join(repoRoot, '..', 'shared', 'spec', 'fixtures'), '/work/shared/spec/fixtures'];
  return candidates.find((d) => existsSync(d)) ?? (candidates[0] as string);
}

/** A fixture file's `input` (a fresh copy). */
export function fixtureInput(repoRoot: string, file: string): unknown {
  return (JSON.parse(readFileSync(join(fixturesDir(repoRoot), file), 'utf8')) as { input: unknown }).input;
}

/** The example decision cases, inputs built. */
export function loadCases(repoRoot: string): DecisionCase[] {
  const specs = (JSON.parse(readFileSync(join(repoRoot, 'examples', 'policy-cases.json'), 'utf8')) as { cases: CaseSpec[] }).cases;
  return buildCases(specs, (file) => fixtureInput(repoRoot, file));
}
