import { describe, expect, it } from 'vitest';
import { runOpa } from '@policy-engine/opa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvaluationCancelled, EvaluationTimeout } from '../src/index.js';
import {
  abortError,
  deadlineExceeded,
  deadlinePassed,
  evaluationSignal,
  mergedData,
  remainingMs,
  v0CompatibleSource,
} from '../src/engine-kit.js';

describe('v0CompatibleSource', () => {
  it('adds import rego.v1 to a v1 module on its package line, before a comment', () => {
    const src = '# head\npackage a.b # note\n\nallow if true\n';
    const out = v0CompatibleSource({ source: src, regoVersion: 'v1' });
    expect(out.rewritten).toBe(true);
    expect(out.source).toBe('# head\npackage a.b import rego.v1 # note\n\nallow if true\n');
    expect(out.source.split('\n').length).toBe(src.split('\n').length);
  });

  it('leaves v0 modules and modules that already import rego.v1 alone', () => {
    const v0 = 'package a\nallow { true }\n';
    expect(v0CompatibleSource({ source: v0, regoVersion: 'v0' })).toEqual({ source: v0, rewritten: false });
    const v1 = 'package a\n\nimport rego.v1\nallow if true\n';
    expect(v0CompatibleSource({ source: v1, regoVersion: 'v1' })).toEqual({ source: v1, rewritten: false });
  });
});

describe('v0CompatibleSource with the real OPA', () => {
  it('a rewritten v1 module is accepted by opa check --v0-compatible and keeps its line numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compat-'));
    const src = 'package a.b # note\n\nallow if {\n  some x in [1]\n  x == 1\n}\n\ndeny contains "m" if input.bad\n';
    writeFileSync(join(dir, 'ok.rego'), v0CompatibleSource({ source: src, regoVersion: 'v1' }).source);
    expect((await runOpa(['check', '--v0-compatible', join(dir, 'ok.rego')])).code).toBe(0);
    writeFileSync(join(dir, 'bad.rego'), v0CompatibleSource({ source: 'package c\n\nallow if {\n  x :=\n}\n', regoVersion: 'v1' }).source);
    const bad = await runOpa(['check', '--v0-compatible', join(dir, 'bad.rego')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/bad\.rego:5/);
  });
});

describe('mergedData', () => {
  it('merges documents deeply at their paths, later documents winning', () => {
    const data = mergedData({
      data: [
        { id: 'a', path: [], value: { x: { a: 1, b: 1 }, list: [1] } },
        { id: 'b', path: ['x'], value: { b: 2, c: 3 } },
        { id: 'c', path: ['y', 'z'], value: true },
        { id: 'd', path: [], value: { list: [2] } },
      ],
    });
    expect(data).toEqual({ x: { a: 1, b: 2, c: 3 }, y: { z: true }, list: [2] });
  });
});

describe('engine-kit deadline helpers', () => {
  it('remainingMs and deadlinePassed read a performance.now() deadline', () => {
    expect(remainingMs(undefined)).toBe(Number.POSITIVE_INFINITY);
    expect(remainingMs(1_000, 400)).toBe(600);
    expect(remainingMs(1_000, 1_500)).toBe(0);
    expect(deadlinePassed(undefined)).toBe(false);
    expect(deadlinePassed(1_000, 999)).toBe(false);
    expect(deadlinePassed(1_000, 1_000)).toBe(true);
  });

  it('deadlineExceeded is the one timeout error, with the time the evaluation had', () => {
    const error = deadlineExceeded(1_250, 1_000);
    expect(error).toBeInstanceOf(EvaluationTimeout);
    expect(error).toMatchObject({ code: 'EVALUATION_TIMEOUT', timeoutMs: 250, message: 'evaluation did not finish within 250 ms' });
  });

  it('abortError keeps a typed reason and types any other', () => {
    const timeout = new EvaluationTimeout(5);
    const typed = new AbortController();
    typed.abort(timeout);
    expect(abortError(typed.signal)).toBe(timeout);
    const plain = new AbortController();
    plain.abort();
    expect(abortError(plain.signal)).toBeInstanceOf(EvaluationCancelled);
  });

  it('evaluationSignal aborts at the deadline with EvaluationTimeout, or with the caller’s reason', async () => {
    const timed = evaluationSignal({ deadline: performance.now() + 30 });
    await new Promise((resolve) => timed.signal.addEventListener('abort', resolve, { once: true }));
    expect(timed.signal.reason).toBeInstanceOf(EvaluationTimeout);
    timed.dispose();

    const caller = new AbortController();
    const cancelled = evaluationSignal({ signal: caller.signal, deadline: performance.now() + 60_000 });
    caller.abort();
    expect(cancelled.signal.aborted).toBe(true);
    expect(cancelled.signal.reason).toBeInstanceOf(EvaluationCancelled);
    cancelled.dispose();

    const past = evaluationSignal({ deadline: performance.now() - 1 });
    expect(past.signal.reason).toBeInstanceOf(EvaluationTimeout);
    const open = evaluationSignal(undefined);
    expect(open.signal.aborted).toBe(false);
    open.dispose();
  });
});
