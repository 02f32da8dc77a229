// The same policies must give the same decisions on every engine: the example policy set
// on a real OPA server (engine-opa), on OPA-compiled wasm (engine-wasm) and on the native
// interpreter (engine-native), through the evaluator's createPolicyEngine and through
// `policy-engine eval` itself, plus failure modes with a real server.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicyEngine, type Decision, type PolicyEngine, type PolicySource } from '@policy-engine/evaluator';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { nativeEngine } from '@policy-engine/engine-native';
import { findOpa, repoRoot, startOpaServer, type OpaServer } from '@policy-engine/opa';
import { ENGINE_NAMES } from '@policy-engine/engines';
import { decisionCases, fixtureFiles, fixtureInput } from '@policy-engine/test-kit';
import { buildProgram, commands, runProgram, type CliIo } from '../src/index.js';

const EXAMPLES = join(repoRoot, 'examples', 'policies');

const cases = decisionCases();
const fixtures = fixtureFiles();

/** The fields that must agree across engines. */
function essence(d: Decision): Pick<Decision, 'allowed' | 'denies' | 'message' | 'policyFound' | 'error'> {
  return { allowed: d.allowed, denies: d.denies, message: d.message, policyFound: d.policyFound, ...(d.error ? { error: d.error } : {}) };
}

const source: PolicySource = { kind: 'directory', path: EXAMPLES, regoVersion: 'auto' };

describe('example policies decide the same on opa and wasm', () => {
  let server: OpaServer;
  let onOpa: PolicyEngine;
  let onWasm: PolicyEngine;
  let onNative: PolicyEngine;
  let cacheDir: string;

  beforeAll(async () => {
    server = await startOpaServer({ v0Compatible: true });
    cacheDir = await mkdtemp(join(tmpdir(), 'cross-engine-wasm-'));
    onOpa = await createPolicyEngine({ engine: opaEngine({ baseUrl: server.url }), policies: source });
    onWasm = await createPolicyEngine({ engine: wasmEngine({ opaPath: findOpa(), cacheDir }), policies: source });
    onNative = await createPolicyEngine({ engine: nativeEngine(), policies: source });
  });

  afterAll(async () => {
    await onOpa?.close();
    await onWasm?.close();
    await onNative?.close();
    await server?.stop();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('loads the same packages on both engines', () => {
    expect(onOpa.packages().length).toBeGreaterThanOrEqual(12);
    expect(onWasm.packages()).toEqual(onOpa.packages());
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const input = c.input;
    const [a, b] = await Promise.all([onOpa.evaluate(c.package, input), onWasm.evaluate(c.package, input)]);
    expect(a.error).toBeUndefined();
    expect(b.error).toBeUndefined();
    expect(a.engine).toBe('opa');
    expect(b.engine).toBe('wasm');
    expect(essence(b)).toEqual(essence(a));
    expect(a).toMatchObject(c.expect);
  });

  it.each(cases.map((c) => [c.name, c] as const))('native: %s', async (_name, c) => {
    const input = c.input;
    const [a, n] = await Promise.all([onOpa.evaluate(c.package, input), onNative.evaluate(c.package, input)]);
    expect(n.error).toBeUndefined();
    expect(n.engine).toBe('native');
    expect(essence(n)).toEqual(essence(a));
  });

  it('200 concurrent evaluations per engine each get their own answer', async () => {
    const base = fixtureInput('spinnaker.deployment.tasks.before.scaleManifest.input.json') as { deploy: { replicas: number } };
    const maxReplicas = (JSON.parse(readFileSync(join(EXAMPLES, 'data.json'), 'utf8')) as { spinnaker_policy: { max_replicas: number } })
      .spinnaker_policy.max_replicas;
    const inputs = Array.from({ length: 200 }, (_, i) => ({ ...base, deploy: { ...base.deploy, replicas: i % 40 } }));
    for (const pe of [onOpa, onWasm]) {
      const decisions = await Promise.all(inputs.map((input) => pe.evaluate('spinnaker.deployment.tasks.before.scaleManifest', input)));
      expect(decisions.map((d) => d.allowed)).toEqual(inputs.map((i) => i.deploy.replicas <= maxReplicas));
      expect(decisions.every((d) => d.error === undefined)).toBe(true);
    }
  });

  it('every example package × every fixture input gives the same Decision on every engine', async () => {
    const packages = onOpa.packages();
    let compared = 0;
    const diffs: string[] = [];
    for (const file of fixtures) {
      const input = fixtureInput(file);
      for (const pkg of packages) {
        const [a, b, n] = await Promise.all([onOpa.evaluate(pkg, input), onWasm.evaluate(pkg, input), onNative.evaluate(pkg, input)]);
        if (a.error || b.error || n.error)
          diffs.push(`${pkg} × ${file}: error ${a.error?.message ?? ''} ${b.error?.message ?? ''} ${n.error?.message ?? ''}`);
        if (JSON.stringify(essence(a)) !== JSON.stringify(essence(b))) {
          diffs.push(`${pkg} × ${file}: opa ${JSON.stringify(essence(a))} wasm ${JSON.stringify(essence(b))}`);
        }
        if (JSON.stringify(essence(a)) !== JSON.stringify(essence(n))) {
          diffs.push(`${pkg} × ${file}: opa ${JSON.stringify(essence(a))} native ${JSON.stringify(essence(n))}`);
        }
        compared++;
      }
    }
    expect(diffs).toEqual([]);
    expect(compared).toBe(fixtures.length * packages.length);
  });
});

describe('`policy-engine eval` gives the same Decision on native, wasm and opa for every case of examples/policy-cases.json', () => {
  let server: OpaServer;
  let dir: string;

  beforeAll(async () => {
    // Its own OPA (the eval runs push and remove their policies), given to `--engine opa` as --opa-url.
    server = await startOpaServer({ v0Compatible: true });
    dir = await mkdtemp(join(tmpdir(), 'cross-engine-eval-'));
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function evalCli(engine: string, pkg: string, inputFile: string): Promise<{ code: number; decision: Decision; err: string }> {
    let out = '';
    let err = '';
    const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t) };
    const argv = ['eval', '--engine', engine, '--policy', EXAMPLES, '--package', pkg, '--input', inputFile, '--format', 'json'];
    if (engine === 'opa') argv.push('--opa-url', server.url);
    const code = await runProgram(buildProgram(commands, io), argv, io);
    return { code, decision: JSON.parse(out) as Decision, err };
  }

  it('covers every engine of the factory', () => {
    expect([...ENGINE_NAMES].sort()).toEqual(['native', 'opa', 'wasm']);
  });

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const input = c.input;
    const file = join(dir, `case-${i}.json`);
    await writeFile(file, JSON.stringify({ input }));
    const runs = [];
    for (const engine of ENGINE_NAMES) runs.push({ engine, ...(await evalCli(engine, c.package, file)) });
    const [opa] = runs.filter((r) => r.engine === 'opa');
    for (const r of runs) {
      expect(r.decision.engine, r.engine).toBe(r.engine);
      expect(r.decision.error, r.engine).toBeUndefined();
      expect(r.code, `${r.engine} exit code`).toBe(r.decision.allowed ? 0 : 1);
      expect(essence(r.decision), r.engine).toEqual(essence(opa!.decision));
      expect(r.decision, r.engine).toMatchObject(c.expect);
    }
  });
});

describe('failure modes through the evaluator, with a real OPA', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cross-engine-failures-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('OPA killed mid-run: denied with error (fail-closed), allowed with error (failOpen)', async () => {
    const server = await startOpaServer({ v0Compatible: true });
    const closed = await createPolicyEngine({ engine: opaEngine({ baseUrl: server.url }), policies: source });
    const open = await createPolicyEngine({ engine: opaEngine({ baseUrl: server.url }), policies: source, options: { failOpen: true } });
    try {
      const input = fixtureInput('opa.pipelines.input.json');
      expect((await closed.evaluate('opa.pipelines', input)).allowed).toBe(true);
      await server.kill();
      const denied = await closed.evaluate('opa.pipelines', input);
      expect(denied).toMatchObject({ allowed: false, error: { code: 'ENGINE_UNAVAILABLE' }, engine: 'opa' });
      const allowed = await open.evaluate('opa.pipelines', input);
      expect(allowed).toMatchObject({ allowed: true, error: { code: 'ENGINE_UNAVAILABLE' } });
    } finally {
      await closed.close();
      await open.close();
      await server.stop();
    }
  });

  it('OPA killed during an in-flight evaluation: that decision is denied with error at once (fail-closed), allowed with failOpen', async () => {
    const slow = join(dir, 'inflight.rego');
    await writeFile(
      slow,
      'package slow\n\nimport rego.v1\n\ndeny contains "too many" if count([x | some x in numbers.range(1, 50000000)]) > 0\n',
    );
    const policies: PolicySource = { kind: 'files', paths: [slow], regoVersion: 'v1' };
    for (const failOpen of [false, true]) {
      const server = await startOpaServer({ v0Compatible: true });
      const pe = await createPolicyEngine({ engine: opaEngine({ baseUrl: server.url }), policies, options: { failOpen } });
      try {
        const started = Date.now();
        const pending = pe.evaluate('slow', {});
        await new Promise((r) => setTimeout(r, 300));
        await server.kill();
        const d = await pending;
        expect(d).toMatchObject({ allowed: failOpen, denies: [], error: { code: 'ENGINE_UNAVAILABLE' } });
        // Well before the 10 s timeout: the dropped connection is noticed, not waited out.
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        await pe.close();
        await server.stop();
      }
    }
  });

  it('a second URL takes over when the first is down', async () => {
    const a = await startOpaServer({ v0Compatible: true });
    const b = await startOpaServer({ v0Compatible: true });
    const pe = await createPolicyEngine({ engine: opaEngine({ urls: [a.url, `${b.url}/v1/data`] }), policies: source });
    try {
      const input = fixtureInput('spinnaker.http.authz.input.json');
      const before = await pe.evaluate('spinnaker.http.authz', input);
      await a.kill();
      const after = await pe.evaluate('spinnaker.http.authz', input);
      expect(after.error).toBeUndefined();
      expect(essence(after)).toEqual(essence(before));
    } finally {
      await pe.close();
      await a.stop();
      await b.stop();
    }
  });

  it('the timeout is honoured on both engines for a long-running policy', async () => {
    const slow = join(dir, 'slow.rego');
    await writeFile(
      slow,
      'package slow\n\nimport rego.v1\n\ndeny contains "too many" if count([x | some x in numbers.range(1, 5000000)]) > 0\n',
    );
    const server = await startOpaServer({ v0Compatible: true });
    const policies: PolicySource = { kind: 'files', paths: [slow], regoVersion: 'v1' };
    const engines = [
      await createPolicyEngine({ engine: opaEngine({ baseUrl: server.url }), policies, options: { timeoutMs: 200 } }),
      await createPolicyEngine({
        engine: wasmEngine({ opaPath: findOpa(), cacheDir: join(dir, 'cache') }),
        policies,
        options: { timeoutMs: 200 },
      }),
    ];
    try {
      for (const pe of engines) {
        const started = Date.now();
        const d = await pe.evaluate('slow', {});
        expect(d).toMatchObject({ allowed: false, error: { code: 'EVALUATION_TIMEOUT' } });
        expect(Date.now() - started).toBeLessThan(3000);
      }
    } finally {
      for (const pe of engines) await pe.close();
      await server.stop();
    }
  });

  it('a policy with a syntax error is rejected naming file and line on both engines', async () => {
    const bad = join(dir, 'bad.rego');
    await writeFile(bad, 'package bad\n\nimport rego.v1\n\nallow if {\n  input.x ==\n}\n');
    const server = await startOpaServer({ v0Compatible: true });
    try {
      for (const engine of [opaEngine({ baseUrl: server.url }), wasmEngine({ opaPath: findOpa(), cacheDir: join(dir, 'cache') })]) {
        const err = await createPolicyEngine({ engine, policies: { kind: 'files', paths: [bad], regoVersion: 'v1' } }).catch(
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'POLICY_COMPILE_ERROR' });
        expect((err as Error).message).toContain(`${bad}:7:`);
        await engine.close();
      }
    } finally {
      await server.stop();
    }
  });
});
