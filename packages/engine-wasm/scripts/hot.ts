// Decision latency of the wasm engine through createPolicyEngine: the 48 cases of
// examples/policy-cases.json on examples/policies, N rounds, the first quarter a warm-up; prints
// p50/p90/mean µs per decision and the main thread's CPU per decision. A measuring aid, not a test:
//   node --conditions=@policy-engine/source --import tsx scripts/hot.ts [rounds] [concurrency]
// (add `--cpu-prof --cpu-prof-dir=/tmp/wasm-prof` before --import to profile; workers get their own file).
import { createPolicyEngine } from '@policy-engine/evaluator';
import { findOpa } from '@policy-engine/opa';
import { EXAMPLE_POLICIES, decisionCases } from '@policy-engine/test-kit';
import { wasmEngine } from '../src/index.js';

const rounds = Number(process.argv[2] ?? 400);
const concurrency = Number(process.argv[3] ?? 1);
const cases = decisionCases();

const pe = await createPolicyEngine({
  engine: wasmEngine({ opaPath: findOpa() }),
  policies: { kind: 'directory', path: EXAMPLE_POLICIES, regoVersion: 'auto', watch: false },
  options: { timeoutMs: 60_000 },
});
const lat: number[] = [];
const warmRounds = Math.floor(rounds / 4);
let cpu0 = process.cpuUsage();
let wall0 = performance.now();
for (let r = 0; r < rounds; r++) {
  if (r === warmRounds) {
    cpu0 = process.cpuUsage();
    wall0 = performance.now();
  }
  for (let i = 0; i < cases.length; i += concurrency) {
    await Promise.all(
      cases.slice(i, i + concurrency).map(async (c) => {
        const t0 = performance.now();
        const d = await pe.evaluate(c.package, c.input);
        lat.push((performance.now() - t0) * 1000);
        if (d.allowed !== c.expect.allowed || d.error) throw new Error(`wrong decision for ${c.name}: ${d.error?.message ?? d.allowed}`);
      }),
    );
  }
}
const measured = (rounds - warmRounds) * cases.length;
const wallUs = ((performance.now() - wall0) * 1000) / measured;
const cpu = process.cpuUsage(cpu0);
const warm = lat.slice(warmRounds * cases.length).sort((a, b) => a - b);
const q = (p: number): string => (warm[Math.floor(p * (warm.length - 1))] ?? NaN).toFixed(1);
console.log(
  `wasm c${concurrency}: decisions ${measured}  p50 ${q(0.5)} µs  p90 ${q(0.9)} µs  mean ${(warm.reduce((a, b) => a + b, 0) / warm.length).toFixed(1)} µs  ` +
    `wall ${wallUs.toFixed(1)} µs/decision  process cpu ${((cpu.user + cpu.system) / measured).toFixed(1)} µs/decision`,
);
await pe.close();
