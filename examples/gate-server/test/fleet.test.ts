/**
 * Issue 15 acceptance: a fleet of one embedded-engine gate and one real `opa run --server -c
 * config.yaml`, both pulling bundles built and signed with the real `opa build --signing-key`
 * from one plain HTTP bundle server, both shipping decision logs to one collector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parsePrometheusText as parsePrometheus } from '@policy-engine/test-kit';
import { startOpaServer, type OpaServer } from '@policy-engine/opa';
import { settingsFromEnv, startGateServer, type RunningGate } from '@policy-engine/gate-server';
import { rawRequest } from '@policy-engine/test-kit';
import { listen, signedGateBundles, until } from './fleet-support.js';

let dir: string;
let bundleServer: Server;
let bundleUrl: string;
let collector: Server;
let collectorUrl: string;
let current: { body: Buffer; etag: string } | undefined;
const events: Record<string, unknown>[] = [];

const PATHS = ['applications', 'tasks', 'pipelines'] as const;

async function opaAllows(opa: OpaServer, path: string): Promise<boolean> {
  const res = await fetch(`${opa.url}/v1/data/spinnaker/http/authz`, {
    method: 'POST',
    body: JSON.stringify({ input: { method: 'GET', path: [path], user: { username: 'dev', roles: ['developers'], isAdmin: false } } }),
  });
  return ((await res.json()) as { result?: { allow?: boolean } }).result?.allow === true;
}
const opaRevision = async (opa: OpaServer): Promise<string | undefined> => {
  const res = await fetch(`${opa.url}/v1/data/system/bundles/gate/manifest/revision`);
  return ((await res.json()) as { result?: string }).result;
};
const gateRevision = async (gate: RunningGate): Promise<string | undefined> => {
  const h = (await rawRequest(gate.url, '/health')).json() as { bundles?: { revision?: string; lastError?: string }[] };
  return h.bundles?.[0]?.revision;
};

let gateRequests = 0;
async function gateAllows(gate: RunningGate, path: string): Promise<boolean> {
  gateRequests++;
  const res = await rawRequest(gate.url, `/${path}`, { auth: 'dev:dev' });
  return res.status !== 403;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleet-'));
  bundleServer = createServer((req, res) => {
    if (current === undefined) return void res.writeHead(503).end();
    if (req.headers['if-none-match'] === current.etag) return void res.writeHead(304, { ETag: current.etag }).end();
    res.writeHead(200, { 'Content-Type': 'application/gzip', ETag: current.etag }).end(current.body);
  });
  bundleUrl = `${await listen(bundleServer)}/bundles/gate.tar.gz`;
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(Buffer.concat(chunks)) : Buffer.concat(chunks);
      events.push(...(JSON.parse(body.toString()) as Record<string, unknown>[]));
      res.writeHead(200).end();
    });
  });
  collectorUrl = await listen(collector);
});

afterAll(async () => {
  await new Promise<void>((r) => bundleServer.close(() => r()));
  await new Promise<void>((r) => collector.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('a fleet: embedded gate and real OPA on one bundle service and one collector', () => {
  it('same revision, same switch, same refusal, same decisions; persisted restart; logs; metrics', async () => {
    const { pub, bundles } = await signedGateBundles(dir);
    current = { body: bundles.r1, etag: '"r1"' };

    const origin = new URL(bundleUrl).origin;
    const config = [
      'services:',
      `  bundles: { url: "${origin}" }`,
      `  logs: { url: "${collectorUrl}" }`,
      'bundles:',
      '  gate:',
      '    service: bundles',
      '    resource: /bundles/gate.tar.gz',
      '    polling: { min_delay_seconds: 1, max_delay_seconds: 1 }',
      '    signing: { keyid: gate }',
      'keys:',
      '  gate:',
      '    algorithm: RS256',
      `    key: ${JSON.stringify((await readFile(pub, 'utf8')).trim())}`,
      'decision_logs:',
      '  service: logs',
      '  reporting: { min_delay_seconds: 1, max_delay_seconds: 1 }',
      '',
    ].join('\n');
    const configFile = join(dir, 'config.yaml');
    await writeFile(configFile, config);
    const env = {
      PORT: '0',
      ENGINE: 'native',
      BUNDLE_URL: bundleUrl,
      BUNDLE_POLLING_SECONDS: '0.5',
      BUNDLE_VERIFICATION_KEY: pub,
      BUNDLE_PERSIST_DIR: join(dir, 'persist'),
      DECISION_LOG_URL: `${collectorUrl}/logs`,
      DECISION_LOG_SECONDS: '0.5',
    };
    const pollMaxMs = { gate: 1000, opa: 1000 }; // BUNDLE_POLLING_SECONDS 0.5 ⇒ max 1 s; OPA max_delay_seconds 1

    const opa = await startOpaServer({ args: ['-c', configFile] });
    let gate: RunningGate | undefined = await startGateServer(settingsFromEnv(env, dir));
    try {
      // Both activate rev-1 and decide alike.
      expect(await gateRevision(gate)).toBe('rev-1');
      await until(async () => (await opaRevision(opa)) === 'rev-1', 5000);
      for (const p of PATHS) expect(await gateAllows(gate, p), p).toBe(await opaAllows(opa, p));
      expect(await gateAllows(gate, 'tasks')).toBe(false);

      // Replaced: both switch within their polling interval + 1 s, and decide alike again.
      current = { body: bundles.r2, etag: '"r2"' };
      const [gateMs, opaMs] = await Promise.all([
        until(async () => (await gateRevision(gate as RunningGate)) === 'rev-2', pollMaxMs.gate + 1000),
        until(async () => (await opaRevision(opa)) === 'rev-2', pollMaxMs.opa + 1000),
      ]);
      expect(gateMs).toBeLessThanOrEqual(pollMaxMs.gate + 1000);
      expect(opaMs).toBeLessThanOrEqual(pollMaxMs.opa + 1000);
      for (const p of PATHS) expect(await gateAllows(gate, p), p).toBe(await opaAllows(opa, p));
      expect(await gateAllows(gate, 'applications')).toBe(false);

      // Signed with another key: both refuse it and keep rev-2.
      current = { body: bundles.evil, etag: '"evil"' };
      await until(async () => {
        const h = (await rawRequest((gate as RunningGate).url, '/health')).json() as { bundles?: { lastError?: string }[] };
        return h.bundles?.[0]?.lastError?.includes('failed to verify JWT signature') ?? false;
      }, 5000);
      await new Promise((r) => setTimeout(r, pollMaxMs.opa + 1000)); // OPA has polled the evil bundle too
      expect(await opaRevision(opa)).toBe('rev-2');
      expect(await gateRevision(gate)).toBe('rev-2');
      for (const p of PATHS) expect(await gateAllows(gate, p), p).toBe(await opaAllows(opa, p));

      // /metrics parses; its decision counter equals the authorized requests sent.
      const metrics = await rawRequest(gate.url, '/metrics');
      expect(metrics.status).toBe(200);
      const families = parsePrometheus(metrics.text);
      const decisions = families.find((f) => f.name === 'policy_decisions_total');
      const authz = (decisions?.metrics ?? []).filter((m) => m.labels?.['package'] === 'spinnaker.http.authz');
      expect(authz.reduce((sum, m) => sum + Number(m.value), 0)).toBe(gateRequests);
      const info = families.find((f) => f.name === 'policy_bundle_info')?.metrics ?? [];
      expect(info).toEqual([{ labels: { bundle: 'gate', revision: 'rev-2' }, value: '1' }]);
      // Fed by the evaluator's metrics hook: rev-1 and rev-2 activated, the foreign-signed bundle refused.
      const perBundle = (name: string) =>
        families.find((f) => f.name === name)?.metrics.find((m) => m.labels?.['bundle'] === 'gate')?.value;
      expect(perBundle('policy_bundle_activations_total')).toBe('2');
      expect(Number(perBundle('policy_bundle_failures_total'))).toBeGreaterThanOrEqual(1);
      expect(families.find((f) => f.name === 'policy_decision_duration_seconds')?.type).toBe('HISTOGRAM');
    } finally {
      await gate.close();
      gate = undefined;
    }

    // Both shipped their decisions to the one collector; ours have OPA's keys and types.
    await until(() => Promise.resolve(events.some((e) => (e['labels'] as Record<string, string>)['app'] !== 'gate-server')), 5000);
    const ours = events.filter((e) => (e['labels'] as Record<string, string>)['app'] === 'gate-server');
    const theirs = events.filter((e) => (e['labels'] as Record<string, string>)['app'] !== 'gate-server');
    expect(ours.length).toBe(gateRequests);
    expect(theirs.length).toBeGreaterThan(0);
    const sample = theirs[theirs.length - 1] ?? {};
    const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
    for (const key of ['decision_id', 'path', 'input', 'result', 'timestamp', 'labels', 'bundles', 'metrics']) {
      const mine = ours[ours.length - 1] ?? {};
      expect(kind(mine[key]), key).toBe(kind(sample[key]));
    }
    expect((ours[ours.length - 1]?.['bundles'] as Record<string, unknown>)['gate']).toEqual(
      (sample['bundles'] as Record<string, unknown>)['gate'],
    );
    expect(ours[ours.length - 1]?.['path']).toBe(sample['path']);
    await opa.stop();

    // Service down: a restarted gate starts from its persisted bundle. This one is configured
    // through the Armory-style file instead of the environment (same settings).
    current = undefined;
    const profile = join(dir, 'gate-local.yml');
    await writeFile(
      profile,
      [
        'armory:',
        '  policyEngine:',
        '    bundle:',
        `      url: ${bundleUrl}`,
        '      pollingSeconds: 0.5',
        '      verificationKey: pub.pem',
        '      persistDir: persist',
        '    decisionLogs:',
        `      url: ${collectorUrl}/logs`,
        '',
      ].join('\n'),
    );
    gate = await startGateServer(settingsFromEnv({ PORT: '0', ENGINE: 'native', GATE_CONFIG: profile }, dir));
    try {
      const health = await rawRequest(gate.url, '/health');
      expect(health.status).toBe(200);
      expect(health.json()).toMatchObject({ status: 'UP', bundles: [{ revision: 'rev-2', fromPersistence: true }] });
      expect(await gateAllows(gate, 'applications')).toBe(false);
      expect(await gateAllows(gate, 'tasks')).toBe(true);
    } finally {
      await gate.close();
    }
  }, 90_000);
});
