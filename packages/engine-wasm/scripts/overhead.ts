// Per-decision overhead of the wasm engine: evaluates the example policies' packages for their
// fixtures, one at a time (latency) and 8 in flight (throughput). A measuring aid, not a test:
//   node --conditions=@policy-engine/source --import tsx scripts/overhead.ts [rounds]
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicySources } from '@policy-engine/evaluator';
import { mergedData } from '@policy-engine/evaluator/engine-kit';
import { defaultBuiltins } from '@policy-engine/rego-eval';
import { findOpa, sharedDir } from '@policy-engine/opa';
import { compileWasm } from '../src/build.js';
import { entrypointName, planDocuments, queryFor } from '../src/document.js';
import { wasmEngine } from '../src/index.js';
import { WasmPolicy } from '../src/worker/wasm-policy.js';

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

// The same evaluations without the engine: one WasmPolicy in this thread (no worker hop, no document assembly).
const plan = planDocuments(policySet.modules);
const entrypoints = plan.entrypoints.map(entrypointName);
const compiled = await compileWasm(policySet.modules, entrypoints, {
  opaPath: findOpa(),
  cacheDir: join(tmpdir(), 'policy-engine-wasm-cache'),
  timeoutMs: 120_000,
});
const policy = await WasmPolicy.load(compiled.wasm, { initial: 5, maximum: 16_384 }, defaultBuiltins);
policy.setData(mergedData(policySet));
for (const [pkg, input] of inputs) {
  const query = queryFor(plan, pkg.split('.'));
  const eps = (query.kind === 'inside' ? [query.entrypoint] : query.kind === 'container' ? query.entrypoints : []).map(entrypointName);
  const json = JSON.stringify(input);
  let t = performance.now();
  for (let i = 0; i < rounds; i++) {
    policy.startEvaluation();
    for (const e of eps) policy.evaluate(json, e);
  }
  const each = ((performance.now() - t) * 1000) / rounds;
  t = performance.now();
  for (let i = 0; i < rounds; i++) {
    policy.startEvaluation();
    policy.evaluateAll(json, eps);
  }
  const all = ((performance.now() - t) * 1000) / rounds;
  console.log(
    `${pkg.padEnd(52)} in one thread, ${eps.length} entrypoint(s): opa_eval each ${each.toFixed(0).padStart(5)} µs, one context ${all.toFixed(0).padStart(5)} µs`,
  );
}
