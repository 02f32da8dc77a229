/**
 * The core with a real engine: engine-opa talking to a real OPA v1.22.3 server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, runOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';
import { createPolicyEngine, loadPolicySources, type PolicyEngine } from '@policy-engine/evaluator';
import { EXAMPLE_POLICIES, decisionCases } from '@policy-engine/test-kit';
import { V0_AUTHZ, V1_PIPELINES } from './support/policies.js';
import { recordingLogger } from '@policy-engine/evaluator/testing';
import { removeDir, tempDir, writeTree } from './support/temp.js';

let server: OpaServer;
let root: string;
beforeAll(async () => {
  server = await startOpaServer({ v0Compatible: true });
  root = await tempDir('evaluator-opa-');
});
afterAll(async () => {
  await server?.stop();
  await removeDir(root);
});

describe('createPolicyEngine + engine-opa + real OPA', () => {
  // 48 cases over REST: seconds on a quiet machine, far longer on a loaded CI box.
  it('decides every example case as OPA does (directory source, regoVersion auto)', { timeout: 120_000 }, async () => {
    const pe = await createPolicyEngine({
      engine: opaEngine({ baseUrl: `${server.url}/v1/data` }),
      policies: { kind: 'directory', path: EXAMPLE_POLICIES, regoVersion: 'auto' },
      options: { logger: recordingLogger() },
    });
    try {
      const cases = decisionCases();
      expect(cases.length).toBeGreaterThan(40);
      for (const c of cases) {
        const d = await pe.evaluate(c.package, c.input);
        expect({ name: c.name, allowed: d.allowed, policyFound: d.policyFound, denies: d.denies, message: d.message }).toEqual({
          name: c.name,
          ...c.expect,
        });
        expect(d.error).toBeUndefined();
        expect(d.engine).toBe(pe.engineName);
      }
      // Every module's auto choice is what real OPA accepts.
      for (const m of pe.modules()) {
        const check = await runOpa(['check', ...(m.regoVersion === 'v0' ? ['--v0-compatible'] : []), m.id]);
        expect(check.code, `${m.id} as ${m.regoVersion}: ${check.stderr}`).toBe(0);
      }
    } finally {
      await pe.close();
    }
  });

  it('evaluates a bundle built by opa build --v0-compatible', async () => {
    const dir = join(root, 'bundle');
    await writeTree(dir, {
      'src/authz.rego': V0_AUTHZ,
      'src/pipelines.rego': V1_PIPELINES.replace('import rego.v1\n', 'import rego.v1\n'),
      'src/roles/data.json': '{"trusted": ["good"]}',
    });
    // The v1 module needs `import rego.v1` to build with --v0-compatible; V1_PIPELINES has it.
    const out = join(dir, 'bundle.tar.gz');
    const built = await runOpa(['build', '--v0-compatible', '-b', 'src', '-o', out], { cwd: dir });
    expect(built.code, built.stderr).toBe(0);
    const pe = await createPolicyEngine({
      engine: opaEngine({ baseUrl: server.url }),
      policies: { kind: 'bundle', path: out },
      options: { logger: recordingLogger() },
    });
    try {
      expect(pe.modules().map((m) => [m.packageName, m.regoVersion, m.regoVersionSource])).toEqual([
        ['spinnaker.http.authz', 'v0', 'manifest'],
        ['opa.pipelines', 'v0', 'manifest'],
      ]);
      expect(await pe.evaluate('spinnaker.http.authz', { user: { isAdmin: false } })).toMatchObject({
        allowed: false,
        message: 'admins only',
      });
      expect(await pe.evaluate('spinnaker.http.authz', { user: { isAdmin: true } })).toMatchObject({ allowed: true, message: null });
      const pipeline = (application: string) => ({ pipeline: { application, stages: [{ type: 'deployManifest' }] } });
      expect(await pe.evaluate('opa.pipelines', pipeline('bad'))).toMatchObject({
        allowed: false,
        denies: ['application bad may not deploy manifests'],
      });
      expect(await pe.evaluate('opa.pipelines', pipeline('good'))).toMatchObject({ allowed: true, denies: [] });
    } finally {
      await pe.close();
    }
  });

  it('evaluates policies from a ConfigMap YAML (requireLabel on: the unlabelled one is not loaded)', async () => {
    const dir = join(root, 'cm');
    const indent = (text: string) =>
      text
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
    await writeTree(dir, {
      'cm.yaml': [
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: authz\n  labels:\n    openpolicyagent.org/policy: rego\ndata:\n  authz.rego: |',
        indent(V0_AUTHZ),
        '---',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: draft\ndata:\n  pipelines.rego: |',
        indent('package opa.pipelines\n\ndeny contains "draft policy" if { true }\n'),
      ].join('\n'),
    });
    for (const requireLabel of [true, false]) {
      const pe = await createPolicyEngine({
        engine: opaEngine({ baseUrl: server.url }),
        policies: { kind: 'configmap', path: join(dir, 'cm.yaml'), requireLabel, regoVersion: 'auto' },
        options: { logger: recordingLogger() },
      });
      try {
        expect(await pe.evaluate('spinnaker.http.authz', { user: { isAdmin: false } })).toMatchObject({
          allowed: false,
          message: 'admins only',
        });
        const save = await pe.evaluate('opa.pipelines', {});
        expect(save).toMatchObject(requireLabel ? { allowed: true, policyFound: false } : { allowed: false, denies: ['draft policy'] });
      } finally {
        await pe.close();
      }
    }
  });

  it('decisions racing reloads on real OPA come wholly from one set', async () => {
    const dir = join(root, 'race');
    const pkg = (marker: string) => `package opa.pipelines\n\ndeny contains "${marker}-a" if { true }\n`;
    const second = (marker: string) => `package opa.pipelines\n\ndeny contains "${marker}-b" if { true }\n`;
    await writeTree(dir, { 'a.rego': pkg('old'), 'b.rego': second('old') });
    const pe: PolicyEngine = await createPolicyEngine({
      engine: opaEngine({ baseUrl: server.url }),
      policies: { kind: 'directory', path: dir },
      options: { logger: recordingLogger() },
    });
    try {
      const reloads = (async () => {
        for (let i = 0; i < 6; i++) {
          const marker = i % 2 === 0 ? 'new' : 'old';
          await writeFile(join(dir, 'a.rego'), pkg(marker));
          await writeFile(join(dir, 'b.rego'), second(marker));
          expect((await pe.reload()).ok).toBe(true);
        }
      })();
      const pending = [];
      for (let i = 0; i < 60; i++) {
        pending.push(pe.evaluate('opa.pipelines', {}));
        await new Promise((r) => setTimeout(r, 2));
      }
      await reloads;
      const seen = new Set<string>();
      for (const d of await Promise.all(pending)) {
        expect(d.error).toBeUndefined();
        const shape = [...d.denies].sort().join('+');
        seen.add(shape);
        expect(['new-a+new-b', 'old-a+old-b']).toContain(shape);
      }
      expect(seen.size).toBeGreaterThan(0);
    } finally {
      await pe.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a broken policy is rejected at load with file:line:col and the old set keeps deciding', async () => {
    const dir = join(root, 'broken');
    await writeTree(dir, { 'p.rego': V1_PIPELINES, 'roles/data.json': '{"trusted": []}' });
    const logger = recordingLogger();
    const pe = await createPolicyEngine({
      engine: opaEngine({ baseUrl: server.url }),
      policies: { kind: 'directory', path: dir },
      options: { logger },
    });
    try {
      // Parses, but OPA's compiler rejects it (unsafe variable): the engine reports it.
      await writeFile(join(dir, 'p.rego'), 'package opa.pipelines\n\ndeny contains msg if {\n  x == 1\n}\n');
      const result = await pe.reload();
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('POLICY_COMPILE_ERROR');
        expect(result.error.message).toMatch(/p\.rego:\d+:\d+/);
      }
      const d = await pe.evaluate('opa.pipelines', { pipeline: { application: 'x', stages: [{ type: 'deployManifest' }] } });
      expect(d).toMatchObject({ allowed: false, denies: ['application x may not deploy manifests'] });
    } finally {
      await pe.close();
    }
  });
});

describe('a package defined by ref-head rules of a parent package', () => {
  it('is evaluated on real OPA and on wasm, not decided as missing', async () => {
    const source =
      'package spinnaker.deployment\n\ntasks.before.deployManifest.deny contains "prod needs a ticket" if {\n  input.deploy.account == "prod"\n  not input.deploy.ticket\n}\n';
    const policies = { kind: 'inline', modules: [{ id: 'parent.rego', source }] } as const;
    const engines = [
      opaEngine({ baseUrl: server.url }),
      wasmEngine({ opaPath: findOpa(), cacheDir: join(root, 'wasm-cache'), workers: 1 }),
    ];
    for (const engine of engines) {
      const pe = await createPolicyEngine({ engine, policies, options: { logger: recordingLogger() } });
      try {
        const pkg = 'spinnaker.deployment.tasks.before.deployManifest';
        expect(pe.hasPolicy(pkg)).toBe(true);
        const denied = await pe.evaluate(pkg, { deploy: { account: 'prod' } });
        expect(denied, engine.name).toMatchObject({ allowed: false, denies: ['prod needs a ticket'], policyFound: true });
        expect(denied.error).toBeUndefined();
        const allowed = await pe.evaluate(pkg, { deploy: { account: 'prod', ticket: 'T-1' } });
        expect(allowed, engine.name).toMatchObject({ allowed: true, denies: [], policyFound: true });
      } finally {
        await pe.close();
      }
    }
  });
});

describe('loadPolicySources on the example policies', () => {
  it('discovers every package once; data.json at the top merges at the root (as with opa run)', async () => {
    const { modules, policySet } = await loadPolicySources({ kind: 'directory', path: EXAMPLE_POLICIES, regoVersion: 'auto' });
    // One package per .rego file in the example set (13 when this was written).
    const regoFiles = (await readdir(EXAMPLE_POLICIES, { recursive: true })).filter((f) => f.endsWith('.rego'));
    expect(regoFiles.length).toBeGreaterThanOrEqual(13);
    expect(modules.length).toBe(regoFiles.length);
    expect(new Set(modules.map((m) => m.packageName)).size).toBe(regoFiles.length);
    expect(policySet.data.map((d) => [d.id.slice(EXAMPLE_POLICIES.length + 1), d.path])).toEqual([['data.json', []]]);
  });
});
