// Issue 9, reliability suite (hot reload under load): a policy file replaced atomically (written
// to a temporary name, renamed over the old one) must be picked up every time, not only the first.
// Node 20's recursive fs.watch on Linux lost every swap after the first one when the temporary
// file was renamed before its watcher had looked at it (deterministic here: write and rename in one tick).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPolicyEngine, type PolicyEngine, type ReloadResult } from '@policy-engine/evaluator';
import { markerEngine } from './support/marker-engine.js';
import { recordingLogger } from '@policy-engine/evaluator/testing';
import { removeDir, tempDir, writeTree } from './support/temp.js';

const deny = (message: string) => `package opa.pipelines\n\ndeny contains "${message}" if { true }\n`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(files: Record<string, string>) {
  const dir = await tempDir('evaluator-watch-rename-');
  await writeTree(dir, files);
  const pe = await createPolicyEngine({
    engine: markerEngine(),
    policies: { kind: 'directory', path: dir, watch: true },
    options: { logger: recordingLogger() },
  });
  cleanups.push(async () => {
    await pe.close();
    await removeDir(dir);
  });
  return { dir, pe };
}

/** Waits until the engine denies with `message` (a reload applied it), or fails after `timeoutMs`. */
async function until(pe: PolicyEngine, dir: string, message: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await pe.evaluate('opa.pipelines', {})).denies.includes(message)) return;
    if (Date.now() > deadline) throw new Error(`"${message}" was not loaded from ${dir} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a watched directory picks up every atomic replacement of a file', () => {
  it('five swaps by rename in a row: each one is loaded', async () => {
    const { dir, pe } = await setup({ 'p.rego': deny('v0') });
    const reloads: ReloadResult[] = [];
    pe.onReload((r) => reloads.push(r));
    for (let n = 1; n <= 5; n++) {
      // Written and renamed in one go, as another process does it while this one is busy.
      writeFileSync(join(dir, '.p.rego.tmp'), deny(`v${n}`));
      renameSync(join(dir, '.p.rego.tmp'), join(dir, 'p.rego'));
      await until(pe, dir, `v${n}`);
    }
    expect(reloads.filter((r) => r.ok).length).toBeGreaterThanOrEqual(5);
  });

  it('a subdirectory created after the start is watched too, also across renames', async () => {
    const { dir, pe } = await setup({ 'p.rego': deny('v0') });
    mkdirSync(join(dir, 'sub'));
    await new Promise((r) => setTimeout(r, 150)); // its watcher is added on the event of its creation
    for (let n = 1; n <= 3; n++) {
      writeFileSync(join(dir, 'sub', '.q.rego.tmp'), `package opa.pipelines\n\ndeny contains "sub v${n}" if { true }\n`);
      renameSync(join(dir, 'sub', '.q.rego.tmp'), join(dir, 'sub', 'q.rego'));
      await until(pe, dir, `sub v${n}`);
    }
  });
});
