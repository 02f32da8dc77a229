/**
 * The core with a real engine in-process: engine-wasm (policies compiled by the real
 * `opa build -t wasm`, evaluated with @open-policy-agent/opa-wasm).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa } from '@policy-engine/opa';
import { createPolicyEngine, type ReloadResult } from '@policy-engine/evaluator';
import { EXAMPLE_POLICIES, decisionCases } from '@policy-engine/test-kit';
import { recordingLogger } from '@policy-engine/evaluator/testing';
import { removeDir, tempDir, writeTree } from './support/temp.js';

let root: string;
beforeAll(async () => {
  root = await tempDir('evaluator-wasm-');
});
afterAll(async () => {
  await removeDir(root);
});

const engine = () => wasmEngine({ opaPath: findOpa(), cacheDir: join(root, 'cache'), workers: 1 });

describe('createPolicyEngine + engine-wasm', () => {
  it('decides every example case like real OPA (directory source, regoVersion auto)', async () => {
    const pe = await createPolicyEngine({
      engine: engine(),
      policies: { kind: 'directory', path: EXAMPLE_POLICIES, regoVersion: 'auto' },
      options: { logger: recordingLogger() },
    });
    try {
      expect(pe.engineName).toBe('wasm');
      for (const c of decisionCases()) {
        const d = await pe.evaluate(c.package, c.input);
        expect({ name: c.name, allowed: d.allowed, policyFound: d.policyFound, denies: d.denies, message: d.message }).toEqual({
          name: c.name,
          ...c.expect,
        });
        expect(d.error).toBeUndefined();
      }
    } finally {
      await pe.close();
    }
  });

  it('hot reload on wasm: edit, broken edit (old set kept), decisions racing the reload', async () => {
    const dir = join(root, 'watched');
    const policy = (marker: string) =>
      `package opa.pipelines\n\ndeny contains "${marker}-a" if { input.block }\n\ndeny contains "${marker}-b" if { input.block }\n`;
    await writeTree(dir, { 'p.rego': policy('old') });
    const logger = recordingLogger();
    const pe = await createPolicyEngine({ engine: engine(), policies: { kind: 'directory', path: dir, watch: true }, options: { logger } });
    const results: ReloadResult[] = [];
    pe.onReload((r) => results.push(r));
    const waitFor = async (pred: () => boolean, ms = 60_000) => {
      const until = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > until) throw new Error('condition not reached');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      expect((await pe.evaluate('opa.pipelines', { block: true })).denies).toEqual(['old-a', 'old-b']);
      // Decisions keep flowing while the watcher rebuilds the wasm.
      const pending = [];
      await writeFile(join(dir, 'p.rego'), policy('new'));
      const deadline = Date.now() + 60_000;
      while (!results.some((r) => r.ok) && Date.now() < deadline) {
        pending.push(pe.evaluate('opa.pipelines', { block: true }));
        await new Promise((r) => setTimeout(r, 10));
      }
      await waitFor(() => results.some((r) => r.ok));
      pending.push(pe.evaluate('opa.pipelines', { block: true }));
      const shapes = new Set<string>();
      for (const d of await Promise.all(pending)) {
        expect(d.error).toBeUndefined();
        shapes.add(d.denies.join('+'));
      }
      for (const shape of shapes) expect(['old-a+old-b', 'new-a+new-b']).toContain(shape);
      expect((await pe.evaluate('opa.pipelines', { block: true })).denies).toEqual(['new-a', 'new-b']);

      // A broken edit: reported, the new-but-last-good set stays.
      const before = results.length;
      await writeFile(join(dir, 'p.rego'), 'package opa.pipelines\n\ndeny["v0"] {\n  true\n}\n');
      await waitFor(() => results.slice(before).some((r) => !r.ok));
      expect(logger.errors.some((e) => e.includes('p.rego:3:1'))).toBe(true);
      expect((await pe.evaluate('opa.pipelines', { block: true })).denies).toEqual(['new-a', 'new-b']);
    } finally {
      await pe.close();
    }
  });
});
