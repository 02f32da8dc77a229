/**
 * Differential test: the native engine against the real OPA v1.22.3 on the example policies
 * (v0 and v1 modules, loaded with `regoVersion: 'auto'`). Every fixture is evaluated against
 * every example package, then `DIFF_RUNS` (1,000 by default; `npm run test:differential`
 * runs 10,000) fast-check variations of the fixtures, seeded with `DIFF_SEED`. One
 * `opa run --server` is started, the policies and data pushed once, and the inputs POSTed
 * with keep-alive in concurrent batches. Values, undefined and errors must all agree; a
 * disagreement prints the seed, the variation (fixture, mutations, input) and both results.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, loadPolicySources, type Engine, type PolicySet } from '@policy-engine/evaluator';
import { mergedData, v0CompatibleSource } from '@policy-engine/evaluator/engine-kit';
import { sharedDir, startOpaServer, type OpaServer } from '@policy-engine/opa';
import { nativeEngine } from '../src/index.js';
import { variations, type Json, type Variation } from './support/variations.js';

const here = dirname(fileURLToPath(import.meta.url));
const EXAMPLE_POLICIES = resolve(here, '../../../examples/policies');
const FIXTURES = join(sharedDir(), 'spec', 'fixtures');
const RUNS = Number(process.env['DIFF_RUNS'] ?? '1000');
const SEED = Number(process.env['DIFF_SEED'] ?? '20261203');
const CONCURRENCY = 16;

/** What one evaluation gave: a value, undefined, or an error (with the codes it mentions). */
type Outcome =
  { readonly kind: 'value'; readonly value: unknown } | { readonly kind: 'undefined' } | { readonly kind: 'error'; readonly text: string };

let opa: OpaServer;
let native: Engine;
let policySet: PolicySet;
let packages: string[];
const fixtures = new Map<string, { packageName: string; input: Json }>();

beforeAll(async () => {
  policySet = (await loadPolicySources({ kind: 'directory', path: EXAMPLE_POLICIES, regoVersion: 'auto' })).policySet;
  packages = [...new Set(policySet.modules.map((m) => m.packageName))].sort();
  native = nativeEngine();
  await native.load(policySet);
  opa = await startOpaServer({ v0Compatible: true });
  for (const m of policySet.modules) {
    const res = await fetch(`${opa.url}/v1/policies/${encodeURIComponent(m.id)}`, {
      method: 'PUT',
      body: v0CompatibleSource(m).source,
      headers: { 'content-type': 'text/plain' },
    });
    if (res.status !== 200) throw new Error(`OPA refused ${m.id}: ${await res.text()}`);
  }
  const res = await fetch(`${opa.url}/v1/data`, {
    method: 'PUT',
    body: JSON.stringify(mergedData(policySet)),
    headers: { 'content-type': 'application/json' },
  });
  if (res.status !== 204) throw new Error(`OPA refused the data: ${await res.text()}`);
  for (const file of readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.input.json'))
    .sort()) {
    const name = file.slice(0, -'.input.json'.length);
    const owner = packages.filter((p) => name === p || name.startsWith(`${p}.`)).sort((a, b) => b.length - a.length)[0];
    const doc = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { input: Json };
    fixtures.set(name, { packageName: owner ?? name, input: doc.input });
  }
}, 60_000);

afterAll(async () => {
  await opa?.stop();
  await native?.close();
});

async function viaOpa(packageName: string, input: Json): Promise<Outcome> {
  const res = await fetch(`${opa.url}/v1/data/${packageName.split('.').join('/')}`, {
    method: 'POST',
    body: JSON.stringify({ input }),
    headers: { 'content-type': 'application/json' },
  });
  const text = await res.text();
  if (res.status !== 200) return { kind: 'error', text };
  const body = JSON.parse(text) as { result?: unknown };
  return 'result' in body ? { kind: 'value', value: body.result } : { kind: 'undefined' };
}

async function viaNative(packageName: string, input: Json): Promise<Outcome> {
  try {
    const r = await native.evaluate(packageName, input);
    // Through JSON, as OPA's answer is: the comparison is of the documents a client receives.
    return r.defined ? { kind: 'value', value: JSON.parse(JSON.stringify(r.value)) as unknown } : { kind: 'undefined' };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error && 'code' in err.cause ? String(err.cause.code) : '';
    return { kind: 'error', text: `${cause} ${err instanceof Error ? err.message : String(err)}` };
  }
}

const EVAL_CODES = ['eval_conflict_error', 'eval_type_error', 'eval_builtin_error', 'eval_cancel_error'];
/** Same value (objects compared by canonical JSON, so key order does not matter), both undefined, or both errors of the same OPA code. */
function agree(a: Outcome, b: Outcome): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'value' && b.kind === 'value') return canonicalJson(a.value) === canonicalJson(b.value);
  if (a.kind === 'error' && b.kind === 'error') return EVAL_CODES.every((c) => a.text.includes(c) === b.text.includes(c));
  return true;
}

interface Disagreement {
  readonly index: number;
  readonly packageName: string;
  readonly fixture: string;
  readonly mutations?: Variation['mutations'];
  readonly input: Json;
  readonly native: Outcome;
  readonly opa: Outcome;
}

/** Evaluates every case on both engines, `CONCURRENCY` at a time, and returns where they differ. */
async function compare(
  cases: readonly { packageName: string; fixture: string; mutations?: Variation['mutations']; input: Json }[],
): Promise<{ disagreements: Disagreement[]; outcomes: Record<Outcome['kind'], number>; nativeMs: number }> {
  const disagreements: Disagreement[] = [];
  const outcomes = { value: 0, undefined: 0, error: 0 };
  const timing = { nativeMs: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i]!;
      const pending = viaOpa(c.packageName, c.input);
      const t0 = performance.now();
      const n = await viaNative(c.packageName, c.input);
      timing.nativeMs += performance.now() - t0;
      const o = await pending;
      outcomes[o.kind]++;
      if (!agree(n, o)) disagreements.push({ index: i, ...c, native: n, opa: o });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { disagreements, outcomes, nativeMs: timing.nativeMs };
}

function report(disagreements: readonly Disagreement[], seed?: number): string {
  return disagreements
    .slice(0, 5)
    .map((d) => JSON.stringify({ seed, ...d }, null, 1))
    .join('\n');
}

describe('native vs real OPA on the example policies', () => {
  it('agrees on every fixture against every example package', async () => {
    const cases = packages.flatMap((packageName) => [...fixtures].map(([fixture, f]) => ({ packageName, fixture, input: f.input })));
    expect(packages.length).toBe(13);
    expect(fixtures.size).toBeGreaterThan(40);
    const { disagreements, outcomes } = await compare(cases);
    if (disagreements.length > 0) console.error(report(disagreements));
    expect(disagreements.length, `${disagreements.length} of ${cases.length} disagree`).toBe(0);
    expect(outcomes.value).toBeGreaterThan(cases.length / 2);
  });

  it(
    `agrees on ${RUNS} generated variations of the fixtures (seed ${SEED})`,
    async () => {
      const t0 = performance.now();
      const cases = fc.sample(variations(packages, fixtures), { seed: SEED, numRuns: RUNS });
      const { disagreements, outcomes, nativeMs } = await compare(cases);
      const seconds = (performance.now() - t0) / 1000;
      const denying = cases.filter(
        (c) => c.packageName !== 'spinnaker.http.authz' && c.packageName !== 'spinnaker.ui.entitlements.isFeatureEnabled',
      ).length;
      console.log(
        `differential: ${RUNS} variations, seed ${SEED}, ${disagreements.length} disagreements, OPA outcomes ${JSON.stringify(outcomes)}, ${seconds.toFixed(1)} s (native ${(nativeMs / 1000).toFixed(1)} s of it)`,
      );
      if (disagreements.length > 0) console.error(report(disagreements, SEED));
      expect(disagreements.length, `${disagreements.length} of ${RUNS} disagree (seed ${SEED})`).toBe(0);
      expect(cases).toHaveLength(RUNS);
      expect(denying).toBeGreaterThan(0);
    },
    Math.max(120_000, RUNS * 60),
  );
});
