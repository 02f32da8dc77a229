import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { c as createTar } from 'tar';
import { runOpa } from '@policy-engine/opa';
import { PolicyCompileError, PolicySourceError, loadPolicySources } from '@policy-engine/evaluator';
import { V0_AUTHZ, V0_EXEC, V1_EXEC_STAGE, V1_PIPELINES } from './support/policies.js';
import { removeDir, tempDir, writeTree } from './support/temp.js';

let root: string;
beforeAll(async () => {
  root = await tempDir();
});
afterAll(async () => {
  await removeDir(root);
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('directory source', () => {
  it('loads v1 modules and mounts every data file at its directory path, like opa run', async () => {
    const dir = join(root, 'dir-v1');
    await writeTree(dir, {
      'pipelines/save.rego': V1_PIPELINES,
      'stages/deploy.rego': V1_EXEC_STAGE,
      'roles/data.json': '{"trusted": ["app1"]}',
      'nested/deeper/data.yaml': 'limits:\n  max: 3\n',
      'extra.yaml': 'environment: prod\n',
      'roles/more.yml': 'admins: [ann]\n',
      'README.md': 'not loaded',
      '.hidden/ignored.rego': 'this is not rego',
    });
    const { policySet, modules } = await loadPolicySources({ kind: 'directory', path: dir });
    expect(modules.map((m) => [m.id, m.packageName, m.regoVersion, m.regoVersionSource])).toEqual([
      [join(dir, 'pipelines/save.rego'), 'opa.pipelines', 'v1', 'configured'],
      [join(dir, 'stages/deploy.rego'), 'spinnaker.execution.stages.before.deployManifest', 'v1', 'configured'],
    ]);
    expect(policySet.data.map((d) => [d.id.slice(dir.length + 1), d.path, d.value])).toEqual([
      ['extra.yaml', [], { environment: 'prod' }],
      ['nested/deeper/data.yaml', ['nested', 'deeper'], { limits: { max: 3 } }],
      ['roles/data.json', ['roles'], { trusted: ['app1'] }],
      ['roles/more.yml', ['roles'], { admins: ['ann'] }],
    ]);
    expect(policySet.revision).toMatch(/^[0-9a-f]{64}$/);
    const again = await loadPolicySources({ kind: 'directory', path: dir });
    expect(again.policySet.revision).toBe(policySet.revision);
    const more = await loadPolicySources({ kind: 'directory', path: dir }, { extra: true });
    expect(more.policySet.revision).not.toBe(policySet.revision);
    expect(more.policySet.data.at(-1)).toEqual({ id: 'options.data', path: [], value: { extra: true } });
  });

  it('loads v0 modules with regoVersion v0 and rejects them as v1 with file:line:col', async () => {
    const dir = join(root, 'dir-v0');
    await writeTree(dir, { 'authz.rego': V0_AUTHZ, 'exec.rego': V0_EXEC });
    const v0 = await loadPolicySources({ kind: 'directory', path: dir, regoVersion: 'v0' });
    expect(v0.modules.map((m) => [m.packageName, m.regoVersion])).toEqual([
      ['spinnaker.http.authz', 'v0'],
      ['spinnaker.execution.pipelines.before', 'v0'],
    ]);
    const error = await rejection(loadPolicySources({ kind: 'directory', path: dir }));
    expect(error).toBeInstanceOf(PolicyCompileError);
    const compile = error as PolicyCompileError;
    expect(compile.code).toBe('POLICY_COMPILE_ERROR');
    // Both files are reported, each with a location.
    expect(compile.message).toContain(`${join(dir, 'authz.rego')}:`);
    expect(compile.message).toContain(`${join(dir, 'exec.rego')}:`);
    for (const problem of compile.problems) expect(problem.location?.line).toBeGreaterThan(0);
  });

  it('auto picks v1 or v0 per module, and real OPA agrees with each choice', async () => {
    const dir = join(root, 'dir-auto');
    await writeTree(dir, { 'a_v1.rego': V1_PIPELINES, 'b_v0.rego': V0_AUTHZ, 'c_v1.rego': V1_EXEC_STAGE });
    const { modules } = await loadPolicySources({ kind: 'directory', path: dir, regoVersion: 'auto' });
    expect(modules.map((m) => [m.packageName, m.regoVersion, m.regoVersionSource])).toEqual([
      ['opa.pipelines', 'v1', 'auto-v1'],
      ['spinnaker.http.authz', 'v0', 'auto-v0'],
      ['spinnaker.execution.stages.before.deployManifest', 'v1', 'auto-v1'],
    ]);
    for (const m of modules) {
      const args = ['check', ...(m.regoVersion === 'v0' ? ['--v0-compatible'] : []), m.id];
      const result = await runOpa(args);
      expect(result.code, `${m.id}: ${result.stderr}`).toBe(0);
    }
  });

  it('auto reports a module that is neither v1 nor v0 as a PolicyCompileError', async () => {
    const dir = join(root, 'dir-auto-bad');
    await writeTree(dir, { 'bad.rego': 'this is { not rego\n' });
    const error = await rejection(loadPolicySources({ kind: 'directory', path: dir, regoVersion: 'auto' }));
    expect(error).toBeInstanceOf(PolicyCompileError);
    expect((error as Error).message).toMatch(new RegExp(`${join(dir, 'bad.rego').replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
  });

  it('follows symlinks to files like a ConfigMap volume mount, not symlinks to directories; real OPA loads the same', async () => {
    const dir = join(root, 'dir-configmap-volume');
    await writeTree(dir, {
      '..2026_11_29_20_00_00.1/save.rego': V1_PIPELINES,
      '..2026_11_29_20_00_00.1/limits.json': '{"max": 3}',
      'elsewhere/stage.rego': V1_EXEC_STAGE,
    });
    await symlink('..2026_11_29_20_00_00.1', join(dir, '..data'));
    await symlink('..data/save.rego', join(dir, 'save.rego'));
    await symlink('..data/limits.json', join(dir, 'limits.json'));
    await symlink('elsewhere', join(dir, 'linked-dir'));
    const { policySet, modules } = await loadPolicySources({ kind: 'directory', path: dir });
    expect(modules.map((m) => [m.id.slice(dir.length + 1), m.packageName])).toEqual([
      ['elsewhere/stage.rego', 'spinnaker.execution.stages.before.deployManifest'],
      ['save.rego', 'opa.pipelines'],
    ]);
    expect(policySet.data.map((d) => [d.id.slice(dir.length + 1), d.path, d.value])).toEqual([['limits.json', [], { max: 3 }]]);
    const opa = await runOpa(['eval', '-d', dir, '--format', 'raw', 'data.max']);
    expect(opa.stdout.trim(), opa.stderr).toBe('3');
    const opaPackages = await runOpa(['eval', '-d', dir, '--format', 'raw', '[p | data.opa.pipelines; p := "opa.pipelines"]']);
    expect(opaPackages.stdout.trim(), opaPackages.stderr).toBe('["opa.pipelines"]');

    await symlink('..data/gone.rego', join(dir, 'gone.rego'));
    const broken = await rejection(loadPolicySources({ kind: 'directory', path: dir }));
    expect(broken).toBeInstanceOf(PolicySourceError);
    expect((broken as Error).message).toContain(join(dir, 'gone.rego'));
    expect((broken as Error).message).toContain('broken symbolic link');
  });

  it('reports a missing directory and malformed data as PolicySourceError with the path', async () => {
    const missing = join(root, 'nope');
    const e1 = await rejection(loadPolicySources({ kind: 'directory', path: missing }));
    expect(e1).toBeInstanceOf(PolicySourceError);
    expect((e1 as PolicySourceError).source).toBe(missing);
    const dir = join(root, 'dir-bad-data');
    await writeTree(dir, { 'roles/data.json': '{\n  "a": 1,\n  "b": \n}\n' });
    const e2 = await rejection(loadPolicySources({ kind: 'directory', path: dir }));
    expect(e2).toBeInstanceOf(PolicySourceError);
    expect((e2 as Error).message).toContain(join(dir, 'roles/data.json'));
    expect((e2 as Error).message).toMatch(/:\d+:\d+: invalid JSON/);
  });
});

describe('files and inline sources', () => {
  it('loads listed files and inline modules with data', async () => {
    const dir = join(root, 'files');
    await writeTree(dir, { 'p.rego': V1_PIPELINES, 'roles.json': '{"roles": {"trusted": []}}' });
    const { policySet, modules } = await loadPolicySources([
      { kind: 'files', paths: [join(dir, 'p.rego'), join(dir, 'roles.json')] },
      { kind: 'inline', modules: [{ id: 'inline/authz.rego', source: V0_AUTHZ, regoVersion: 'v0' }], data: { flag: true } },
    ]);
    expect(modules.map((m) => m.packageName)).toEqual(['opa.pipelines', 'spinnaker.http.authz']);
    expect(policySet.data.map((d) => [d.path, d.value])).toEqual([
      [[], { roles: { trusted: [] } }],
      [[], { flag: true }],
    ]);
  });

  it('rejects an unreadable file and duplicate module ids', async () => {
    const missing = join(root, 'files', 'missing.rego');
    const e = await rejection(loadPolicySources({ kind: 'files', paths: [missing] }));
    expect(e).toBeInstanceOf(PolicySourceError);
    expect((e as Error).message).toContain(missing);
    const dup = await rejection(
      loadPolicySources({
        kind: 'inline',
        modules: [
          { id: 'x', source: V1_EXEC_STAGE },
          { id: 'x', source: V1_EXEC_STAGE },
        ],
      }),
    );
    expect(dup).toBeInstanceOf(PolicySourceError);
  });
});

const CONFIGMAPS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: labelled
  namespace: opa
  labels:
    openpolicyagent.org/policy: rego
data:
  pipelines.rego: |
${V1_PIPELINES.split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
  notes.txt: ignored
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: unlabelled
data:
  exec.rego: |
${V1_EXEC_STAGE.split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: in-list
      labels:
        openpolicyagent.org/policy: rego
    data:
      authz.rego: |
${V0_AUTHZ.split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}
  - apiVersion: v1
    kind: Secret
    metadata:
      name: not-a-configmap
    data:
      secret.rego: cGFja2FnZSB4
`;

describe('configmap source', () => {
  it('loads every ConfigMap .rego key without requireLabel (auto versions)', async () => {
    const dir = join(root, 'cm');
    await writeTree(dir, { 'policies.yaml': CONFIGMAPS });
    const { modules, policySet } = await loadPolicySources({ kind: 'configmap', path: join(dir, 'policies.yaml'), regoVersion: 'auto' });
    expect(modules.map((m) => [m.id, m.packageName, m.regoVersion])).toEqual([
      ['configmap:labelled/pipelines.rego', 'opa.pipelines', 'v1'],
      ['configmap:unlabelled/exec.rego', 'spinnaker.execution.stages.before.deployManifest', 'v1'],
      ['configmap:in-list/authz.rego', 'spinnaker.http.authz', 'v0'],
    ]);
    expect(policySet.modules[0]?.source).toBe(V1_PIPELINES);
  });

  it('with requireLabel loads only ConfigMaps labelled openpolicyagent.org/policy=rego', async () => {
    const { modules } = await loadPolicySources({
      kind: 'configmap',
      path: join(root, 'cm', 'policies.yaml'),
      requireLabel: true,
      regoVersion: 'auto',
    });
    expect(modules.map((m) => m.id)).toEqual(['configmap:labelled/pipelines.rego', 'configmap:in-list/authz.rego']);
  });

  it('reports malformed YAML with line:col', async () => {
    const dir = join(root, 'cm-bad');
    await writeTree(dir, { 'bad.yaml': 'kind: ConfigMap\ndata:\n  a.rego: "unterminated\n' });
    const e = await rejection(loadPolicySources({ kind: 'configmap', path: join(dir, 'bad.yaml') }));
    expect(e).toBeInstanceOf(PolicySourceError);
    expect((e as Error).message).toMatch(/bad\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('bundle source (built by the real opa build)', () => {
  it('loads a v1 bundle: manifest rego_version 1, data.json at depth', async () => {
    const dir = join(root, 'bundle-v1');
    await writeTree(dir, { 'src/pipelines.rego': V1_PIPELINES, 'src/roles/data.json': '{"trusted": ["app1"]}' });
    const out = join(dir, 'bundle.tar.gz');
    const built = await runOpa(['build', '-b', 'src', '-o', out], { cwd: dir });
    expect(built.code, built.stderr).toBe(0);
    const { modules, policySet } = await loadPolicySources({ kind: 'bundle', path: out });
    expect(modules).toEqual([
      { id: `bundle:${out}#src/pipelines.rego`, packageName: 'opa.pipelines', regoVersion: 'v1', regoVersionSource: 'manifest' },
    ]);
    const roots = policySet.data.map((d) => [d.path, d.value]);
    expect(roots).toEqual([[[], { roles: { trusted: ['app1'] } }]]);
  });

  it('loads a bundle built with --v0-compatible as v0 (manifest rego_version 0)', async () => {
    const dir = join(root, 'bundle-v0');
    await writeTree(dir, { 'src/authz.rego': V0_AUTHZ, 'src/exec.rego': V0_EXEC });
    const out = join(dir, 'bundle.tar.gz');
    const built = await runOpa(['build', '--v0-compatible', '-b', 'src', '-o', out], { cwd: dir });
    expect(built.code, built.stderr).toBe(0);
    const { modules } = await loadPolicySources({ kind: 'bundle', path: out });
    expect(modules.map((m) => [m.packageName, m.regoVersion, m.regoVersionSource])).toEqual([
      ['spinnaker.http.authz', 'v0', 'manifest'],
      ['spinnaker.execution.pipelines.before', 'v0', 'manifest'],
    ]);
  });

  it('honours file_rego_versions globs, as a directory bundle and as a built tarball', async () => {
    const dir = join(root, 'bundle-mixed');
    await writeTree(dir, {
      'b/.manifest': JSON.stringify({ rego_version: 1, file_rego_versions: { '/legacy/*.rego': 0 } }),
      'b/legacy/authz.rego': V0_AUTHZ,
      'b/modern/pipelines.rego': V1_PIPELINES,
      'b/roles/data.json': '{"trusted": []}',
    });
    const asDir = await loadPolicySources({ kind: 'bundle', path: join(dir, 'b') });
    expect(asDir.modules.map((m) => [m.packageName, m.regoVersion])).toEqual([
      ['spinnaker.http.authz', 'v0'],
      ['opa.pipelines', 'v1'],
    ]);
    expect(asDir.policySet.data.map((d) => [d.path, d.value])).toEqual([[['roles'], { trusted: [] }]]);
    const out = join(dir, 'mixed.tar.gz');
    const built = await runOpa(['build', '-b', 'b', '-o', out], { cwd: dir });
    expect(built.code, built.stderr).toBe(0);
    const asTar = await loadPolicySources({ kind: 'bundle', path: out });
    expect(asTar.modules.map((m) => [m.packageName, m.regoVersion])).toEqual([
      ['spinnaker.http.authz', 'v0'],
      ['opa.pipelines', 'v1'],
    ]);
  });

  it('mounts data.json and data.yaml at depth in a hand-made tarball (leading-slash and ./ entry names)', async () => {
    const dir = join(root, 'bundle-hand');
    await writeTree(dir, {
      'content/.manifest': JSON.stringify({ revision: 'r1', roots: [''] }),
      'content/policy/authz.rego': 'package spinnaker.http.authz\n\nallow if input.user in data.cfg.admins\n',
      'content/cfg/data.json': '{"admins": ["ann"]}',
      'content/cfg/limits/data.yaml': 'max: 3\n',
      'content/policy.wasm': 'ignored',
    });
    const out = join(dir, 'hand.tar.gz');
    await createTar({ gzip: true, file: out, cwd: join(dir, 'content') }, ['./.manifest', './policy', './cfg', './policy.wasm']);
    const { modules, policySet } = await loadPolicySources({ kind: 'bundle', path: out, regoVersion: 'auto' });
    expect(modules.map((m) => [m.id, m.packageName, m.regoVersionSource])).toEqual([
      [`bundle:${out}#policy/authz.rego`, 'spinnaker.http.authz', 'auto-v1'],
    ]);
    expect(policySet.data.map((d) => [d.path, d.value])).toEqual([
      [['cfg'], { admins: ['ann'] }],
      [['cfg', 'limits'], { max: 3 }],
    ]);
  });

  it('reports a missing or corrupt bundle as PolicySourceError', async () => {
    const dir = join(root, 'bundle-bad');
    await writeTree(dir, { 'x.tar.gz': 'not gzip at all' });
    expect(await rejection(loadPolicySources({ kind: 'bundle', path: join(dir, 'missing.tar.gz') }))).toBeInstanceOf(PolicySourceError);
    expect(await rejection(loadPolicySources({ kind: 'bundle', path: join(dir, 'x.tar.gz') }))).toBeInstanceOf(PolicySourceError);
  });
});
