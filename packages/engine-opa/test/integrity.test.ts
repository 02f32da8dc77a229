/**
 * Decision integrity on a real OPA: policies deleted behind the engine's back, or an OPA
 * restarted empty on the same port, never turn into "no policy ⇒ allowed". The decision is
 * an engine fault (denied unless failOpen), the set is pushed again, and decisions are right
 * again without anyone's help. A protected OPA refuses other local clients.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EngineUnavailable, createPolicyEngine, type Logger, type PolicyEngine } from '@policy-engine/evaluator';
import { startOpaServer, type OpaServer } from '@policy-engine/opa';
import { opaEngine } from '../src/index.js';
import { mod, policySet } from '@policy-engine/engine-contract';

const pipelines = 'package opa.pipelines\n\ndeny contains "no bad pipelines" if input.pipeline.name == "bad"\n';
const authz = 'package spinnaker.http.authz\n\ndefault allow := false\n\nallow if input.user == "ann"\n';
const bad = { pipeline: { name: 'bad' } };

const logs = (): Logger & { readonly lines: string[] } => {
  const lines: string[] = [];
  return { lines, warn: (m) => void lines.push(`warn ${m}`), error: (m) => void lines.push(`error ${m}`) };
};

let servers: OpaServer[] = [];
let engines: PolicyEngine[] = [];
afterEach(async () => {
  for (const pe of engines) await pe.close();
  for (const s of servers) await s.stop();
  servers = [];
  engines = [];
});

async function setup(opts: { integrityCheckIntervalMs?: number; protect?: boolean; failOpen?: boolean } = {}) {
  const server = await startOpaServer({ v0Compatible: true, ...(opts.protect ? { protect: true } : {}) });
  servers.push(server);
  const engineLog = logs();
  const facadeLog = logs();
  const engine = opaEngine({
    baseUrl: server.url,
    headers: server.headers,
    healthCheckIntervalMs: 0,
    integrityCheckIntervalMs: opts.integrityCheckIntervalMs ?? 0,
    logger: engineLog,
  });
  const pe = await createPolicyEngine({
    engine,
    policies: {
      kind: 'inline',
      modules: [
        { id: 'pipelines.rego', source: pipelines },
        { id: 'authz.rego', source: authz },
      ],
    },
    options: { logger: facadeLog, failOpen: opts.failOpen ?? false },
  });
  engines.push(pe);
  return { server, engine, pe, engineLog, facadeLog };
}

const ourPolicyIds = async (server: OpaServer): Promise<string[]> => {
  const res = await fetch(`${server.url}/v1/policies`, { headers: server.headers });
  const body = (await res.json()) as { result: { id: string }[] };
  return body.result
    .map((p) => p.id)
    .filter((id) => id.startsWith('policy-engine-'))
    .sort(); // OPA lists policies in no fixed order
};

describe('policies deleted from OPA behind the engine', () => {
  it('the next request is denied as an engine fault (not allowed), then the set is pushed again and decisions are right', async () => {
    const { server, pe, engineLog } = await setup();
    expect(await pe.evaluate('spinnaker.http.authz', { user: 'bob' })).toMatchObject({ allowed: false, policyFound: true });
    for (const id of await ourPolicyIds(server)) {
      expect((await fetch(`${server.url}/v1/policies/${id}`, { method: 'DELETE' })).status).toBe(200);
    }
    const during = await pe.evaluate('spinnaker.http.authz', { user: 'bob' });
    expect(during).toMatchObject({ allowed: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    expect(engineLog.lines, JSON.stringify(engineLog.lines)).toContainEqual(
      expect.stringMatching(/^error OPA .* does not hold the policies pushed to it .*missing (authz|pipelines).rego/),
    );
    await expect.poll(async () => (await pe.evaluate('spinnaker.http.authz', { user: 'bob' })).error, { timeout: 10_000 }).toBeUndefined();
    expect(await pe.evaluate('spinnaker.http.authz', { user: 'bob' })).toMatchObject({ allowed: false, policyFound: true });
    expect(await pe.evaluate('spinnaker.http.authz', { user: 'ann' })).toMatchObject({ allowed: true, policyFound: true });
    expect(await pe.evaluate('opa.pipelines', bad)).toMatchObject({ allowed: false, denies: ['no bad pipelines'] });
  });

  it('a deny-set package whose modules were deleted is denied too (undefined is not "no policy")', async () => {
    const { server, pe } = await setup();
    for (const id of await ourPolicyIds(server)) await fetch(`${server.url}/v1/policies/${id}`, { method: 'DELETE' });
    expect(await pe.evaluate('opa.pipelines', { pipeline: { name: 'good' } })).toMatchObject({
      allowed: false,
      error: { code: 'ENGINE_UNAVAILABLE' },
    });
  });

  it('the periodic integrity check pushes the set again by itself', async () => {
    const { server, engineLog } = await setup({ integrityCheckIntervalMs: 100 });
    const ids = await ourPolicyIds(server);
    expect(ids).toHaveLength(2);
    await fetch(`${server.url}/v1/policies/${ids[0]}`, { method: 'DELETE' });
    await expect.poll(() => ourPolicyIds(server), { timeout: 10_000 }).toEqual(ids);
    expect(engineLog.lines.some((l) => l.includes('does not hold the policies pushed to it'))).toBe(true);
    await expect.poll(() => engineLog.lines.some((l) => l.startsWith('warn pushed policy set')), { timeout: 5000 }).toBe(true);
  });
});

describe('OPA killed and a fresh, empty one started on the same port', () => {
  it('is denied (not allowed), then recovers by itself', async () => {
    const { server, pe } = await setup();
    expect(await pe.evaluate('opa.pipelines', bad)).toMatchObject({ allowed: false, denies: ['no bad pipelines'] });
    await server.kill();
    const fresh = await startOpaServer({ v0Compatible: true, port: server.port });
    servers.push(fresh);
    const first = await pe.evaluate('opa.pipelines', { pipeline: { name: 'good' } });
    expect(first).toMatchObject({ allowed: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    await expect.poll(async () => (await pe.evaluate('opa.pipelines', bad)).denies, { timeout: 10_000 }).toEqual(['no bad pipelines']);
    expect(await pe.evaluate('opa.pipelines', { pipeline: { name: 'good' } })).toMatchObject({ allowed: true, policyFound: true });
    expect((await ourPolicyIds(fresh)).length).toBe(2);
  });

  it('with failOpen the fault allows, as the operator chose', async () => {
    const { server, pe } = await setup({ failOpen: true });
    await server.kill();
    servers.push(await startOpaServer({ v0Compatible: true, port: server.port }));
    expect(await pe.evaluate('opa.pipelines', bad)).toMatchObject({ allowed: true, error: { code: 'ENGINE_UNAVAILABLE' } });
  });
});

describe('engine-level checks', () => {
  it('evaluate throws EngineUnavailable for a package of the set the server lost; readiness pushes it again', async () => {
    const server = await startOpaServer({ v0Compatible: true });
    servers.push(server);
    const engine = opaEngine({ baseUrl: server.url, integrityCheckIntervalMs: 0, healthCheckIntervalMs: 0, logger: logs() });
    await engine.load(policySet([mod('p.rego', 'v1', pipelines)]));
    for (const id of await ourPolicyIds(server)) await fetch(`${server.url}/v1/policies/${id}`, { method: 'DELETE' });
    await expect(engine.evaluate('opa.pipelines', bad)).rejects.toBeInstanceOf(EngineUnavailable);
    // Not a package of the set: undefined is an answer, not a fault.
    expect(await engine.evaluate('other.pkg', {})).toEqual({ defined: false });
    expect(await engine.readiness()).toMatchObject({ ready: true });
    expect(await engine.evaluate('opa.pipelines', bad)).toEqual({ defined: true, value: { deny: ['no bad pipelines'] } });
    await server.kill();
    const down = await engine.readiness();
    expect(down.ready).toBe(false);
    expect(down.detail).toMatch(/no OPA server can decide/);
    await engine.close();
  });
});

describe('a protected OPA (protect: true) with the token in the engine headers', () => {
  it('decides through the engine while an unauthenticated DELETE gets 401 and changes nothing', async () => {
    const { server, pe } = await setup({ protect: true });
    const ids = await ourPolicyIds(server);
    expect(ids).toHaveLength(2);
    expect((await fetch(`${server.url}/v1/policies/${ids[0]}`, { method: 'DELETE' })).status).toBe(401);
    expect(await ourPolicyIds(server)).toEqual(ids);
    expect(await pe.evaluate('opa.pipelines', bad)).toMatchObject({ allowed: false, denies: ['no bad pipelines'] });
  });
});
