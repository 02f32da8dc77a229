// One suite, run for every engine (real OPA, wasm) × every middleware flavour
// (Express, Fastify, node:http). Requests are sent raw with node:http so path tricks
// reach the server exactly as written.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuthIdentity,
  createGateAuthorizer,
  loadArmoryConfigFile,
  type AuthzEvent,
  type GateAuthorizer,
  type PasswordUser,
} from '../src/index.js';
import { engineKinds, type EngineFixture } from './support/engines.js';
import { flavours, type Echo, type RunningServer } from './support/flavours.js';
import { postJson, rawRequest } from '@policy-engine/test-kit';

const CONFIG_FILE = fileURLToPath(new URL('./fixtures/gate-local.yml', import.meta.url));

const users: PasswordUser[] = [
  { username: 'alice', password: 'alice-pw', isAdmin: true, roles: [] },
  { username: 'bob', password: 'bob-pw', roles: ['dev'] },
  { username: 'carol', password: 'carol-pw', roles: [{ name: 'deployers', source: 'LDAP' }, 'app-admins'] },
];
const ALICE = 'alice:alice-pw';
const BOB = 'bob:bob-pw';
const CAROL = 'carol:carol-pw';

const deployTask = { job: [{ type: 'deployManifest', account: 'prod' }], application: 'demo' };
const createAppTask = { job: [{ type: 'createApplication', application: { name: 'newapp' } }] };

function echoOf(res: { json(): unknown }): Echo {
  return res.json() as Echo;
}

describe.each(engineKinds)('engine $name', (kind) => {
  let fixture: EngineFixture;
  beforeAll(async () => {
    fixture = await kind.create();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  describe.each(flavours)('$name middleware', (flavour) => {
    let server: RunningServer;
    let authorizer: GateAuthorizer;
    const events: AuthzEvent[] = [];
    beforeAll(async () => {
      authorizer = createGateAuthorizer({
        engine: fixture.engine,
        identity: basicAuthIdentity(users),
        config: loadArmoryConfigFile(CONFIG_FILE, { bodyLimitBytes: 4096 }),
        onAuthz: (e) => events.push(e),
      });
      server = await flavour.start(authorizer);
    });
    afterAll(async () => {
      await server?.close();
    });

    it('reads the Armory YAML profile', () => {
      expect(authorizer.config.timeoutSeconds).toBe(5);
      expect(authorizer.config.allow).toEqual(['/public/*/info', '/docs/**']);
      expect(authorizer.config.forceAuthentication).toEqual([{ path: '/webhooks/secure/**', method: 'POST' }]);
    });

    it('allows what the policy allows and hands user, path and body to the handler', async () => {
      const res = await rawRequest(server.url, '/applications/demo?expand=true', { auth: BOB });
      expect(res.status).toBe(200);
      expect(echoOf(res)).toMatchObject({ reached: true, user: 'bob', path: ['applications', 'demo'] });

      const posted = await postJson(server.url, '/tasks', deployTask, CAROL);
      expect(posted.status).toBe(200);
      expect(echoOf(posted)).toMatchObject({ user: 'carol', path: ['tasks'], body: deployTask });
    });

    it('denies with the policy message as 403 JSON', async () => {
      const res = await postJson(server.url, '/tasks', deployTask, BOB);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({ error: 'Forbidden', message: 'deployManifest requires the deployers role' });

      const secrets = await rawRequest(server.url, '/secrets/db', { auth: BOB });
      expect(secrets.status).toBe(403);
      expect(secrets.json()).toEqual({ error: 'Forbidden', message: 'GET /secrets/db is not permitted' });
      // Admins pass everything.
      expect((await rawRequest(server.url, '/secrets/db', { auth: ALICE })).status).toBe(200);
    });

    it('puts the parsed body into the input (a body field flips the decision)', async () => {
      expect((await postJson(server.url, '/echo', { deny: false, n: 1 }, BOB)).status).toBe(200);
      const res = await postJson(server.url, '/echo', { deny: true }, BOB);
      expect(res.status).toBe(403);
      expect(res.json()).toEqual({ error: 'Forbidden', message: 'the body asked to be denied' });
    });

    it('lets exempt paths through without credentials (defaults and configured * / ** patterns)', async () => {
      for (const path of [
        '/health',
        '/auth/user',
        '/webhooks/github/push',
        '/plugins/deck/index.js',
        '/public/x/info',
        '/docs',
        '/docs/a/b/c',
      ]) {
        const res = await rawRequest(server.url, path);
        expect(res.status, path).toBe(200);
        expect(echoOf(res), path).toMatchObject({ reached: true, user: null });
      }
      // `*` is one segment only; `**` is not implied.
      expect((await rawRequest(server.url, '/public/x/y/info')).status).toBe(401);
      expect((await rawRequest(server.url, '/public/info')).status).toBe(401);
      expect((await rawRequest(server.url, '/healthz')).status).toBe(401);
    });

    it('forces authentication on configured path + method, then asks the policy', async () => {
      const anonymous = await postJson(server.url, '/webhooks/secure/deploy', { x: 1 });
      expect(anonymous.status).toBe(401);
      const denied = await postJson(server.url, '/webhooks/secure/deploy', { x: 1 }, BOB);
      expect(denied.status).toBe(403);
      const allowed = await postJson(server.url, '/webhooks/secure/deploy', { x: 1 }, CAROL);
      expect(allowed.status).toBe(200);
      expect(echoOf(allowed)).toMatchObject({ user: 'carol', body: { x: 1 } });
      // Other methods on the same path stay exempt.
      expect((await rawRequest(server.url, '/webhooks/secure/deploy')).status).toBe(200);
    });

    it('answers 401 with a challenge when credentials are missing or wrong', async () => {
      const res = await rawRequest(server.url, '/applications');
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ error: 'Unauthorized', message: 'authentication required' });
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
      expect((await rawRequest(server.url, '/applications', { auth: 'bob:wrong' })).status).toBe(401);
      expect((await rawRequest(server.url, '/applications', { auth: 'mallory:bob-pw' })).status).toBe(401);
    });

    it('answers 400 on malformed JSON and 413 over the body limit', async () => {
      const bad = await postJson(server.url, '/tasks', '{"job": [', CAROL);
      expect(bad.status).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'BadRequest' });
      const big = await postJson(server.url, '/echo', { pad: 'x'.repeat(5000) }, CAROL);
      expect(big.status).toBe(413);
      expect(big.json()).toMatchObject({ error: 'PayloadTooLarge' });
    });

    it('never skips authorization through path tricks', async () => {
      const tricks = [
        '/health/../tasks',
        '//tasks',
        '/tasks/',
        '/./tasks',
        '/health/%2e%2e/tasks',
        '/health/%2E%2E/tasks',
        '/health%2F..%2Ftasks',
        '/tasks?next=/health',
        '/webhooks/../tasks',
      ];
      for (const path of tricks) {
        // Without credentials: never treated as exempt.
        const anon = await postJson(server.url, path, deployTask);
        expect(anon.status, `anonymous ${path}`).toBe(401);
        // With credentials: the policy sees ["tasks"] and denies bob's deploy.
        const res = await postJson(server.url, path, deployTask, BOB);
        expect(res.status, `bob ${path}`).toBe(403);
        expect(res.json(), path).toEqual({ error: 'Forbidden', message: 'deployManifest requires the deployers role' });
      }
      // Encoded separators make a path ambiguous: never exempt, even when it decodes to one.
      expect((await rawRequest(server.url, '/webhooks%2Fgithub')).status).toBe(401);
      expect((await rawRequest(server.url, '/health%2F')).status).toBe(401);
      // Malformed percent-encoding.
      expect((await rawRequest(server.url, '/applications/%E0%A4%A', { auth: BOB })).status).toBe(400);
      // What the policy saw for the tricks: every one normalised to ["tasks"].
      const seen = events.filter((e) => e.username === 'bob' && tricks.includes(e.url));
      expect(seen.length).toBeGreaterThan(0);
      for (const e of seen) expect(e.path, e.url).toEqual(['tasks']);
    });

    it('answers UI entitlement checks for the calling user', async () => {
      const action = { method: 'POST', path: '/tasks', body: createAppTask };
      const bob = await postJson(server.url, '/policy-engine/isFeatureEnabled', action, BOB);
      expect(bob.status).toBe(200);
      expect(bob.json()).toEqual({ allow: false, message: 'Creating applications is limited to the app-admins role' });
      const carol = await postJson(server.url, '/policy-engine/isFeatureEnabled', { ...action, path: ['tasks'] }, CAROL);
      expect(carol.json()).toEqual({ allow: true, message: null });
      const projects = await postJson(server.url, '/policy-engine/isFeatureEnabled', { method: 'GET', path: '/projects' }, BOB);
      expect(projects.json()).toEqual({ allow: true, message: null });
      // Spellings that normalise to the route are answered as entitlement checks by every
      // flavour: never handed to another route (the echo handler here) without authorization.
      for (const variant of [
        '/policy-engine/isFeatureEnabled/',
        '//policy-engine/isFeatureEnabled',
        '/policy-engine//isFeatureEnabled?x=1',
      ]) {
        const res = await postJson(server.url, variant, action, BOB);
        expect(res.status, variant).toBe(200);
        expect(res.json(), variant).toEqual({ allow: false, message: 'Creating applications is limited to the app-admins role' });
      }
      expect((await postJson(server.url, '/policy-engine/isFeatureEnabled', action)).status).toBe(401);
      expect((await postJson(server.url, '/policy-engine/isFeatureEnabled', { path: 3 }, BOB)).status).toBe(400);
    });
  });

  describe('when the engine fails', () => {
    let broken: EngineFixture;
    const servers: { name: string; closed: RunningServer; open: RunningServer }[] = [];
    beforeAll(async () => {
      broken = await kind.create({ timeoutMs: 2000 });
      for (const flavour of flavours) {
        const make = (failOpen: boolean) =>
          createGateAuthorizer({ engine: broken.engine, identity: basicAuthIdentity(users), config: { failOpen, timeoutSeconds: 2 } });
        servers.push({ name: flavour.name, closed: await flavour.start(make(false)), open: await flavour.start(make(true)) });
      }
      // Sanity: the engine works before it is broken.
      const first = servers[0];
      if (first) expect((await postJson(first.closed.url, '/tasks', deployTask, BOB)).status).toBe(403);
      await broken.breakEngine();
    });
    afterAll(async () => {
      for (const s of servers) {
        await s.closed.close();
        await s.open.close();
      }
      await broken?.close();
    });

    it.each(flavours.map((f) => f.name))('%s: 503 fail-closed, served with failOpen', async (name) => {
      const s = servers.find((x) => x.name === name);
      if (!s) throw new Error(`no server for ${name}`);
      const closed = await postJson(s.closed.url, '/tasks', deployTask, CAROL);
      expect(closed.status).toBe(503);
      expect(closed.json()).toMatchObject({ error: 'PolicyEngineUnavailable' });
      const open = await postJson(s.open.url, '/tasks', deployTask, CAROL);
      expect(open.status).toBe(200);
      expect(echoOf(open)).toMatchObject({ reached: true, user: 'carol' });
      // Exempt paths do not need the engine at all.
      expect((await rawRequest(s.closed.url, '/health')).status).toBe(200);
    });
  });
});
