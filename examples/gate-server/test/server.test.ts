// The example Gate, started in-process on port 0 for each engine, exercised with real
// HTTP requests (raw node:http, so path tricks are sent exactly as written).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOpaServer, type OpaServer } from '@policy-engine/opa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFromEnv, startGateServer, type RunningGate } from '../src/index.js';
import { postJson, rawHttp, rawRequest } from '@policy-engine/test-kit';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const DEV = 'dev:dev';
const DEPLOYER = 'deployer:deployer';
const APPADMIN = 'appadmin:appadmin';
const EDITOR = 'editor:editor';
const LEAD = 'lead:lead';
const ADMIN = 'admin:admin';
const deployTask = { application: 'demo', job: [{ type: 'deployManifest', account: 'prod' }] };

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PORT: '0', WATCH_POLICIES: 'false', GATE_CONFIG: fixture('gate-local.yml'), ...extra };
}

describe.each(['native', 'wasm', 'opa'])('gate-server on ENGINE=%s', (engineName) => {
  let gate: RunningGate;
  let decisionLog: string;
  beforeAll(async () => {
    decisionLog = join(mkdtempSync(join(tmpdir(), 'gate-server-')), 'decisions.jsonl');
    gate = await startGateServer(settingsFromEnv(env({ ENGINE: engineName, DECISION_LOG: decisionLog })));
  });
  afterAll(async () => {
    await gate?.close();
  });

  it('describes itself in one startup line', () => {
    expect(gate.startupLine).toContain(gate.url);
    expect(gate.startupLine).toContain(`engine=${engineName}`);
    expect(gate.startupLine).toContain(`policies=${gate.policyDir}`);
    expect(gate.packages).toContain('spinnaker.http.authz');
    expect(gate.packages).toContain('opa.pipelines');
    expect(gate.startupLine).toContain('spinnaker.http.authz');
  });

  it('serves exempt paths without credentials and asks for them elsewhere', async () => {
    const health = await rawRequest(gate.url, '/health');
    expect(health.status).toBe(200);
    expect(health.json()).toMatchObject({ status: 'UP' });
    const apps = await rawRequest(gate.url, '/applications');
    expect(apps.status).toBe(401);
    expect(apps.json()).toEqual({ error: 'Unauthorized', message: 'authentication required' });
    expect((await rawRequest(gate.url, '/applications', { auth: 'dev:wrong' })).status).toBe(401);
  });

  it('allows reads and answers them', async () => {
    const apps = await rawRequest(gate.url, '/applications', { auth: DEV });
    expect(apps.status).toBe(200);
    expect((apps.json() as { name: string }[]).map((a) => a.name)).toContain('demo');
    expect((await rawRequest(gate.url, '/applications/demo', { auth: DEV })).json()).toMatchObject({ name: 'demo' });
    expect((await rawRequest(gate.url, '/applications/nope', { auth: DEV })).status).toBe(404);
  });

  it('denies with the policy message and records allowed tasks', async () => {
    const denied = await postJson(gate.url, '/tasks', deployTask, DEV);
    expect(denied.status).toBe(403);
    expect(denied.json()).toEqual({ error: 'Forbidden', message: 'deployManifest requires the deployers role' });

    for (const type of ['deployManifest', 'deleteManifest', 'scaleManifest', 'undoRolloutManifest']) {
      const res = await postJson(gate.url, '/tasks', { application: 'demo', job: [{ type }] }, DEPLOYER);
      expect(res.status, type).toBe(200);
      const { id, ref } = res.json() as { id: string; ref: string };
      expect(ref).toBe(`/tasks/${id}`);
      const task = await rawRequest(gate.url, ref, { auth: DEPLOYER });
      expect(task.json()).toMatchObject({ id, jobTypes: [type], user: 'deployer' });
    }

    const create = { job: [{ type: 'createApplication', application: { name: 'newapp', email: 'n@example.com' } }] };
    expect((await postJson(gate.url, '/tasks', create, DEV)).json()).toEqual({
      error: 'Forbidden',
      message: 'createApplication requires the app-admins role',
    });
    expect((await postJson(gate.url, '/tasks', create, APPADMIN)).status).toBe(200);
    expect((await rawRequest(gate.url, '/applications/newapp', { auth: DEV })).json()).toMatchObject({
      name: 'newapp',
      createdBy: 'appadmin',
    });

    const del = await rawRequest(gate.url, '/applications/demo', { method: 'DELETE', auth: LEAD });
    expect(del.json()).toEqual({ error: 'Forbidden', message: 'only administrators may delete applications' });
    expect((await postJson(gate.url, '/tasks', { job: [] }, ADMIN)).status).toBe(400);
  });

  it('authorizes pipeline saves, then validates them with opa.pipelines', async () => {
    const prodDeploy = { type: 'deployManifest', name: 'Deploy', account: 'prod' };
    const pipeline = { application: 'demo', name: 'ship', stages: [prodDeploy], triggers: [] };
    const notEditor = await postJson(gate.url, '/pipelines', pipeline, DEV);
    expect(notEditor.status).toBe(403);
    expect(notEditor.json()).toEqual({ error: 'Forbidden', message: 'saving pipelines requires the pipeline-editors role' });

    const rejected = await postJson(gate.url, '/pipelines', pipeline, EDITOR);
    expect(rejected.status).toBe(400);
    const message = 'stage "Deploy" deploys to production account "prod", but the pipeline has no Manual Judgment stage';
    expect(rejected.json()).toEqual({ error: 'BadRequest', message, errors: [message] });
    expect((await rawRequest(gate.url, '/pipelines/demo', { auth: DEV })).json()).toEqual([]);

    const ok = { ...pipeline, stages: [{ type: 'manualJudgment', name: 'Approve' }, prodDeploy] };
    const saved = await postJson(gate.url, '/pipelines', ok, EDITOR);
    expect(saved.status).toBe(200);
    expect(saved.json()).toMatchObject({ name: 'ship', lastModifiedBy: 'editor' });
    const list = (await rawRequest(gate.url, '/pipelines/demo', { auth: DEV })).json() as { name: string }[];
    expect(list.map((p) => p.name)).toEqual(['ship']);
  });

  it('answers 400 on malformed JSON', async () => {
    const res = await postJson(gate.url, '/tasks', '{"job": [{"type": ', DEPLOYER);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: 'BadRequest' });
  });

  it('refuses hostile input itself (400/413) before any policy is asked, identically on every engine', async () => {
    const decisions = async () => {
      await new Promise((r) => setTimeout(r, 100));
      return readFileSync(decisionLog, 'utf8')
        .split('\n')
        .filter((l) => l !== '').length;
    };
    const tasks = gate.store.tasks.length;
    const before = await decisions();
    const deep = await postJson(gate.url, '/tasks', `{"job":[{"type":"wait"}],"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, DEPLOYER);
    expect(deep.status).toBe(400);
    expect(deep.json()).toEqual({
      error: 'BadRequest',
      message: 'request body nests arrays/objects deeper than 1000 levels (offset 1028)',
    });
    const lone = await postJson(gate.url, '/tasks', '{"job":[{"type":"wait\\ud800"}]}', DEPLOYER);
    expect(lone.status).toBe(400);
    const refusal = lone.json() as { error: string; message: string };
    expect(refusal.error).toBe('BadRequest');
    expect(refusal.message).toContain('lone UTF-16 surrogate');
    const utf8 = await rawRequest(gate.url, '/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      auth: DEPLOYER,
    });
    expect(utf8.status).toBe(400);
    const big = await postJson(gate.url, '/tasks', { job: [{ type: 'wait' }], pad: 'x'.repeat(11 * 1024 * 1024) }, DEPLOYER);
    expect(big.status).toBe(413);
    const basic = (creds: string) => `Basic ${Buffer.from(creds).toString('base64')}`;
    const twoAuth = await rawHttp(gate.url, `GET /applications HTTP/1.1\r\nauthorization: ${basic(DEV)}\r\nauthorization: ${basic(ADMIN)}`);
    expect(twoAuth.status).toBe(400);
    expect(twoAuth.text).toContain('the authorization header is sent more than once');
    expect(await decisions()).toBe(before);
    expect(gate.store.tasks.length).toBe(tasks);
    // __proto__ is kept as a plain key: recorded as sent, no prototype touched.
    const proto = await postJson(gate.url, '/tasks', '{"job":[{"type":"wait"}],"__proto__":{"polluted":true}}', DEPLOYER);
    expect(proto.status).toBe(200);
    expect(Object.keys(gate.store.tasks.at(-1)?.body as object)).toEqual(['job', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('forces authentication on POST /webhooks/**', async () => {
    expect((await postJson(gate.url, '/webhooks/git/github', { ref: 'main' })).status).toBe(401);
    // Authorized, then no such route in the example.
    expect((await postJson(gate.url, '/webhooks/git/github', { ref: 'main' }, ADMIN)).status).toBe(404);
    // GET stays exempt.
    expect((await rawRequest(gate.url, '/webhooks/git/github')).status).toBe(404);
  });

  it('never skips authorization through path tricks', async () => {
    for (const path of [
      '/health/../tasks',
      '//tasks',
      '/tasks/',
      '/health/%2e%2e/tasks',
      '/health/%2E%2E/tasks',
      '/health%2F..%2Ftasks',
      '/webhooks%2F..%2Ftasks',
    ]) {
      expect((await postJson(gate.url, path, deployTask)).status, `anonymous ${path}`).toBe(401);
      const res = await postJson(gate.url, path, deployTask, DEV);
      expect(res.status, `dev ${path}`).toBe(403);
      expect(res.json()).toEqual({ error: 'Forbidden', message: 'deployManifest requires the deployers role' });
    }
    expect((await rawRequest(gate.url, '/health%2F')).status).toBe(401);
  });

  it('routes case-sensitively, as Gate does: a path the policy did not recognise never reaches a handler', async () => {
    const before = gate.store.tasks.length;
    // The policy sees ["TASKS"], which no rule objects to; the /tasks handler must not run.
    const res = await postJson(gate.url, '/TASKS', deployTask, DEV);
    expect(res.status).toBe(404);
    expect(gate.store.tasks.length).toBe(before);
    const pipeline = { application: 'demo', name: 'sneaky', stages: [{ type: 'wait', name: 'Wait' }] };
    expect((await postJson(gate.url, '/Pipelines', pipeline, DEV)).status).toBe(404);
    expect((await rawRequest(gate.url, '/pipelines/demo', { auth: DEV })).json()).not.toContainEqual(
      expect.objectContaining({ name: 'sneaky' }),
    );
  });

  it('answers UI entitlement checks', async () => {
    const action = { method: 'POST', path: '/tasks', body: { job: [{ type: 'createApplication' }] } };
    expect((await postJson(gate.url, '/policy-engine/isFeatureEnabled', action, DEV)).json()).toEqual({
      allow: false,
      message: 'Creating applications is limited to the app-admins role',
    });
    expect((await postJson(gate.url, '/policy-engine/isFeatureEnabled', action, APPADMIN)).json()).toMatchObject({ allow: true });
    expect((await postJson(gate.url, '/policy-engine/isFeatureEnabled', { method: 'GET', path: ['projects'] }, DEV)).json()).toEqual({
      allow: false,
      message: 'Project configuration is limited to administrators',
    });
  });

  it('writes one decision-log line per decision', async () => {
    await rawRequest(gate.url, '/applications', { auth: DEV });
    await new Promise((r) => setTimeout(r, 100));
    const lines = readFileSync(decisionLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).toContain('spinnaker.http.authz');
  });
});

describe('gate-server when OPA goes down (ENGINE=opa, OPA_URL)', () => {
  let opa: OpaServer;
  let closed: RunningGate;
  let open: RunningGate;
  beforeAll(async () => {
    opa = await startOpaServer({ v0Compatible: true });
    closed = await startGateServer(settingsFromEnv(env({ ENGINE: 'opa', OPA_URL: opa.url })));
    open = await startGateServer(
      settingsFromEnv(env({ ENGINE: 'opa', OPA_URL: `${opa.url}/v1/data`, GATE_CONFIG: fixture('gate-failopen.yml') })),
    );
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
    await opa?.stop();
  });

  it('answers 503 fail-closed, and serves with failOpen', async () => {
    expect((await postJson(closed.url, '/tasks', deployTask, DEPLOYER)).status).toBe(200);
    expect((await postJson(closed.url, '/tasks', deployTask, DEV)).status).toBe(403);
    await opa.kill();
    // A question not asked before fails closed; the decision cache (DECISION_CACHE_MS) is then
    // emptied, so the question answered 200 above is not answered from it either.
    const fresh = await postJson(closed.url, '/tasks', { ...deployTask, description: 'another deployment' }, DEPLOYER);
    expect(fresh.status).toBe(503);
    const res = await postJson(closed.url, '/tasks', deployTask, DEPLOYER);
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ error: 'PolicyEngineUnavailable' });
    // The health endpoint tells the truth: the engine cannot decide.
    const health = await rawRequest(closed.url, '/health');
    expect(health.status).toBe(503);
    expect(health.json()).toMatchObject({ status: 'DOWN' });
    expect((await rawRequest(open.url, '/health')).status).toBe(503);
    const served = await postJson(open.url, '/tasks', deployTask, DEV);
    expect(served.status).toBe(200);
    expect(served.json()).toMatchObject({ status: 'RECORDED' });
  });
});

describe('gate-server with its own local OPA (ENGINE=opa, no OPA_URL)', () => {
  let gate: RunningGate;
  beforeAll(async () => {
    gate = await startGateServer(settingsFromEnv(env({ ENGINE: 'opa' })));
  });
  afterAll(async () => {
    await gate?.close();
  });

  it('protects the OPA: another local process gets 401 and cannot delete the policies', async () => {
    const opaUrl = gate.localOpa!.url;
    const list = await fetch(`${opaUrl}/v1/policies`);
    expect(list.status).toBe(401);
    expect((await fetch(`${opaUrl}/v1/policies/policy-engine-x`, { method: 'DELETE' })).status).toBe(401);
    expect((await postJson(gate.url, '/tasks', deployTask, DEV)).status).toBe(403);
  });

  it('reports DOWN with 503 when the OPA process dies, then comes back UP by itself with the policies enforced', async () => {
    const before = gate.localOpa!.pid!;
    process.kill(before, 'SIGKILL');
    await expect.poll(async () => (await rawRequest(gate.url, '/health')).status, { timeout: 5000, interval: 20 }).toBe(503);
    expect((await rawRequest(gate.url, '/health')).json()).toMatchObject({ status: 'DOWN' });
    expect((await postJson(gate.url, '/tasks', deployTask, DEPLOYER)).status).toBe(503);
    await expect.poll(async () => (await rawRequest(gate.url, '/health')).status, { timeout: 20_000, interval: 100 }).toBe(200);
    expect((await rawRequest(gate.url, '/health')).json()).toMatchObject({ status: 'UP' });
    expect(gate.localOpa!.pid).not.toBe(before);
    const denied = await postJson(gate.url, '/tasks', deployTask, DEV);
    expect(denied.status).toBe(403);
    expect((await postJson(gate.url, '/tasks', deployTask, DEPLOYER)).status).toBe(200);
  });
});

describe('gate-server picks up policy changes without a restart (WATCH_POLICIES)', () => {
  let gate: RunningGate;
  let dir: string;
  const policy = (rule: string) =>
    `package spinnaker.http.authz\n\nimport rego.v1\n\ndefault allow := false\n\n${rule}\n\nmessage := "admins only" if not allow\n`;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gate-policies-'));
    writeFileSync(join(dir, 'authz.rego'), policy('allow if input.user.isAdmin'));
    gate = await startGateServer(settingsFromEnv(env({ ENGINE: 'wasm', POLICY_DIR: dir, WATCH_POLICIES: 'true' })));
  });
  afterAll(async () => {
    await gate?.close();
  });

  it('enforces the new policy once the file changes', async () => {
    expect(gate.packages).toEqual(['spinnaker.http.authz']);
    const before = await rawRequest(gate.url, '/applications', { auth: DEV });
    expect(before.status).toBe(403);
    expect(before.json()).toEqual({ error: 'Forbidden', message: 'admins only' });
    writeFileSync(join(dir, 'authz.rego'), policy('allow if input.method == "GET"'));
    const deadline = Date.now() + 20_000;
    let status = before.status;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await rawRequest(gate.url, '/applications', { auth: DEV })).status;
    }
    expect(status).toBe(200);
  });
});
