// The input documents the adapter builds are exactly the documented ones: rebuilt from the
// request parts of every shared/spec fixture, they equal the fixture and pass the codecs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpAuthzInput } from '@policy-engine/inputs-http-authz';
import { UiEntitlementsInput } from '@policy-engine/inputs-ui-entitlements';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '@policy-engine/test-kit';
import { buildEntitlementInput, buildGateInput, normalizeRequestPath, toGateUser, type GateUserLike } from '../src/index.js';

const FIXTURES = fixturesDir();

interface FixtureInput {
  method: string;
  path: string[];
  user: GateUserLike;
  body?: unknown;
}

function load(file: string): FixtureInput {
  return (JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { input: FixtureInput }).input;
}

// The usage-guide example has roles as plain strings (spec §11 item 6); the adapter always
// emits `[{name, source}]` as every other payload does, so that one is checked separately.
const USAGE_GUIDE = 'spinnaker.http.authz.tasks.usage-guide-example.input.json';
const httpFixtures = readdirSync(FIXTURES).filter((f) => f.startsWith('spinnaker.http.authz') && f !== USAGE_GUIDE);

describe('spinnaker.http.authz input', () => {
  it('has fixtures to compare with', () => {
    expect(httpFixtures.length).toBeGreaterThanOrEqual(8);
  });

  it.each(httpFixtures)('%s is rebuilt exactly from the request', (file) => {
    const expected = load(file);
    // The request as Gate receives it: a URL (with a query string) and the body.
    const url = `/${expected.path.map(encodeURIComponent).join('/')}?ignored=1`;
    const built = buildGateInput(toGateUser(expected.user), expected.method, normalizeRequestPath(url).segments, expected.body);
    expect(built).toEqual(expected);
    expect(HttpAuthzInput.decode(built)._tag).toBe('Right');
  });

  it('the usage-guide example differs only in the roles shape', () => {
    const expected = load(USAGE_GUIDE);
    const built = buildGateInput(toGateUser(expected.user, 'FILE'), expected.method, expected.path, expected.body);
    const roles = (expected.user.roles ?? []).map((r) => (typeof r === 'string' ? { name: r, source: 'FILE' } : r));
    expect(built).toEqual({ ...expected, user: { ...expected.user, roles } });
  });

  it('never carries a body for GET/DELETE and always for POST/PUT/PATCH', () => {
    const user = toGateUser({ username: 'u', roles: ['r'] });
    expect('body' in buildGateInput(user, 'get', ['a'], { x: 1 })).toBe(false);
    expect('body' in buildGateInput(user, 'DELETE', ['a'], { x: 1 })).toBe(false);
    for (const m of ['POST', 'put', 'PATCH'])
      expect(buildGateInput(user, m, ['a'], { x: 1 })).toMatchObject({ method: m.toUpperCase(), body: { x: 1 } });
    expect(buildGateInput(user, 'GET', [], undefined).user).toEqual({
      username: 'u',
      roles: [{ name: 'r', source: 'EXTERNAL' }],
      isAdmin: false,
    });
  });
});

describe('spinnaker.ui.entitlements.isFeatureEnabled input', () => {
  it('is rebuilt exactly from the posted action', () => {
    const expected = load('spinnaker.ui.entitlements.isFeatureEnabled.input.json');
    const built = buildEntitlementInput(toGateUser(expected.user), {
      method: expected.method,
      path: `/${expected.path.join('/')}`,
      body: expected.body,
    });
    expect(built).toEqual(expected);
    expect(UiEntitlementsInput.decode(built)._tag).toBe('Right');
    const fromSegments = buildEntitlementInput(toGateUser(expected.user), {
      method: expected.method,
      path: expected.path,
      body: expected.body,
    });
    expect(fromSegments).toEqual(expected);
  });
});
