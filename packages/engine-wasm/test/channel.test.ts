// The shared-memory channel between the pool and its workers (src/worker/protocol.ts): requests
// and responses larger than the initial 64 KiB buffer (the buffer is replaced on either side),
// multi-byte UTF-8, many evaluations in flight on two workers without crosstalk, and an error
// inside the worker, each followed by ordinary evaluations on the same workers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationError } from '@policy-engine/evaluator';
import { findOpa } from '@policy-engine/opa';
import { mod, policySet } from '@policy-engine/engine-contract';
import { wasmEngine, type WasmEngine } from '../src/index.js';

const echo = mod(
  'policies/echo.rego',
  'v1',
  'package echo\n\nout := input\n\nitems := count(input.items)\n\nbig := concat("", [s | some i in numbers.range(1, input.repeat); s := input.text])\n',
);
const fail = mod('policies/fail.rego', 'v1', 'package fail\n\nout := format_int(input.n, 10)\n');

let cacheDir: string;
let engine: WasmEngine;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'wasm-channel-test-'));
  engine = wasmEngine({ opaPath: findOpa(), cacheDir, workers: 2 });
  await engine.load(policySet([echo, fail]));
});
afterAll(async () => {
  await engine.close();
  await rm(cacheDir, { recursive: true, force: true });
});

/** An input of about `n` items, with text in 1-, 2-, 3- and 4-byte UTF-8 characters. */
function input(n: number, tag: string): { items: { id: number; text: string }[]; tag: string } {
  return { tag, items: Array.from({ length: n }, (_, id) => ({ id, text: `a ü € 😀 ${tag} ${id}` })) };
}

describe('the shared-memory channel', () => {
  it('carries inputs and results far larger than its first buffer, and small ones after them', async () => {
    for (const n of [10, 5_000, 10, 40_000, 3]) {
      const doc = input(n, `n${n}`);
      expect(await engine.evaluate('echo.out', doc)).toEqual({ defined: true, value: doc });
      expect(await engine.evaluate('echo.items', doc)).toEqual({ defined: true, value: n });
    }
    // A small input whose result outgrows the buffer (the worker replaces it).
    const big = await engine.evaluate('echo.big', { text: '€😀x', repeat: 60_000 });
    expect(big).toEqual({ defined: true, value: '€😀x'.repeat(60_000) });
    expect(await engine.evaluate('echo.big', { text: 'ab', repeat: 2 })).toEqual({ defined: true, value: 'abab' });
  });

  it('keeps the answers of many evaluations in flight apart', async () => {
    const docs = Array.from({ length: 64 }, (_, i) => input(i % 2 === 0 ? 3 : 3_000, `doc${i}`));
    const got = await Promise.all(docs.map((d) => engine.evaluate('echo.out', d)));
    expect(got).toEqual(docs.map((d) => ({ defined: true, value: d })));
  });

  it('an error inside the worker fails that evaluation with EvaluationError, and the worker keeps serving', async () => {
    const err = await engine.evaluate('fail.out', { n: 2 ** 60 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvaluationError);
    expect((err as Error).message).toMatch(/^wasm evaluation failed: opa_abort/);
    expect(await engine.evaluate('fail.out', { n: 42 })).toEqual({ defined: true, value: '42' });
    expect(await engine.evaluate('echo.items', { items: [1, 2] })).toEqual({ defined: true, value: 2 });
  });
});
