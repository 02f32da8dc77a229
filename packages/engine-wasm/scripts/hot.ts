// Decision latency of the wasm engine through createPolicyEngine: the 48 cases of
// examples/policy-cases.json on examples/policies, N rounds, the first quarter a warm-up; prints
// p50/p90/mean µs per decision and the main thread's CPU per decision. A measuring aid, not a test:
//   node --conditions=@policy-engine/source --import tsx scripts/hot.ts [rounds] [concurrency]
// (add `--cpu-prof --cpu-prof-dir=/tmp/wasm-prof` before --import to profile; workers get their own file).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPolicyEngine } from '@policy-engine/evaluator';
import { findOpa, sharedDir } from '@policy-engine/opa';
import { wasmEngine } from '../src/index.js';

interface CaseSpec {
  readonly name: string;
  readonly package: string;
  readonly fixture: string;
  readonly edits: readonly { readonly path: string; readonly value: unknown }[];
  readonly expect: { readonly allowed: boolean };
}

/** Sets `value` at a JSON pointer inside `doc` (the cases' edits). */
function setPointer(doc: unknown, pointer: string, value: unknown): void {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur = doc as Record<string, unknown>;
  for (const [i, part] of parts.entries()) {
    const key = Array.isArray(cur) ? (part === '-' ? String(cur.length) : part) : part;
    if (i === parts.length - 1) {
      cur[key] = value;
      return;
    }
    let next = cur[key];
    if (next === null || typeof next !== 'object') cur[key] = next = {};
    cur = next as Record<string, unknown>;
  }
}

const repo = join(import.meta.dirname, '..', '..', '..');
const rounds = Number(process.argv[2] ?? 400);
const concurrency = Number(process.argv[3] ?? 1);
const specs = (JSON.parse(readFileSync(join(repo, 'examples', 'policy-cases.json'), 'utf8')) as { cases: CaseSpec[] }).cases;
const cases = specs.map((c) => {
  const input = (JSON.parse(readFileSync(join(sharedDir(), 'spec', 'fixtures', c.fixture), 'utf8')) as { input: unknown }).input;
  for (const e of c.edits) setPointer(input, e.path, e.value);
  return { name: c.name, pkg: c.package, input, allowed: c.expect.allowed };
});

const pe = await createPolicyEngine({
  engine: wasmEngine({ opaPath: findOpa() }),
  policies: { kind: 'directory', path: join(repo, 'examples', 'policies'), regoVersion: 'auto', watch: false },
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
        const d = await pe.evaluate(c.pkg, c.input);
        lat.push((performance.now() - t0) * 1000);
        if (d.allowed !== c.allowed || d.error) throw new Error(`wrong decision for ${c.name}: ${d.error?.message ?? d.allowed}`);
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
