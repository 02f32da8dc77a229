/**
 * Issue 15, ENGINE=opa + BUNDLE_URL: the OPA the gate starts pulls the bundle itself with OPA's
 * bundle plugin (nothing is pushed to it), from a plain HTTP server serving bundles built and
 * signed with the real `opa build --signing-key`; the gate's evaluator polls the same bundle and
 * its engine waits for OPA to have the same revision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsFromEnv, startGateServer, type RunningGate } from '@policy-engine/gate-server';
import { rawRequest } from '@policy-engine/test-kit';
import { listen, signedGateBundles, until } from './fleet-support.js';

let dir: string;
let bundleServer: Server;
let bundleUrl: string;
let current: { body: Buffer; etag: string } | undefined;
/** User agent of every request the bundle server answered. */
const agents: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleet-opa-pull-'));
  bundleServer = createServer((req, res) => {
    agents.push(req.headers['user-agent'] ?? '');
    if (current === undefined) return void res.writeHead(503).end();
    if (req.headers['if-none-match'] === current.etag) return void res.writeHead(304, { ETag: current.etag }).end();
    res.writeHead(200, { 'Content-Type': 'application/gzip', ETag: current.etag }).end(current.body);
  });
  bundleUrl = `${await listen(bundleServer)}/bundles/gate.tar.gz`;
});

afterAll(async () => {
  await new Promise<void>((r) => bundleServer.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

const get = async (url: string): Promise<unknown> => ((await (await fetch(url)).json()) as { result?: unknown }).result;
const gateAllows = async (gate: RunningGate, path: string): Promise<boolean> =>
  (await rawRequest(gate.url, `/${path}`, { auth: 'dev:dev' })).status !== 403;
const PATHS = ['applications', 'tasks', 'pipelines'] as const;
const decisions = async (gate: RunningGate): Promise<boolean[]> => Promise.all(PATHS.map((p) => gateAllows(gate, p)));

describe('ENGINE=opa with BUNDLE_URL: the managed OPA pulls the bundle itself', () => {
  it('pulls rev-1 itself, switches to rev-2 within polling + 1 s, refuses a foreign signature; health UP at rev-2', async () => {
    const { pub, bundles } = await signedGateBundles(dir);
    current = { body: bundles.r1, etag: '"r1"' };
    const pollMaxMs = 2000; // BUNDLE_POLLING_SECONDS 1 ⇒ both poll every 1–2 s

    const gate = await startGateServer(
      settingsFromEnv(
        {
          PORT: '0',
          ENGINE: 'opa',
          ...(process.env['OPA_BIN'] ? { OPA_BIN: process.env['OPA_BIN'] } : {}),
          BUNDLE_URL: bundleUrl,
          BUNDLE_POLLING_SECONDS: '1',
          BUNDLE_VERIFICATION_KEY: pub,
          BUNDLE_PERSIST_DIR: join(dir, 'persist'),
        },
        dir,
      ),
    );
    try {
      const opa = gate.localOpa?.url ?? '';
      expect(opa).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(gate.engine).toContain(`pulling bundle gate from ${bundleUrl}`);

      // (a) The OPA pulled rev-1 itself: its bundle plugin reports it, the bundle server saw OPA's
      // user agent, and OPA holds only the bundle's module — nothing pushed (those ids are policy-engine-…).
      expect(await get(`${opa}/v1/data/system/bundles/gate/manifest/revision`)).toBe('rev-1');
      expect(agents.some((a) => a.startsWith('Open-Policy-Agent/'))).toBe(true);
      const ids = ((await get(`${opa}/v1/policies`)) as { id: string }[]).map((p) => p.id);
      expect(ids).toEqual(['gate/gate/authz.rego']);
      // Nobody else can push to it: OPA refuses writes under the bundle's roots ("" here: everything).
      const push = await fetch(`${opa}/v1/policies/intruder`, { method: 'PUT', body: 'package spinnaker.http.authz\n\nallow := true\n' });
      expect(push.status).toBe(400);
      expect(await push.text()).toContain('owned by bundle');

      // (b) The gate decides per rev-1 (tasks blocked).
      expect(await decisions(gate)).toEqual([true, false, true]);
      const health1 = (await rawRequest(gate.url, '/health')).json() as { status: string; bundles?: { revision?: string }[] };
      expect(health1).toMatchObject({ status: 'UP', bundles: [{ revision: 'rev-1' }] });

      // (c) rev-2 (applications blocked): the gate's decisions switch within polling + 1 s.
      current = { body: bundles.r2, etag: '"r2"' };
      const switchedMs = await until(async () => (await gateAllows(gate, 'applications')) === false, pollMaxMs + 1000);
      expect(switchedMs).toBeLessThanOrEqual(pollMaxMs + 1000);
      await until(async () => (await get(`${opa}/v1/data/system/bundles/gate/manifest/revision`)) === 'rev-2', pollMaxMs + 1000);
      // The evaluator has rev-2 too (it polls on its own): health UP again, OPA and evaluator on one revision.
      await until(async () => {
        const h = (await rawRequest(gate.url, '/health')).json() as { status: string; bundles?: { revision?: string }[] };
        return h.status === 'UP' && h.bundles?.[0]?.revision === 'rev-2';
      }, pollMaxMs + 1000);
      expect(await decisions(gate)).toEqual([false, true, true]);

      // (d) Signed with another key: OPA and the evaluator both refuse it, rev-2 stays active on both.
      current = { body: bundles.evil, etag: '"evil"' };
      await until(async () => {
        const h = (await rawRequest(gate.url, '/health')).json() as { bundles?: { lastError?: string }[] };
        return h.bundles?.[0]?.lastError?.includes('failed to verify JWT signature') ?? false;
      }, pollMaxMs + 1000);
      const evilGets = agents.length;
      await until(
        () => Promise.resolve(agents.slice(evilGets).filter((a) => a.startsWith('Open-Policy-Agent/')).length > 0),
        pollMaxMs + 1000,
      );
      await new Promise((r) => setTimeout(r, 200)); // OPA has verified (and refused) what it downloaded
      expect(await get(`${opa}/v1/data/system/bundles/gate/manifest/revision`)).toBe('rev-2');
      expect(await decisions(gate)).toEqual([false, true, true]);

      // (e) Health is UP with revision rev-2 on the evaluator, and the engine says OPA has rev-2 active.
      const health = (await rawRequest(gate.url, '/health')).json() as {
        status: string;
        detail?: string;
        bundles?: { revision?: string }[];
      };
      expect(health).toMatchObject({ status: 'UP', bundles: [{ revision: 'rev-2' }] });
      expect(health.detail).toContain('has bundle gate revision "rev-2" active');
      // BUNDLE_PERSIST_DIR: each keeps its own copy (OPA's own persistence in the subdirectory opa).
      expect(existsSync(join(dir, 'persist', 'bundles', 'gate', 'bundle.tar.gz'))).toBe(true);
      expect(existsSync(join(dir, 'persist', 'opa', 'bundles', 'gate', 'bundle.tar.gz'))).toBe(true);
    } finally {
      await gate.close();
    }
  }, 60_000);
});
