import { afterEach, describe, expect, it } from 'vitest';
import { rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PolicyCompileError, PolicySourceError, createPolicyEngine } from '@policy-engine/evaluator';
import { markerEngine } from './support/marker-engine.js';
import { nextReload, recordingLogger } from '@policy-engine/evaluator/testing';
import { removeDir, tempDir, writeTree } from './support/temp.js';

const deny = (pkg: string, ...messages: string[]) =>
  `package ${pkg}\n\n${messages.map((m) => `deny contains "${m}" if { true }`).join('\n')}\n`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(files: Record<string, string>, watch: boolean) {
  const dir = await tempDir('evaluator-reload-');
  await writeTree(dir, files);
  const engine = markerEngine();
  const logger = recordingLogger();
  const pe = await createPolicyEngine({ engine, policies: { kind: 'directory', path: dir, watch }, options: { logger } });
  cleanups.push(async () => {
    await pe.close();
    await removeDir(dir);
  });
  return { dir, engine, logger, pe };
}

describe('hot reload of a watched directory', () => {
  it('an edit is picked up and swaps the revision', async () => {
    const { dir, pe } = await setup({ 'p.rego': deny('opa.pipelines', 'v1 message') }, true);
    expect((await pe.evaluate('opa.pipelines', {})).denies).toEqual(['v1 message']);
    const before = await pe.reload();
    const reloaded = nextReload(pe, (r) => r.ok && before.ok && r.revision !== before.revision);
    await writeFile(join(dir, 'p.rego'), deny('opa.pipelines', 'v2 message'));
    const result = await reloaded;
    expect(result.ok).toBe(true);
    expect((await pe.evaluate('opa.pipelines', {})).denies).toEqual(['v2 message']);
  });

  it('a broken edit keeps the last good set and reports the error', async () => {
    const { dir, pe, logger, engine } = await setup({ 'p.rego': deny('opa.pipelines', 'good') }, true);
    const loadsBefore = engine.loadCount;
    const failed = nextReload(pe, (r) => !r.ok);
    await writeFile(join(dir, 'p.rego'), 'package opa.pipelines\n\ndeny["v0 style"] {\n  true\n}\n');
    const result = await failed;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(PolicyCompileError);
      expect(result.error.message).toContain(join(dir, 'p.rego'));
    }
    expect(logger.errors.some((e) => e.includes('policy reload failed'))).toBe(true);
    expect(engine.loadCount).toBe(loadsBefore);
    const d = await pe.evaluate('opa.pipelines', {});
    expect(d).toMatchObject({ allowed: false, denies: ['good'], policyFound: true });
    expect(pe.packages()).toEqual(['opa.pipelines']);
  });

  it('a deleted file removes its package', async () => {
    const { dir, pe } = await setup(
      { 'a.rego': deny('opa.pipelines', 'a'), 'b.rego': deny('spinnaker.execution.pipelines.before', 'b') },
      true,
    );
    expect(pe.packages()).toEqual(['opa.pipelines', 'spinnaker.execution.pipelines.before']);
    const reloaded = nextReload(pe, (r) => r.ok && !pe.hasPolicy('spinnaker.execution.pipelines.before'));
    await rm(join(dir, 'b.rego'));
    await reloaded;
    expect(pe.packages()).toEqual(['opa.pipelines']);
    expect(pe.modules().map((m) => m.packageName)).toEqual(['opa.pipelines']);
    expect(await pe.evaluate('spinnaker.execution.pipelines.before', {})).toMatchObject({ allowed: true, policyFound: false });
  });

  it('a file in a new subdirectory is picked up (recursive watch)', async () => {
    const { dir, pe } = await setup({ 'a.rego': deny('opa.pipelines', 'a') }, true);
    const reloaded = nextReload(pe, () => pe.hasPolicy('spinnaker.execution.stages.before.bake'));
    await writeTree(dir, { 'new/deeper/bake.rego': deny('spinnaker.execution.stages.before.bake', 'no bake') });
    await reloaded;
    expect((await pe.evaluate('spinnaker.execution.stages.before.bake', {})).denies).toEqual(['no bake']);
  });

  it('file events that leave the set unchanged do not reload the engine; reload() always does', async () => {
    const { dir, pe, engine } = await setup({ 'a.rego': deny('opa.pipelines', 'a') }, true);
    const loads = engine.loadCount;
    const seen = nextReload(pe);
    await writeFile(join(dir, 'notes.txt'), 'not a policy');
    const result = await seen;
    expect(result.ok).toBe(true);
    expect(engine.loadCount).toBe(loads);
    expect((await pe.reload()).ok).toBe(true);
    expect(engine.loadCount).toBe(loads + 1);
  });

  it('a ConfigMap volume update (kubelet swaps the ..data symlink atomically) is picked up', async () => {
    const { dir, pe } = await setup({ '..v1/p.rego': deny('opa.pipelines', 'from v1') }, true);
    await symlink('..v1', join(dir, '..data'));
    await symlink('..data/p.rego', join(dir, 'p.rego'));
    await pe.reload();
    expect((await pe.evaluate('opa.pipelines', {})).denies).toEqual(['from v1']);
    // What the kubelet does: write a new timestamped dir, point ..data_tmp at it, rename over ..data.
    await writeTree(dir, { '..v2/p.rego': deny('opa.pipelines', 'from v2') });
    const reloaded = nextReload(pe, (r) => r.ok);
    await symlink('..v2', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await rm(join(dir, '..v1'), { recursive: true });
    expect((await reloaded).ok).toBe(true);
    await expect.poll(async () => (await pe.evaluate('opa.pipelines', {})).denies, { timeout: 5000 }).toEqual(['from v2']);
  });

  it('a new file adds its package', async () => {
    const { dir, pe } = await setup({ 'a.rego': deny('opa.pipelines', 'a') }, true);
    const reloaded = nextReload(pe, () => pe.hasPolicy('spinnaker.http.authz'));
    await writeFile(join(dir, 'authz.rego'), 'package spinnaker.http.authz\n\nallow := true\n');
    await reloaded;
    expect(pe.packages()).toEqual(['opa.pipelines', 'spinnaker.http.authz']);
  });
});

describe('reload()', () => {
  it('an engine that refuses the new set keeps the old index', async () => {
    const { dir, pe, engine } = await setup({ 'a.rego': deny('opa.pipelines', 'a') }, false);
    await writeFile(join(dir, 'b.rego'), deny('spinnaker.execution.pipelines.before', 'b'));
    const original = engine.load.bind(engine);
    engine.load = () =>
      Promise.reject(new PolicyCompileError([{ message: 'rego_type_error: nope', location: { file: 'b.rego', line: 3, col: 1 } }]));
    const failed = await pe.reload();
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.code).toBe('POLICY_COMPILE_ERROR');
    expect(pe.hasPolicy('spinnaker.execution.pipelines.before')).toBe(false);
    engine.load = original;
    const ok = await pe.reload();
    expect(ok.ok).toBe(true);
    expect(pe.hasPolicy('spinnaker.execution.pipelines.before')).toBe(true);
  });

  it('reports an unreadable source as PolicySourceError and keeps the old set', async () => {
    const { dir, pe } = await setup({ 'a.rego': deny('opa.pipelines', 'a') }, false);
    await removeDir(dir);
    const result = await pe.reload();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBeInstanceOf(PolicySourceError);
    expect((await pe.evaluate('opa.pipelines', {})).denies).toEqual(['a']);
  });

  it('decisions racing reloads each come wholly from the old or the new set', async () => {
    // Set "even": both packages with marker E; set "odd": pipelines with two O messages in two files, exec package removed.
    const even = { 'p1.rego': deny('opa.pipelines', 'E'), 'x.rego': deny('spinnaker.execution.pipelines.before', 'E') };
    const { dir, pe, engine } = await setup(even, false);
    engine.loadDelayMs = 5;
    engine.evalDelayMs = 3;
    const writeSet = async (odd: boolean) => {
      if (odd) {
        await rm(join(dir, 'x.rego'), { force: true });
        await writeTree(dir, { 'p1.rego': deny('opa.pipelines', 'O1'), 'p2.rego': deny('opa.pipelines', 'O2') });
      } else {
        await rm(join(dir, 'p2.rego'), { force: true });
        await writeTree(dir, even);
      }
    };
    const reloads = (async () => {
      for (let i = 1; i <= 12; i++) {
        await writeSet(i % 2 === 1);
        const r = await pe.reload();
        expect(r.ok).toBe(true);
      }
    })();
    const decisions = [];
    for (let round = 0; round < 60; round++) {
      decisions.push(pe.evaluate('opa.pipelines', {}), pe.evaluate('spinnaker.execution.pipelines.before', {}));
      await new Promise((r) => setTimeout(r, 1));
    }
    await reloads;
    const all = await Promise.all(decisions);
    const seen = new Set<string>();
    for (const d of all) {
      expect(d.error).toBeUndefined();
      const shape = `${d.package}:${d.policyFound}:${d.denies.join('+')}`;
      seen.add(shape);
      expect([
        'opa.pipelines:true:E',
        'opa.pipelines:true:O1+O2',
        'spinnaker.execution.pipelines.before:true:E',
        'spinnaker.execution.pipelines.before:false:',
      ]).toContain(shape);
    }
    // Both sets were really observed.
    expect(seen.has('opa.pipelines:true:O1+O2')).toBe(true);
    expect(seen.has('opa.pipelines:true:E')).toBe(true);
  });
});
