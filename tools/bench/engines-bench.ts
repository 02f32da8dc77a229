// Decision throughput and latency of the engines, side by side in one run: the example
// policy set and the 48 decision cases of examples/policy-cases.json, through the
// evaluator's createPolicyEngine, on a real OPA server (engine-opa over REST on loopback)
// and on OPA-compiled wasm in-process (engine-wasm). Prints decisions/s, p50/p99 latency,
// the process's RSS, and the wasm / OPA ratios.
//   node --conditions=@policy-engine/source --import tsx tools/bench/engines-bench.ts
// BENCH_DECISIONS (default 3000) sets the decisions per engine and mode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPolicyEngine, type PolicyEngine } from '@policy-engine/evaluator';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, repoRoot, startOpaServer } from '@policy-engine/opa';

interface Case {
  readonly package: string;
  readonly fixture: string;
  readonly edits: readonly { readonly path: string; readonly value: unknown }[];
  readonly expect: { readonly allowed: boolean };
}

const N = Number(process.env['BENCH_DECISIONS'] ?? 3000);
const FIXTURES = join(repoRoot, '..', 'shared', 'spec', 'fixtures');
const cases = (JSON.parse(readFileSync(join(repoRoot, 'examples', 'policy-cases.json'), 'utf8')) as { cases: Case[] }).cases;

function setPointer(doc: unknown, pointer: string, value: unknown): void {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur = doc as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) cur = cur[part] as Record<string, unknown>;
  cur[parts[parts.length - 1] as string] = value;
}

const work = cases.map((c) => {
  const input = (JSON.parse(readFileSync(join(FIXTURES, c.fixture), 'utf8')) as { input: unknown }).input;
  for (const e of c.edits) setPointer(input, e.path, e.value);
  return { pkg: c.package, input, allowed: c.expect.allowed };
});

interface Result {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

async function run(engine: PolicyEngine, concurrency: number): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < N) {
      const w = work[next++ % work.length]!;
      const t0 = performance.now();
      const d = await engine.evaluate(w.pkg, w.input);
      latencies.push(performance.now() - t0);
      if (d.allowed !== w.allowed || d.error) throw new Error(`wrong decision for ${w.pkg}: ${JSON.stringify(d)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: (N / elapsed) * 1000, p50: at(0.5), p99: at(0.99) };
}

const rss = (): string => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;
const policies = { kind: 'directory', path: join(repoRoot, 'examples', 'policies'), regoVersion: 'auto' } as const;
const server = await startOpaServer({ v0Compatible: true });
const engines: [string, PolicyEngine][] = [];
try {
  engines.push(['opa', await createPolicyEngine({ engine: opaEngine({ baseUrl: server.url }), policies })]);
  engines.push(['wasm', await createPolicyEngine({ engine: wasmEngine({ opaPath: findOpa() }), policies })]);
  console.log(`engines bench: ${work.length} cases, ${N} decisions per engine and mode (warm-up excluded)`);
  const results = new Map<string, Result>();
  for (const concurrency of [1, 16]) {
    for (const [name, engine] of engines) {
      await run(engine, concurrency); // warm-up round (JIT, connections, wasm instances)
      const r = await run(engine, concurrency);
      results.set(`${name}/${concurrency}`, r);
      console.log(
        `${name.padEnd(5)} concurrency ${String(concurrency).padStart(2)}: ${r.perSecond.toFixed(0).padStart(6)} decisions/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  rss ${rss()}`,
      );
    }
    const o = results.get(`opa/${concurrency}`)!;
    const w = results.get(`wasm/${concurrency}`)!;
    console.log(
      `ratio wasm / opa (concurrency ${concurrency}): throughput ${(w.perSecond / o.perSecond).toFixed(2)}x, p50 latency ${(w.p50 / o.p50).toFixed(2)}x`,
    );
  }
  console.log(`opa server process: separate (not in rss above)`);
} finally {
  for (const [, e] of engines) await e.close();
  await server.stop();
}
