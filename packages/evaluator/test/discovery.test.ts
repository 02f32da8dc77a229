import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runOpa } from '@policy-engine/opa';
import { PolicyCompileError, discoverModule } from '@policy-engine/evaluator';
import { V0_AUTHZ, V0_EXEC, V1_EXEC_STAGE, V1_PIPELINES } from './support/policies.js';
import { removeDir, tempDir, writeTree } from './support/temp.js';

function compileError(fn: () => unknown): PolicyCompileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PolicyCompileError) return error;
    throw error;
  }
  throw new Error('expected a PolicyCompileError');
}

describe('discoverModule (rego-parser)', () => {
  it('reads dotted and quoted package paths', () => {
    expect(discoverModule('package a["b-c"].d\n', 'x.rego', 'v1')).toMatchObject({
      packageName: 'a.b-c.d',
      regoVersion: 'v1',
      regoVersionSource: 'configured',
    });
    expect(discoverModule(V0_AUTHZ, 'x.rego', 'v0', true)).toMatchObject({
      packageName: 'spinnaker.http.authz',
      regoVersion: 'v0',
      regoVersionSource: 'manifest',
    });
  });

  it('auto prefers v1, falls back to v0', () => {
    expect(discoverModule(V1_PIPELINES, 'a.rego', 'auto').regoVersionSource).toBe('auto-v1');
    expect(discoverModule(V1_EXEC_STAGE, 'a.rego', 'auto').regoVersionSource).toBe('auto-v1');
    expect(discoverModule(V0_EXEC, 'a.rego', 'auto').regoVersionSource).toBe('auto-v0');
    // Valid in both: v1 wins.
    expect(discoverModule('package p\n\nx := 1\n', 'a.rego', 'auto').regoVersion).toBe('v1');
  });

  it('auto picks v0 for a module that parses as v1 but calls a built-in OPA removed in v1, as real OPA decides', async () => {
    const source = 'package legacy\n\nx := any([true, false])\n';
    expect(discoverModule(source, 'legacy.rego', 'auto')).toMatchObject({
      packageName: 'legacy',
      regoVersion: 'v0',
      regoVersionSource: 'auto-v0',
    });
    const dir = await tempDir('evaluator-discovery-');
    try {
      await writeTree(dir, { 'legacy.rego': source });
      expect((await runOpa(['check', join(dir, 'legacy.rego')])).code).not.toBe(0);
      expect((await runOpa(['check', '--v0-compatible', join(dir, 'legacy.rego')])).code).toBe(0);
    } finally {
      await removeDir(dir);
    }
  });

  it('reports v1 parse errors on the same lines as real OPA, with file:line:col', async () => {
    const dir = await tempDir('evaluator-discovery-');
    try {
      await writeTree(dir, { 'e.rego': V0_EXEC });
      const file = join(dir, 'e.rego');
      const error = compileError(() => discoverModule(V0_EXEC, file, 'v1'));
      const ours = error.problems.map((p) => `${p.location?.file}:${p.location?.line}`);
      const opa = await runOpa(['check', file]);
      expect(opa.code).not.toBe(0);
      const theirs = [...opa.stderr.matchAll(/^(\S+\.rego):(\d+):/gm)].map((m) => `${m[1]}:${m[2]}`);
      expect(theirs.length).toBeGreaterThan(0);
      expect(ours).toEqual(theirs);
      expect(error.message).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:3:1: rego_parse_error: `));
    } finally {
      await removeDir(dir);
    }
  });

  it('auto reports the v1 problems when neither version parses', () => {
    const error = compileError(() => discoverModule('package p\n\nallow {\n  input.x ==\n}\n', 'bad.rego', 'auto'));
    expect(error.problems.length).toBeGreaterThan(0);
    for (const p of error.problems) expect(p.location?.file).toBe('bad.rego');
  });
});
