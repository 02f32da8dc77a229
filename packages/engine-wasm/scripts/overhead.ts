// Per-decision overhead of the wasm engine: evaluates the example policies' packages for their
// fixtures, one at a time (latency) and 8 in flight (throughput). A measuring aid, not a test:
//   node --conditions=@policy-engine/source --import tsx scripts/overhead.ts [rounds]
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPolicySources } from '@policy-engine/evaluator';
import { findOpa, sharedDir } from '@policy-engine/opa';
import { wasmEngine } from '../src/index.js';

const repo = join(import.meta.dirname, '..', '..', '..');
const rounds = Number(process.argv[2] ?? 2000);
const { policySet } = await loadPolicySources({ kind: 'directory', path: join(repo, 'examples', 'policies'), regoVersion: 'auto' });
const fixtures = join(sharedDir(), 'spec', 'fixtures');
const cases = [
  ['spinnaker.http.authz', 'spinnaker.http.authz.input.json'],
  ['opa.pipelines', 'opa.pipelines.input.json'],
  ['spinnaker.execution.stages.before.deployManifest', 'spinnaker.execution.stages.before.deployManifest.input.json'],
] as const;
const inputs = await Promise.all(
  cases.map(async ([pkg, file]) => [pkg, JSON.parse(await readFile(join(fixtures, file), 'utf8'))] as const),
);
const engine = wasmEngine({ opaPath: findOpa(), workers: 2 });
await engine.load(policySet);
for (const [pkg, input] of inputs) for (let i = 0; i < 200; i++) await engine.evaluate(pkg, input); // warm-up
for (const [pkg, input] of inputs) {
  let t = performance.now();
  for (let i = 0; i < rounds; i++) await engine.evaluate(pkg, input);
  const serial = ((performance.now() - t) * 1000) / rounds;
  t = performance.now();
  const inFlight = 8;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = 0; i < rounds / inFlight; i++) await engine.evaluate(pkg, input);
    }),
  );
  const parallel = ((performance.now() - t) * 1000) / rounds;
  console.log(
    `${pkg.padEnd(52)} serial ${serial.toFixed(0).padStart(5)} µs/decision   8 in flight ${parallel.toFixed(0).padStart(5)} µs/decision`,
  );
}
await engine.close();
