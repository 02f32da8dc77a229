// The middleware's synchronous path: with an engine that decides on the caller's thread (the
// native one) a request without a body is authorized at once — no promise — with the same
// answers as the asynchronous path; an engine that claims to be synchronous and is not, or
// throws, is answered fail-closed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createPolicyEngine, type Decision, type PolicyEngine } from '@policy-engine/evaluator';
import { nativeEngine } from '@policy-engine/engine-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuthIdentity,
  createGateAuthorizer,
  expressGateMiddleware,
  getGateContext,
  type DecisionSource,
  type PasswordUser,
} from '../src/index.js';
import { POLICY_DIR } from './support/engines.js';

const users: PasswordUser[] = [
  { username: 'alice', password: 'alice-pw', isAdmin: true, roles: [] },
  { username: 'bob', password: 'bob-pw', roles: ['dev'] },
];

interface Sent {
  status?: number;
  body?: unknown;
}

/** The parts of a request and response the authorizer touches on a GET. */
function exchange(method: string, url: string, creds?: string): { req: IncomingMessage; res: ServerResponse; sent: Sent } {
  const headers = creds ? { authorization: `Basic ${Buffer.from(creds).toString('base64')}` } : {};
  const req = { method, url, headers, rawHeaders: Object.entries(headers).flat() } as unknown as IncomingMessage;
  const sent: Sent = {};
  const res = {
    writeHead(status: number) {
      sent.status = status;
      return this;
    },
    end(text: string) {
      sent.body = JSON.parse(text);
    },
    writableEnded: false,
    once() {
      return this;
    },
    off() {
      return this;
    },
  } as unknown as ServerResponse;
  return { req, res, sent };
}

describe('synchronous authorization', () => {
  let engine: PolicyEngine;
  beforeAll(async () => {
    engine = await createPolicyEngine({ engine: nativeEngine(), policies: { kind: 'directory', path: POLICY_DIR, regoVersion: 'auto' } });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('decides a GET at once on the native engine, allowing and refusing as the policy says', () => {
    expect(engine.synchronous).toBe(true);
    const authorizer = createGateAuthorizer({ engine, identity: basicAuthIdentity(users) });
    const open = exchange('GET', '/applications', 'bob:bob-pw');
    const allowed = authorizer.handleNow(open.req, open.res);
    expect(allowed).not.toBeInstanceOf(Promise);
    expect(allowed).toMatchObject({ user: { username: 'bob' }, path: ['applications'], authz: { outcome: 'allowed' } });
    const secret = exchange('GET', '/secrets/x', 'bob:bob-pw');
    expect(authorizer.handleNow(secret.req, secret.res)).toBeNull();
    expect(secret.sent).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    const admin = exchange('GET', '/secrets/x', 'alice:alice-pw');
    expect(authorizer.handleNow(admin.req, admin.res)).toMatchObject({ authz: { outcome: 'allowed' } });
    const nobody = exchange('GET', '/applications');
    expect(authorizer.handleNow(nobody.req, nobody.res)).toBeNull();
    expect(nobody.sent.status).toBe(401);
  });

  it('calls next before the Express middleware returns', () => {
    const middleware = expressGateMiddleware(createGateAuthorizer({ engine, identity: basicAuthIdentity(users) }));
    const { req, res } = exchange('GET', '/applications', 'bob:bob-pw');
    let nextCalls = 0;
    middleware(req, res, (err) => {
      expect(err).toBeUndefined();
      nextCalls += 1;
    });
    expect(nextCalls).toBe(1);
    expect(getGateContext(req)?.user?.username).toBe('bob');
  });

  it('stays asynchronous for an engine that is not synchronous, with the same answer', async () => {
    const asyncOnly: DecisionSource = { evaluate: (pkg, input, opts) => engine.evaluate(pkg, input, opts) };
    const authorizer = createGateAuthorizer({ engine: asyncOnly, identity: basicAuthIdentity(users) });
    const { req, res } = exchange('GET', '/applications', 'bob:bob-pw');
    const pending = authorizer.handleNow(req, res);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toMatchObject({ authz: { outcome: 'allowed' } });
  });

  it('answers 503 fail-closed when a "synchronous" engine returns a promise or throws', () => {
    const allowing: Decision = {
      package: 'spinnaker.http.authz',
      allowed: true,
      denies: [],
      message: null,
      policyFound: true,
      engine: 'liar',
      durationMs: 0,
    };
    const liar: DecisionSource = {
      synchronous: true,
      decide: () => Promise.resolve(allowing),
      evaluate: () => Promise.resolve(allowing),
    };
    const thrower: DecisionSource = {
      synchronous: true,
      decide: () => {
        throw Object.assign(new Error('boom'), { code: 'EVALUATION_ERROR' });
      },
      evaluate: () => Promise.resolve(allowing),
    };
    for (const [source, code] of [
      [liar, 'ENGINE_UNAVAILABLE'],
      [thrower, 'EVALUATION_ERROR'],
    ] as const) {
      const authorizer = createGateAuthorizer({ engine: source, identity: basicAuthIdentity(users) });
      const { req, res, sent } = exchange('GET', '/applications', 'bob:bob-pw');
      expect(authorizer.handleNow(req, res)).toBeNull();
      expect(sent.status).toBe(503);
      expect(sent.body).toEqual({ error: 'PolicyEngineUnavailable', message: `no decision from the policy engine (${code})` });
    }
  });
});
