/**
 * Parser benchmark: parse throughput (MB/s) of @policy-engine/rego-parser over the corpus
 * (every module of the shared conformance copy and of OPA's own case trees), side by side
 * in the same run with the real OPA reading the same files in one process
 * (`opa check` per Rego version, timed: process start + parse + compile).
 *
 * Run: npm run bench   (or: node --conditions=@policy-engine/source --import tsx tools/bench/parser-bench.ts)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOpa, opaVersion } from '@policy-engine/opa';
import { parse } from '@policy-engine/rego-parser';
import { uniqueCorpusModules } from '../../packages/rego-parser/test/support/corpus.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? '5');
const modules = uniqueCorpusModules();
const bytes = modules.reduce((n, m) => n + Buffer.byteLength(m.source), 0);
const mb = bytes / 1e6;

// Ours: warm up once, then the best of ROUNDS full passes.
for (const m of modules) parse(m.source, { regoVersion: m.regoVersion });
let best = Number.POSITIVE_INFINITY;
for (let r = 0; r < ROUNDS; r++) {
  const t0 = process.hrtime.bigint();
  for (const m of modules) parse(m.source, { regoVersion: m.regoVersion });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  best = Math.min(best, ms);
}
const oursMBs = mb / (best / 1000);

// OPA: the same files, one `opa check` process per Rego version, best of ROUNDS.
const dir = mkdtempSync(join(tmpdir(), 'parser-bench-'));
for (const v of ['v0', 'v1'] as const) mkdirSync(join(dir, v));
for (const m of modules) writeFileSync(join(dir, m.regoVersion, `${m.hash.slice(0, 20)}.rego`), m.source);
const opa = findOpa();
let opaBest = Number.POSITIVE_INFINITY;
for (let r = 0; r < ROUNDS; r++) {
  const t0 = process.hrtime.bigint();
  spawnSync(opa, ['check', '--max-errors=-1', join(dir, 'v1')], { stdio: 'ignore' });
  spawnSync(opa, ['check', '--max-errors=-1', '--v0-compatible', join(dir, 'v0')], { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  opaBest = Math.min(opaBest, ms);
}
rmSync(dir, { recursive: true, force: true });
const opaMBs = mb / (opaBest / 1000);

console.log(`corpus: ${modules.length} modules, ${mb.toFixed(2)} MB (best of ${ROUNDS})`);
console.log(`rego-parser parse : ${best.toFixed(0).padStart(6)} ms  ${oursMBs.toFixed(2).padStart(7)} MB/s`);
console.log(
  `opa ${opaVersion(opa) ?? '?'} check   : ${opaBest.toFixed(0).padStart(6)} ms  ${opaMBs.toFixed(2).padStart(7)} MB/s  (2 processes: start + parse + compile)`,
);
console.log(`ratio rego-parser / opa check: ${(oursMBs / opaMBs).toFixed(2)}x`);
