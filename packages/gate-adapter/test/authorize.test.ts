// The framework-neutral core against real policy engines (no HTTP server involved).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeRequest, toGateUser } from '../src/index.js';
import { engineKinds, type EngineFixture } from './support/engines.js';

const bob = toGateUser({ username: 'bob', roles: ['dev'] });
const carol = toGateUser({ username: 'carol', roles: ['deployers'] });
const deploy = { job: [{ type: 'deployManifest' }] };

describe.each(engineKinds)('authorizeRequest on $name', (kind) => {
  let fixture: EngineFixture;
  beforeAll(async () => {
    fixture = await kind.create();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('builds the spinnaker.http.authz input and maps the decision', async () => {
    const denied = await authorizeRequest({ method: 'post', url: '/health/../tasks?x=1', body: deploy }, bob, { engine: fixture.engine });
    expect(denied).toMatchObject({ allowed: false, outcome: 'denied', status: 403, path: ['tasks'] });
    expect(denied.body).toEqual({ error: 'Forbidden', message: 'deployManifest requires the deployers role' });
    expect(denied.input).toEqual({
      user: { username: 'bob', roles: [{ name: 'dev', source: 'EXTERNAL' }], isAdmin: false },
      method: 'POST',
      path: ['tasks'],
      body: deploy,
    });
    expect(denied.decision?.policyFound).toBe(true);
    const allowed = await authorizeRequest({ method: 'POST', url: '/tasks', body: deploy }, carol, { engine: fixture.engine });
    expect(allowed).toMatchObject({ allowed: true, outcome: 'allowed', status: 200 });
  });

  it('leaves the body out of GET inputs, and exempt paths need no user', async () => {
    const get = await authorizeRequest({ method: 'GET', url: '/applications', body: { ignored: true } }, bob, { engine: fixture.engine });
    expect(get.input).toEqual({ user: bob, method: 'GET', path: ['applications'] });
    expect(await authorizeRequest({ method: 'GET', url: '/health' }, null, { engine: fixture.engine })).toMatchObject({
      allowed: true,
      outcome: 'exempt',
    });
    expect(await authorizeRequest({ method: 'GET', url: '/applications' }, null, { engine: fixture.engine })).toMatchObject({
      status: 401,
      outcome: 'unauthenticated',
    });
    expect(await authorizeRequest({ method: 'GET', url: '/a/%zz' }, bob, { engine: fixture.engine })).toMatchObject({
      status: 400,
      outcome: 'bad-request',
    });
  });
});
