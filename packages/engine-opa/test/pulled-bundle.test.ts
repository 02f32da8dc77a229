// Pull mode (opaEngine({ pulledBundle })): a real `opa run --server -c config.yaml` pulls bundles
// built with the real `opa build` from a plain HTTP server; the engine pushes nothing and waits
// for the revision of the loaded set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, EngineUnavailable } from '@policy-engine/evaluator';
import { runOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';
import { mod, policySet } from '@policy-engine/engine-contract';
import { opaEngine, type OpaEngine } from '../src/index.js';

let dir: string;
let http: Server;
let served: { body: Buffer; etag: string } | undefined;
let gets = 0;
let opa: OpaServer;
let engine: OpaEngine;
const built = new Map<string, Buffer>();

/** Bundle `rev`: package pulled, `allow := <value>`. */
async function build(rev: string, value: string): Promise<Buffer> {
  const src = join(dir, rev);
  await mkdir(join(src, 'pulled'), { recursive: true });
  await writeFile(join(src, 'pulled', 'p.rego'), `package pulled\n\nallow := ${value}\n`);
  await writeFile(join(src, '.manifest'), JSON.stringify({ roots: ['pulled'] }));
  const out = join(dir, `${rev}.tar.gz`);
  const res = await runOpa(['build', '-b', '.', '-r', rev, '-o', out], { cwd: src });
  expect(res.code, res.stderr).toBe(0);
  return readFile(out);
}
const serve = (rev: string): void => {
  const body = built.get(rev);
  if (body === undefined) throw new Error(`no bundle ${rev}`);
  served = { body, etag: `"${rev}"` };
};
/** The set the evaluator would hand over for bundle revision `rev` (its modules do not matter in pull mode). */
const setOf = (rev: string | undefined) => ({
  ...policySet([mod('bundle:pulled#pulled/p.rego', 'v1', 'package pulled\n\nallow := true\n')]),
  ...(rev !== undefined ? { bundleRevisions: { pulled: rev } } : {}),
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-opa-pulled-'));
  for (const [rev, value] of [
    ['rev-1', '1'],
    ['rev-2', '2'],
  ] as const)
    built.set(rev, await build(rev, value));
  serve('rev-1');
  http = createServer((req, res) => {
    gets++;
    if (served === undefined || req.url !== '/b.tar.gz') return void res.writeHead(404).end();
    if (req.headers['if-none-match'] === served.etag) return void res.writeHead(304, { ETag: served.etag }).end();
    res.writeHead(200, { 'Content-Type': 'application/gzip', ETag: served.etag }).end(served.body);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  opa = await startOpaServer({
    protect: true,
    config: {
      services: { bundles: { url: origin } },
      bundles: { pulled: { service: 'bundles', resource: '/b.tar.gz', polling: { min_delay_seconds: 1, max_delay_seconds: 1 } } },
    },
  });
  engine = opaEngine({ baseUrl: opa.url, headers: opa.headers, pulledBundle: { name: 'pulled' }, loadTimeoutMs: 2500 });
}, 30_000);

afterAll(async () => {
  await engine?.close();
  await opa?.stop();
  await new Promise<void>((r) => http.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('pull mode', () => {
  it('load() waits until OPA has the set’s bundle revision active; nothing is pushed', async () => {
    await engine.load(setOf('rev-1'));
    await expect(engine.evaluate('pulled', {})).resolves.toEqual({ defined: true, value: { allow: 1 } });
    expect(gets).toBeGreaterThan(0);
    // Only the bundle's module: the engine pushed nothing (its ids start with policy-engine-).
    const policies = await fetch(`${opa.url}/v1/policies`, { headers: opa.headers });
    const ids = ((await policies.json()) as { result: { id: string }[] }).result.map((p) => p.id);
    expect(ids.filter((id) => id.startsWith('policy-engine-'))).toEqual([]);
    expect(ids.some((id) => id.includes('pulled/p.rego'))).toBe(true);
    await expect(engine.readiness()).resolves.toMatchObject({ ready: true });
    await expect(engine.health()).resolves.toEqual([{ url: opa.url, up: true, revision: 'rev-1' }]);

    // The next revision: load() returns once OPA activated it (it polls every second).
    serve('rev-2');
    const started = performance.now();
    await engine.load(setOf('rev-2'));
    expect(performance.now() - started).toBeLessThan(2500);
    await expect(engine.evaluate('pulled', {})).resolves.toEqual({ defined: true, value: { allow: 2 } });
  });

  it('the token still protects the pulling OPA: no policy push without it', async () => {
    const put = await fetch(`${opa.url}/v1/policies/intruder`, { method: 'PUT', body: 'package pulled\n\nallow := 666\n' });
    expect(put.status).toBe(401);
    await expect(engine.evaluate('pulled', {})).resolves.toEqual({ defined: true, value: { allow: 2 } });
  });

  it('a revision OPA does not get fails the load with EngineUnavailable within loadTimeoutMs', async () => {
    const started = performance.now();
    const err = await engine.load(setOf('rev-3')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineUnavailable);
    expect((err as Error).message).toMatch(/did not activate revision "rev-3" of bundle pulled within 2500 ms .*has "rev-2"/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2500);
    expect(performance.now() - started).toBeLessThan(5000);
    // The engine kept the previous set: OPA's revision matches it.
    await expect(engine.readiness()).resolves.toMatchObject({ ready: true });
  });

  it('readiness is false while OPA has another revision active than the loaded set', async () => {
    serve('rev-1'); // OPA goes back to rev-1 within a second; the engine still has rev-2
    const deadline = Date.now() + 4000;
    let readiness = await engine.readiness();
    while (readiness.ready && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      readiness = await engine.readiness();
    }
    expect(readiness.ready).toBe(false);
    expect(readiness.detail).toContain('bundle pulled revision "rev-1" is active on OPA');
    expect(readiness.detail).toContain('the evaluator has "rev-2"');
    // Decisions still go to OPA, the policy authority in pull mode.
    await expect(engine.evaluate('pulled', {})).resolves.toEqual({ defined: true, value: { allow: 1 } });
    await engine.load(setOf('rev-1'));
    await expect(engine.readiness()).resolves.toMatchObject({ ready: true });
  });

  it('with replicas, every reachable one must have the revision: one without it makes load fail and readiness false', async () => {
    const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const lagging = await startOpaServer({
      config: {
        services: { bundles: { url: origin } },
        bundles: {
          pulled: { service: 'bundles', resource: '/nothing-here.tar.gz', polling: { min_delay_seconds: 1, max_delay_seconds: 1 } },
        },
      },
    });
    const both = opaEngine({ urls: [opa.url, lagging.url], headers: opa.headers, pulledBundle: { name: 'pulled' }, loadTimeoutMs: 1000 });
    try {
      const err = await both.load(setOf('rev-1')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineUnavailable);
      expect((err as Error).message).toContain(`${lagging.url} has none`);
      expect((err as Error).message).not.toContain(`${opa.url} has`);
      // Not ready: the engine holds no revision yet (the load failed), and one replica has rev-1 active.
      const readiness = await both.readiness();
      expect(readiness.ready).toBe(false);
      expect(readiness.detail).toContain(`bundle pulled revision "rev-1" is active on OPA ${opa.url}, the evaluator has none`);
      // The lagging replica gone: the reachable one decides, and the load succeeds.
      await lagging.stop();
      await both.load(setOf('rev-1'));
      await expect(both.readiness()).resolves.toMatchObject({ ready: true });
    } finally {
      await both.close();
      await lagging.stop();
    }
  });

  it('pulledBundle excludes pushing', () => {
    expect(() => opaEngine({ baseUrl: opa.url, manageServer: true, pulledBundle: { name: 'x' } })).toThrow(ConfigurationError);
    expect(() => opaEngine({ baseUrl: opa.url, pulledBundle: { name: '' } })).toThrow(ConfigurationError);
  });

  it("keeps the facade's decision cache off: the servers may change their answers on their own", async () => {
    const pulling = opaEngine({ baseUrl: opa.url, pulledBundle: { name: 'pulled' } });
    const pushing = opaEngine({ baseUrl: opa.url });
    expect([pulling.decisionsCacheable, pushing.decisionsCacheable]).toEqual([false, true]);
    await Promise.all([pulling.close(), pushing.close()]);
  });
});
