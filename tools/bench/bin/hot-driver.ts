/**
 * A profiling driver (not part of `npm run bench`): the 48 example cases through
 * createPolicyEngine on the native engine, N rounds, printing the p50 per decision.
 * Run: `node --conditions=@policy-engine/source --import tsx bin/hot-driver.ts [rounds]`
 * (add `--cpu-prof --cpu-prof-dir=/tmp/perf-prof` to profile).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createPolicyEngine } from '@policy-engine/evaluator';
import { nativeEngine } from '@policy-engine/engine-native';
import { loadCases } from '../src/cases.js';
import { examplePolicies } from '../src/engines.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rounds = Number(process.argv[2] ?? '200');
const cases = loadCases(repoRoot);
const pe = await createPolicyEngine({ engine: nativeEngine(), policies: examplePolicies(repoRoot), options: { timeoutMs: 60_000 } });
const lat: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const c of cases) {
    const t0 = performance.now();
    const d = await pe.evaluate(c.pkg, c.input);
    lat.push((performance.now() - t0) * 1000);
    if (d.allowed !== c.allowed || d.error) throw new Error(`wrong decision for ${c.name}: ${d.error?.message ?? d.allowed}`);
  }
}
const warm = lat.slice(Math.floor(lat.length / 4)).sort((a, b) => a - b);
const q = (p: number) => warm[Math.floor(p * (warm.length - 1))]!.toFixed(1);
console.log(
  `decisions ${lat.length}  p50 ${q(0.5)} µs  p90 ${q(0.9)} µs  mean ${(warm.reduce((a, b) => a + b, 0) / warm.length).toFixed(1)} µs`,
);
await pe.close();
