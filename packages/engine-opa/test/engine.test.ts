import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  EngineUnavailable,
  EvaluationCancelled,
  EvaluationError,
  EvaluationTimeout,
  PolicyCompileError,
} from '@policy-engine/evaluator';
import { startOpaServer, type OpaServer } from '@policy-engine/opa';
import { opaEngine } from '../src/index.js';
import { SAMPLE_DATA, SAMPLE_V0_DENY, SAMPLE_V1_AUTHZ, mod, policySet } from '@policy-engine/engine-contract';

const v0Deny = SAMPLE_V0_DENY;
const v1Authz = SAMPLE_V1_AUTHZ;
const data = SAMPLE_DATA;

let server: OpaServer;
beforeAll(async () => {
  server = await startOpaServer({ v0Compatible: true });
});
afterAll(async () => {
  await server?.stop();
});

describe('opaEngine against a real OPA', () => {
  it('pushes a mixed v0/v1 set with data and evaluates packages', async () => {
    const engine = opaEngine({ baseUrl: `${server.url}/v1/data` });
    await engine.load(policySet([v0Deny, v1Authz], data));
    expect(await engine.evaluate('opa.pipelines', { pipeline: { name: 'bad' } })).toEqual({
      defined: true,
      value: { deny: ['pipeline "bad" is bad'] },
    });
    expect(await engine.evaluate('opa.pipelines', { pipeline: { name: 'ok' } })).toEqual({ defined: true, value: { deny: [] } });
    expect(await engine.evaluate('spinnaker.http.authz', { user: 'ann' })).toEqual({ defined: true, value: { allow: true } });
    expect(await engine.evaluate('spinnaker.http.authz', { user: 'bob' })).toEqual({ defined: true, value: { allow: false } });
    expect(await engine.evaluate('no.such.pkg', {})).toEqual({ defined: false });
    await engine.close();
  });

  it('removes modules that left the set and keeps the old set when a load fails', async () => {
    const engine = opaEngine({ baseUrl: server.url });
    await engine.load(policySet([v0Deny, v1Authz], data));
    await engine.load(policySet([v1Authz], data));
    expect(await engine.evaluate('opa.pipelines', { pipeline: { name: 'bad' } })).toEqual({ defined: false });

    const broken = mod('policies/broken.rego', 'v1', 'package broken\n\nallow if {\n  input.x ==\n}\n');
    const err = await engine.load(policySet([v1Authz, v0Deny, broken], data)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyCompileError);
    const problems = (err as PolicyCompileError).problems;
    expect(problems[0]?.location).toEqual({ file: 'policies/broken.rego', line: 5, col: 1 });
    expect((err as Error).message).toContain('policies/broken.rego:5:1');
    // Old set still active: v0Deny was pushed during the failed load and rolled back.
    expect(await engine.evaluate('opa.pipelines', { pipeline: { name: 'bad' } })).toEqual({ defined: false });
    expect(await engine.evaluate('spinnaker.http.authz', { user: 'ann' })).toEqual({ defined: true, value: { allow: true } });
    await engine.close();
  });

  it('reports v1 syntax errors in a v1 module at the module line, not a shifted one', async () => {
    const engine = opaEngine({ baseUrl: server.url });
    const v0InV1 = mod('policies/old-style.rego', 'v1', 'package x\n\n# comment\nallow { true }\n');
    const err = await engine.load(policySet([v0InV1])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyCompileError);
    expect((err as PolicyCompileError).problems.every((p) => p.location?.file === 'policies/old-style.rego')).toBe(true);
    expect((err as PolicyCompileError).problems.some((p) => p.location?.line === 4)).toBe(true);
  });

  it('raises EvaluationError with OPA message and location on conflicts', async () => {
    const engine = opaEngine({ baseUrl: server.url });
    const conflict = mod('policies/conflict.rego', 'v1', 'package conflict\n\nx := 1 if input.a\nx := 2 if input.a\n');
    await engine.load(policySet([conflict]));
    const err = await engine.evaluate('conflict', { a: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvaluationError);
    expect((err as EvaluationError).location?.file).toBe('policies/conflict.rego');
    expect((err as Error).message).toMatch(/conflicting values/);
    expect((err as Error).message).toContain('policies/conflict.rego:');
    await engine.load(policySet([]));
  });

  it('honours the deadline on a slow policy and the caller abort signal', async () => {
    const slow = mod('policies/slow.rego', 'v1', 'package slow\n\nn := count([x | some x in numbers.range(1, 5000000)])\n');
    const engine = opaEngine({ baseUrl: server.url });
    await engine.load(policySet([slow]));
    const started = Date.now();
    await expect(engine.evaluate('slow', {}, { deadline: performance.now() + 200 })).rejects.toBeInstanceOf(EvaluationTimeout);
    expect(Date.now() - started).toBeLessThan(2000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expect(opaEngine({ baseUrl: server.url }).evaluate('slow', {}, { signal: ac.signal })).rejects.toBeInstanceOf(
      EvaluationCancelled,
    );
    await engine.load(policySet([]));
  });

  it('uses what the server holds when manageServer is false', async () => {
    const engine = opaEngine({ baseUrl: server.url, manageServer: false });
    const managed = opaEngine({ baseUrl: server.url });
    await managed.load(policySet([v1Authz], data));
    await engine.load(policySet([]));
    expect(await engine.evaluate('spinnaker.http.authz', { user: 'ann' })).toEqual({ defined: true, value: { allow: true } });
    await managed.load(policySet([]));
  });
});

describe('opaEngine failover and outages', () => {
  it('fails over to the second URL when the first is down, and reports EngineUnavailable when all are', async () => {
    const a = await startOpaServer({ v0Compatible: true });
    const b = await startOpaServer({ v0Compatible: true });
    try {
      const engine = opaEngine({ urls: [a.url, `${b.url}/v1`], healthCheckIntervalMs: 60_000 });
      await engine.load(policySet([v0Deny], data));
      const input = { pipeline: { name: 'bad' } };
      const want = { defined: true, value: { deny: ['pipeline "bad" is bad'] } };
      expect(await engine.evaluate('opa.pipelines', input)).toEqual(want);
      await a.kill();
      expect(await engine.evaluate('opa.pipelines', input)).toEqual(want);
      expect((await engine.health()).map((h) => h.up)).toEqual([false, true]);
      await b.kill();
      await expect(engine.evaluate('opa.pipelines', input)).rejects.toBeInstanceOf(EngineUnavailable);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('re-pushes the set to a server that comes back empty', async () => {
    const a = await startOpaServer({ v0Compatible: true });
    const engine = opaEngine({ baseUrl: a.url, healthCheckIntervalMs: 0 });
    await engine.load(policySet([v0Deny], data));
    await a.kill();
    await expect(engine.evaluate('opa.pipelines', {})).rejects.toBeInstanceOf(EngineUnavailable);
    const again = await startOpaServer({ v0Compatible: true, port: a.port });
    try {
      expect(await engine.evaluate('opa.pipelines', { pipeline: { name: 'bad' } })).toEqual({
        defined: true,
        value: { deny: ['pipeline "bad" is bad'] },
      });
    } finally {
      await again.stop();
    }
  });

  it('throws EngineUnavailable from load when no server is reachable', async () => {
    const a = await startOpaServer();
    await a.kill();
    await expect(opaEngine({ baseUrl: a.url }).load(policySet([v0Deny]))).rejects.toBeInstanceOf(EngineUnavailable);
  });
});

describe('opaEngine with a server that is not --v0-compatible, and with token authentication', () => {
  it('explains that v0 modules need --v0-compatible', async () => {
    const plain = await startOpaServer();
    try {
      const err = await opaEngine({ baseUrl: plain.url })
        .load(policySet([v0Deny, v1Authz], data))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PolicyCompileError);
      expect((err as PolicyCompileError).problems.some((p) => p.location?.file === 'policies/v0.rego')).toBe(true);
      expect((err as Error).message).toContain('--v0-compatible');
    } finally {
      await plain.stop();
    }
  });

  it('sends the configured headers (bearer token) on every request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opa-token-'));
    const authz = join(dir, 'system-authz.rego');
    await writeFile(
      authz,
      'package system.authz\n\ndefault allow := false\n\nallow if input.path == ["health"]\n\nallow if input.identity == "s3cret"\n',
    );
    const secured = await startOpaServer({ files: [authz], args: ['--authentication=token', '--authorization=basic'] });
    try {
      const denied = await opaEngine({ baseUrl: secured.url })
        .load(policySet([v1Authz], data))
        .catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(ConfigurationError);
      expect((denied as Error).message).toMatch(/HTTP 401.*Bearer/);
      const engine = opaEngine({ baseUrl: secured.url, headers: { authorization: 'Bearer s3cret' } });
      await engine.load(policySet([v1Authz], data));
      expect(await engine.evaluate('spinnaker.http.authz', { user: 'ann' })).toEqual({ defined: true, value: { allow: true } });
    } finally {
      await secured.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('opaEngine load interrupted', () => {
  it('an aborted load leaves the old set on the server', async () => {
    const server = await startOpaServer({ v0Compatible: true });
    try {
      const engine = opaEngine({ baseUrl: server.url });
      await engine.load(policySet([v1Authz], data));
      const many = Array.from({ length: 60 }, (_, i) =>
        mod(`policies/extra-${i}.rego`, 'v1', `package extra${i}\n\nallow if input.n == ${i}\n`),
      );
      // Aborts at several moments, so some land while a PUT is on the wire (OPA may still apply it).
      for (const delayMs of [1, 2, 3, 5, 8, 13, 21]) {
        const ac = new AbortController();
        const loading = engine.load(policySet([v1Authz, ...many], data), { signal: ac.signal });
        setTimeout(() => ac.abort(), delayMs);
        await expect(loading).rejects.toBeInstanceOf(EvaluationCancelled);
        await new Promise((r) => setTimeout(r, 20)); // let any request OPA still had in hand finish
        const held = (await (await fetch(`${server.url}/v1/policies`)).json()) as { result: { id: string }[] };
        expect(held.result, `abort after ${delayMs} ms`).toHaveLength(1);
      }
      expect(await engine.evaluate('extra0', { n: 0 })).toEqual({ defined: false });
      expect(await engine.evaluate('spinnaker.http.authz', { user: 'ann' })).toEqual({ defined: true, value: { allow: true } });
    } finally {
      await server.stop();
    }
  });
});

describe('opaEngine load is atomic for its own evaluations', () => {
  it('evaluations during a load see the old set or the new one, never a mix', async () => {
    const server = await startOpaServer({ v0Compatible: true });
    try {
      const engine = opaEngine({ baseUrl: server.url });
      const oldSet = policySet([mod('policies/a.rego', 'v1', 'package mix\n\ndeny contains "old" if true\n')]);
      const newSet = policySet([
        mod('policies/b.rego', 'v1', 'package mix\n\ndeny contains "new" if true\n'),
        ...Array.from({ length: 10 }, (_, i) => mod(`policies/pad-${i}.rego`, 'v1', `package pad${i}\n\nx := ${i}\n`)),
      ]);
      await engine.load(oldSet);
      const seen = new Set<string>();
      for (let round = 0; round < 4; round++) {
        const loading = engine.load(round % 2 === 0 ? newSet : oldSet);
        const results = await Promise.all(
          Array.from({ length: 25 }, async (_, i) => {
            await new Promise((r) => setTimeout(r, i % 5));
            return engine.evaluate('mix', {});
          }),
        );
        await loading;
        for (const r of results) seen.add(JSON.stringify(r));
      }
      expect(
        [...seen].every((s) => s === '{"defined":true,"value":{"deny":["old"]}}' || s === '{"defined":true,"value":{"deny":["new"]}}'),
      ).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
