/**
 * Parser throughput (MB/s) of @policy-engine/rego-parser over the conformance corpus, next to
 * the real OPA reading the same files (`opa check`, one process per Rego version: start +
 * parse + compile, so the ratio overstates the parse-only difference). Measuring code.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@policy-engine/rego-parser';
import { uniqueCorpusModules } from '../../../packages/rego-parser/test/support/corpus.js';
import { sig } from './stats.js';

/** Parser figures of one run (best of `rounds` passes each). */
export interface ParserFigures {
  readonly mb_per_s: number;
  readonly opa_mb_per_s: number;
  readonly corpus_mb: number;
  readonly modules: number;
  readonly ms: number;
  readonly opa_ms: number;
}

/** Parses the corpus `rounds` times (after a warm-up pass) and runs `opa check` on it `rounds` times. */
export function parserBench(opa: string, rounds: number): ParserFigures {
  const modules = uniqueCorpusModules();
  if (modules.length === 0) throw new Error('parser corpus is empty (no /work/shared/opa-conformance and no OPA source dir)');
  const mb = modules.reduce((n, m) => n + Buffer.byteLength(m.source), 0) / 1e6;
  for (const m of modules) parse(m.source, { regoVersion: m.regoVersion });
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const m of modules) parse(m.source, { regoVersion: m.regoVersion });
    best = Math.min(best, performance.now() - t0);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-parser-'));
  let opaBest = Number.POSITIVE_INFINITY;
  try {
    for (const v of ['v0', 'v1'] as const) mkdirSync(join(dir, v));
    for (const m of modules) writeFileSync(join(dir, m.regoVersion, `${m.hash.slice(0, 20)}.rego`), m.source);
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      spawnSync(opa, ['check', '--max-errors=-1', join(dir, 'v1')], { stdio: 'ignore' });
      spawnSync(opa, ['check', '--max-errors=-1', '--v0-compatible', join(dir, 'v0')], { stdio: 'ignore' });
      opaBest = Math.min(opaBest, performance.now() - t0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    mb_per_s: sig(mb / (best / 1000)),
    opa_mb_per_s: sig(mb / (opaBest / 1000)),
    corpus_mb: sig(mb),
    modules: modules.length,
    ms: sig(best),
    opa_ms: sig(opaBest),
  };
}
