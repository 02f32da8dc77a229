/**
 * The bundle-service source against bundles built and signed by the real `opa build --signing-key`,
 * served from a plain HTTP server: ETag/304, signature verification (RS256, ES256, HS256, key id,
 * scope), refused bundles keep the last good one, the persisted copy is used while the service is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOpa } from '@policy-engine/opa';
import { nativeEngine } from '@policy-engine/engine-native';
import {
  bundleFileDigest,
  createPolicyEngine,
  createPolicyMetrics,
  readBundleArchive,
  retryDelayMs,
  verifyBundle,
  type BundleServiceSource,
  type Engine,
  type PolicyEngine,
} from '@policy-engine/evaluator';
import { recordingLogger } from '@policy-engine/evaluator/testing';
import { removeDir, tempDir, writeTree } from './support/temp.js';

let dir: string;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: { export(o: { type: 'spki' | 'pkcs8'; format: 'pem' }): string | Buffer }, type: 'spki' | 'pkcs8'): string =>
  k.export({ type, format: 'pem' }).toString();

/** Builds a bundle with the real OPA: `deny` unless `input.user == <user>`. */
async function build(name: string, user: string, revision: string, signing: string[] = []): Promise<Buffer> {
  const src = join(dir, `src-${name}`);
  await writeTree(src, {
    'authz/policy.rego': `package fleet.authz\n\ndeny contains sprintf("%s is not the admin", [input.user]) if input.user != data.fleet.admin\n`,
    'fleet/data.json': JSON.stringify({ admin: user, weights: [1, 2.5, 1e3], text: 'é<>\u2028' }),
  });
  const out = join(dir, `${name}.tar.gz`);
  const built = await runOpa(['build', '-b', '.', '-r', revision, '-o', out, ...signing], { cwd: src });
  expect(built.code, built.stderr).toBe(0);
  return readFile(out);
}

interface Served {
  readonly url: string;
  bundle: Buffer | undefined;
  etag: string;
  readonly requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function serve(): Promise<Served> {
  const state = { bundle: undefined as Buffer | undefined, etag: '"1"', requests: [] as IncomingHttpHeaders[] };
  const server: Server = createServer((req, res) => {
    state.requests.push(req.headers);
    if (state.bundle === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (req.headers['if-none-match'] === state.etag) {
      res.writeHead(304, { ETag: state.etag }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/gzip', ETag: state.etag }).end(state.bundle);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/bundles/fleet.tar.gz`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const until = async (what: () => Promise<boolean> | boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

beforeAll(async () => {
  dir = await tempDir('bundle-service-');
  await writeFile(join(dir, 'rsa.pem'), pem(rsa.privateKey, 'pkcs8'));
  await writeFile(join(dir, 'ec.pem'), pem(ec.privateKey, 'pkcs8'));
  await writeFile(join(dir, 'other.pem'), pem(other.privateKey, 'pkcs8'));
  await writeFile(join(dir, 'claims.json'), JSON.stringify({ scope: 'prod', keyid: 'e' }));
});
afterAll(async () => removeDir(dir));

describe('signatures, as OPA signs them', () => {
  const rsaKeys = { keys: { k1: { algorithm: 'RS256', key: pem(rsa.publicKey, 'spki') } }, keyId: 'k1' };

  it('digests equal the ones opa build signed (canonical JSON for data and manifest, bytes for Rego)', async () => {
    const files = await readBundleArchive(await build('digest', 'alice', 'r1', ['--signing-key', join(dir, 'rsa.pem')]), 'digest');
    const sig = files.find((f) => f.path === '.signatures.json');
    const token = (JSON.parse(sig?.bytes.toString() ?? '{}') as { signatures: string[] }).signatures[0] ?? '';
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      files: { name: string; hash: string }[];
    };
    expect(payload.files.map((f) => f.name).sort()).toEqual(['.manifest', 'authz/policy.rego', 'data.json']);
    for (const entry of payload.files) {
      const file = files.find((f) => f.path === entry.name);
      expect(file && bundleFileDigest(entry.name, file.bytes)).toBe(entry.hash);
    }
    await expect(verifyBundle(files, rsaKeys, 'digest')).resolves.toBeUndefined();
  });

  it('RS256, ES256 and HS256 with key id and scope; wrong key, scope or key id refused', async () => {
    const es = await readBundleArchive(
      await build('es', 'bob', 'r2', [
        '--signing-key',
        join(dir, 'ec.pem'),
        '--signing-alg',
        'ES256',
        '--claims-file',
        join(dir, 'claims.json'),
      ]),
      'es',
    );
    const esKey = { keys: { e: { algorithm: 'ES256', key: pem(ec.publicKey, 'spki') } }, keyId: 'e' };
    await expect(verifyBundle(es, { ...esKey, scope: 'prod' }, 'es')).resolves.toBeUndefined();
    await expect(verifyBundle(es, esKey, 'es')).rejects.toThrow('scope mismatch');
    const hs = await readBundleArchive(await build('hs', 'carol', 'r3', ['--signing-key', 'secret', '--signing-alg', 'HS256']), 'hs');
    await expect(verifyBundle(hs, { keys: { default: { algorithm: 'HS256', key: 'secret' } } }, 'hs')).resolves.toBeUndefined();
    await expect(verifyBundle(hs, { keys: { default: { algorithm: 'HS256', key: 'wrong' } } }, 'hs')).rejects.toThrow(
      'failed to verify JWT signature',
    );
    await expect(verifyBundle(hs, { keys: {}, keyId: 'nope' }, 'hs')).rejects.toThrow(
      'verification key corresponding to ID nope not found',
    );
    const foreign = await readBundleArchive(await build('foreign', 'eve', 'r4', ['--signing-key', join(dir, 'other.pem')]), 'f');
    await expect(verifyBundle(foreign, rsaKeys, 'f')).rejects.toThrow('failed to verify JWT signature');
  });

  it('unsigned bundles need no key; with a key they are refused; a signed bundle without a key too', async () => {
    const plain = await readBundleArchive(await build('plain', 'dan', 'r5'), 'plain');
    await expect(verifyBundle(plain, undefined, 'plain')).resolves.toBeUndefined();
    await expect(verifyBundle(plain, rsaKeys, 'plain')).rejects.toThrow('bundle missing .signatures.json file');
    const signed = await readBundleArchive(await build('signed', 'dan', 'r6', ['--signing-key', join(dir, 'rsa.pem')]), 'signed');
    await expect(verifyBundle(signed, undefined, 'signed')).rejects.toThrow('verification key not provided');
    const tampered = signed.map((f) => (f.path === 'authz/policy.rego' ? { ...f, bytes: Buffer.from(`${f.bytes.toString()}\n`) } : f));
    await expect(verifyBundle(tampered, rsaKeys, 'signed')).rejects.toThrow('authz/policy.rego: digest mismatch');
    const extra = [...signed, { path: 'more.rego', bytes: Buffer.from('package more\n') }];
    await expect(verifyBundle(extra, rsaKeys, 'signed')).rejects.toThrow('file more.rego not included in bundle signature');
    await expect(verifyBundle(extra, { ...rsaKeys, exclude: ['more.rego'] }, 'signed')).resolves.toBeUndefined();
  });
});

describe('bundle-service source', () => {
  it('activates, answers 304 with the active set, switches on a new bundle, refuses a foreign signature, persists', async () => {
    const served = await serve();
    const persistDir = join(dir, 'persist');
    const source: BundleServiceSource = {
      kind: 'bundle-service',
      url: served.url,
      name: 'fleet',
      polling: { minDelaySeconds: 0.1, maxDelaySeconds: 0.2 },
      token: 's3cret',
      headers: { 'X-Fleet': 'yes' },
      persistDir,
      verification: { keys: { global: { algorithm: 'RS256', key: pem(rsa.publicKey, 'spki') } }, keyId: 'global' },
    };
    const sign = ['--signing-key', join(dir, 'rsa.pem')];
    served.bundle = await build('one', 'alice', 'rev-1', sign);
    const logger = recordingLogger();
    const metrics = createPolicyMetrics();
    let policies: PolicyEngine | undefined = await createPolicyEngine({
      engine: nativeEngine(),
      policies: source,
      options: { logger, metrics },
    });
    try {
      const health = await policies.health();
      expect(health.status).toBe('UP');
      expect(health.bundles?.[0]).toMatchObject({ name: 'fleet', active: true, revision: 'rev-1', etag: '"1"' });
      expect((await policies.evaluate('fleet.authz', { user: 'alice' })).allowed).toBe(true);
      expect(served.requests[0]).toMatchObject({ authorization: 'Bearer s3cret', 'x-fleet': 'yes', prefer: 'modes=snapshot,delta' });
      await until(() => served.requests.some((h) => h['if-none-match'] === '"1"'));
      await until(async () => ((await policies?.health())?.bundles?.[0]?.counts.notModified ?? 0) > 0);
      expect((await policies.health()).bundles?.[0]?.revision).toBe('rev-1');

      served.bundle = await build('two', 'bob', 'rev-2', sign);
      served.etag = '"2"';
      await until(async () => (await policies?.health())?.bundles?.[0]?.revision === 'rev-2');
      expect((await policies.evaluate('fleet.authz', { user: 'bob' })).allowed).toBe(true);
      expect((await policies.evaluate('fleet.authz', { user: 'alice' })).allowed).toBe(false);

      served.bundle = await build('foreign2', 'mallory', 'rev-evil', ['--signing-key', join(dir, 'other.pem')]);
      served.etag = '"3"';
      await until(async () => ((await policies?.health())?.bundles?.[0]?.counts.refused ?? 0) > 0);
      const refused = await policies.health();
      expect(refused.status).toBe('UP');
      expect(refused.bundles?.[0]).toMatchObject({
        revision: 'rev-2',
        lastError: expect.stringContaining('failed to verify JWT signature') as unknown,
      });
      expect((await policies.evaluate('fleet.authz', { user: 'mallory' })).allowed).toBe(false);
      expect(logger.errors.some((m) => m.includes('keeping revision "rev-2"'))).toBe(true);
      // The metrics hook saw the same: the first bundle (activated before the facade existed) and rev-2, the refusals.
      const seen = metrics.snapshot();
      expect(seen.bundles['fleet']).toMatchObject({ activeRevision: 'rev-2', failedDownloads: 0 });
      expect(seen.bundles['fleet']?.activated).toBe(2);
      expect(seen.bundles['fleet']?.refused).toBe(refused.bundles?.[0]?.counts.refused);
      expect(seen.reloads.ok).toBeGreaterThanOrEqual(1);
      expect(seen.decisions['fleet.authz']).toEqual({ allowed: 2, denied: 2, error: 0 });
    } finally {
      await policies.close();
    }
    await served.close();

    // The service is down: a restart starts from the persisted rev-2 (verified again).
    policies = await createPolicyEngine({ engine: nativeEngine(), policies: source, options: { logger: recordingLogger() } });
    try {
      const health = await policies.health();
      expect(health.status).toBe('UP');
      expect(health.bundles?.[0]).toMatchObject({ revision: 'rev-2', fromPersistence: true });
      expect((await policies.evaluate('fleet.authz', { user: 'bob' })).allowed).toBe(true);
    } finally {
      await policies.close();
    }
  }, 60_000);

  it('is not ready until a first bundle is active; ready once the service delivers one', async () => {
    const served = await serve();
    const policies = await createPolicyEngine({
      engine: nativeEngine(),
      policies: { kind: 'bundle-service', url: served.url, polling: { minDelaySeconds: 0.1, maxDelaySeconds: 0.1 } },
      options: { logger: recordingLogger() },
    });
    try {
      const down = await policies.health();
      expect(down.status).toBe('DOWN');
      expect(down.detail).toContain('bundle bundle not activated yet');
      expect(down.detail).toContain('HTTP 404');
      served.bundle = await build('late', 'zoe', 'rev-late');
      await until(async () => (await policies.health()).status === 'UP');
      expect((await policies.evaluate('fleet.authz', { user: 'zoe' })).allowed).toBe(true);
    } finally {
      await policies.close();
      await served.close();
    }
  }, 30_000);

  it('hands the engine each set with the manifest revision of its bundle (PolicySet.bundleRevisions)', async () => {
    const served = await serve();
    served.bundle = await build('rev-a', 'amy', 'rev-a');
    const loaded: (Readonly<Record<string, string>> | undefined)[] = [];
    const recording = (): Engine => {
      const native = nativeEngine();
      return { ...native, name: native.name, load: (set, o) => (loaded.push(set.bundleRevisions), native.load(set, o)) };
    };
    const policies = await createPolicyEngine({
      engine: recording(),
      policies: [
        { kind: 'bundle-service', url: served.url, name: 'fleet', polling: { minDelaySeconds: 0.1, maxDelaySeconds: 0.1 } },
        { kind: 'inline', modules: [{ id: 'x.rego', source: 'package x\n\nallow := true\n' }] },
      ],
      options: { logger: recordingLogger() },
    });
    try {
      expect(loaded).toEqual([{ fleet: 'rev-a' }]);
      served.bundle = await build('rev-b', 'ben', 'rev-b');
      served.etag = '"b"';
      await until(() => loaded.length === 2);
      expect(loaded[1]).toEqual({ fleet: 'rev-b' });
    } finally {
      await policies.close();
      await served.close();
    }
    // Without a bundle-service source the field is absent.
    const plain = await createPolicyEngine({
      engine: recording(),
      policies: { kind: 'inline', modules: [{ id: 'x.rego', source: 'package x\n\nallow := true\n' }] },
    });
    await plain.close();
    expect(loaded[2]).toBeUndefined();
  }, 30_000);

  it('long-polls (Prefer: wait=N, no delay) once the server answers with the bundles content type', async () => {
    const bundle = await build('long', 'lp', 'rev-lp');
    const prefers: string[] = [];
    const server = createServer((req, res) => {
      prefers.push(String(req.headers.prefer));
      const type = { 'Content-Type': 'application/vnd.openpolicyagent.bundles', ETag: '"lp"' };
      if (req.headers['if-none-match'] === '"lp"') setTimeout(() => res.writeHead(304, type).end(), 50);
      else res.writeHead(200, type).end(bundle);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/b.tar.gz`;
    // A 60 s polling delay: only long polling can send more than one request within the test.
    const policies = await createPolicyEngine({
      engine: nativeEngine(),
      policies: { kind: 'bundle-service', url, polling: { minDelaySeconds: 60, maxDelaySeconds: 60, longPollingTimeoutSeconds: 5 } },
      options: { logger: recordingLogger() },
    });
    try {
      await until(() => prefers.length >= 3);
      expect(prefers[0]).toBe('modes=snapshot,delta');
      expect(prefers.slice(1).every((p) => p === 'modes=snapshot,delta;wait=5')).toBe(true);
      expect((await policies.health()).bundles?.[0]?.revision).toBe('rev-lp');
    } finally {
      await policies.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('backs off like OPA after failures and rejects bad polling settings', async () => {
    expect(retryDelayMs(100, 1000, 0)).toBe(0);
    for (let i = 0; i < 20; i++) {
      const d = retryDelayMs(100, 1000, 1);
      expect(d).toBeGreaterThanOrEqual(160 * 0.8);
      expect(d).toBeLessThanOrEqual(160 * 1.2);
      expect(retryDelayMs(100, 1000, 30)).toBeLessThanOrEqual(1200);
    }
    await expect(
      createPolicyEngine({
        engine: nativeEngine(),
        policies: { kind: 'bundle-service', url: 'http://127.0.0.1:1/b', polling: { minDelaySeconds: 5, maxDelaySeconds: 1 } },
      }),
    ).rejects.toThrow('max polling delay must be >= min polling delay');
    await expect(createPolicyEngine({ engine: nativeEngine(), policies: { kind: 'bundle-service', url: 'ftp://x/b' } })).rejects.toThrow(
      'must be http or https',
    );
  });
});
