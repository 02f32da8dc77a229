/**
 * A profiling driver (not part of `npm run bench`): the 48 example cases through
 * createPolicyEngine on the native engine, N rounds, printing the p50 per decision.
 * Run: `node --conditions=@policy-engine/source --import tsx bin/hot-driver.ts [rounds]`
 * CPU time per decision is the figure to compare on a loaded machine (wall times there are noise)
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
let cpu0 = process.cpuUsage();
const warmRounds = Math.floor(rounds / 4);
for (let r = 0; r < rounds; r++) {
  if (r === warmRounds) cpu0 = process.cpuUsage();
  for (const c of cases) {
    const t0 = performance.now();
    const d = await pe.evaluate(c.pkg, c.input);
    lat.push((performance.now() - t0) * 1000);
    if (d.allowed !== c.allowed || d.error) throw new Error(`wrong decision for ${c.name}: ${d.error?.message ?? d.allowed}`);
  }
}
const warm = lat.slice(Math.floor(lat.length / 4)).sort((a, b) => a - b);
const q = (p: number) => warm[Math.floor(p * (warm.length - 1))]!.toFixed(1);
const cpu = process.cpuUsage(cpu0);
const cpuUs = (cpu.user + cpu.system) / ((rounds - warmRounds) * cases.length);
console.log(
  `decisions ${lat.length}  cpu ${cpuUs.toFixed(1)} µs/decision  p50 ${q(0.5)} µs  p90 ${q(0.9)} µs  mean ${(warm.reduce((a, b) => a + b, 0) / warm.length).toFixed(1)} µs`,
);
await pe.close();
