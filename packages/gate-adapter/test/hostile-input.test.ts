// Hostile request bodies and headers: refused with 400/413 by the adapter itself, before any
// engine sees them, identically on every engine (real OPA, wasm) × every middleware flavour.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '@policy-engine/evaluator';
import {
  authorizeRequest,
  basicAuthIdentity,
  checkJsonText,
  checkRequestHeaders,
  createGateAuthorizer,
  GateRequestError,
  type DecisionSource,
  type PasswordUser,
} from '../src/index.js';
import { engineKinds, type EngineFixture } from './support/engines.js';
import { flavours, type Echo, type RunningServer } from './support/flavours.js';
import { postJson, rawHttp, rawRequest } from '@policy-engine/test-kit';

const users: PasswordUser[] = [
  { username: 'bob', password: 'bob-pw', roles: ['dev'] },
  { username: 'carol', password: 'carol-pw', roles: ['deployers'] },
];
const BOB = 'bob:bob-pw';
const basic = (creds: string) => `Basic ${Buffer.from(creds).toString('base64')}`;

/** `[[…]]` nested `depth` levels, as JSON text. */
const nestedText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Counts the decisions asked of the engine, so a test can show a refusal never reached it. */
function counted(engine: DecisionSource): DecisionSource & { calls: number } {
  const wrapper = {
    calls: 0,
    evaluate(packageName: string, input: unknown, options?: { readonly signal?: AbortSignal }): Promise<Decision> {
      wrapper.calls++;
      return engine.evaluate(packageName, input, options);
    },
  };
  return wrapper;
}

describe('checkJsonText', () => {
  it('counts nesting outside strings only, without recursion (100,000 levels)', () => {
    expect(() => checkJsonText(nestedText(1000), 1000)).not.toThrow();
    expect(() => checkJsonText(nestedText(1001), 1000)).toThrow(/deeper than 1000 levels/);
    expect(() => checkJsonText(nestedText(100_000))).toThrow(GateRequestError);
    expect(() => checkJsonText(JSON.stringify({ s: '['.repeat(5000) }), 10)).not.toThrow();
    expect(() => checkJsonText('{"s":"\\"[[[["}', 1)).not.toThrow();
  });

  it('refuses lone surrogates as escapes and as code units, accepts pairs', () => {
    for (const text of ['"\\ud800"', '"\\uDC00"', '"\\ud800\\u0041"', '{"\\ud800":1}', '"x\ud800"', '"\udc00x"']) {
      expect(() => checkJsonText(text), text).toThrow(/lone UTF-16 surrogate/);
    }
    for (const text of ['"\\ud83d\\ude00"', '"😀"', '"\\\\ud800"', '"\\u00e9"']) expect(() => checkJsonText(text), text).not.toThrow();
  });
});

describe('checkRequestHeaders', () => {
  it('refuses a repeated Authorization, Proxy-Authorization or Content-Type, in any case', () => {
    expect(checkRequestHeaders(['Authorization', 'a', 'x-y', '1', 'authorization', 'a'])?.status).toBe(400);
    expect(checkRequestHeaders(['content-type', 'a', 'Content-Type', 'b'])?.message).toBe('the content-type header is sent more than once');
    expect(checkRequestHeaders(['authorization', 'a', 'accept', '1', 'accept', '2'])).toBeUndefined();
  });
});

describe('authorizeRequest (framework-neutral) on a parsed body', () => {
  it('refuses deep bodies, lone surrogates and repeated auth headers without asking the engine', async () => {
    const engine = counted({ evaluate: () => Promise.reject(new Error('must not be called')) });
    const user = { username: 'bob', roles: [], isAdmin: false };
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const request of [
      { method: 'POST', url: '/tasks', body: { deep } },
      { method: 'POST', url: '/tasks', body: { ['k\ud800']: 1 } },
      { method: 'GET', url: '/tasks', rawHeaders: ['authorization', 'a', 'Authorization', 'b'] },
    ]) {
      const result = await authorizeRequest(request, user, { engine, config: { failOpen: true } });
      expect(result).toMatchObject({ allowed: false, outcome: 'bad-request', status: 400, body: { error: 'BadRequest' } });
    }
    expect(engine.calls).toBe(0);
  });
});

describe.each(engineKinds)('engine $name', (kind) => {
  let fixture: EngineFixture;
  /** An evaluator whose own input limit (8) is below the adapter's: its INVALID_INPUT must become a 400. */
  let strict: EngineFixture;
  beforeAll(async () => {
    fixture = await kind.create();
    strict = await kind.create({ maxInputDepth: 8, failOpen: true });
  });
  afterAll(async () => {
    await fixture?.close();
    await strict?.close();
  });

  describe.each(flavours)('$name middleware', (flavour) => {
    let server: RunningServer;
    let strictServer: RunningServer;
    let engine: DecisionSource & { calls: number };
    beforeAll(async () => {
      engine = counted(fixture.engine);
      server = await flavour.start(
        createGateAuthorizer({ engine, identity: basicAuthIdentity(users), config: { bodyLimitBytes: 1 << 20 } }),
      );
      strictServer = await flavour.start(
        createGateAuthorizer({ engine: strict.engine, identity: basicAuthIdentity(users), config: { failOpen: true } }),
      );
    });
    afterAll(async () => {
      await server?.close();
      await strictServer?.close();
    });

    /** POSTs `text` to /echo as bob and checks the engine was not asked. */
    async function refused(text: string | Buffer): Promise<{ status: number; message: string }> {
      const before = engine.calls;
      const res = await rawRequest(server.url, '/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
        auth: BOB,
      });
      expect(engine.calls, 'the engine was asked').toBe(before);
      const body = res.json() as { error: string; message: string };
      expect(body.error).toBe(res.status === 413 ? 'PayloadTooLarge' : 'BadRequest');
      return { status: res.status, message: body.message };
    }

    it('deep nesting ⇒ 400 before the engine (100,000 levels too); the limit itself passes', async () => {
      const deep = await refused(`{"a":${nestedText(1001)}}`);
      expect(deep.status).toBe(400);
      expect(deep.message).toMatch(/deeper than 1000 levels/);
      expect((await refused(nestedText(100_000))).status).toBe(400);
      const ok = await postJson(server.url, '/echo', `{"a":${nestedText(999)}}`, BOB);
      expect(ok.status).toBe(200);
    });

    it('lone surrogates and invalid UTF-8 ⇒ 400 before the engine; a surrogate pair reaches the policy intact', async () => {
      const lone = await refused('{"s":"\\ud800"}');
      expect(lone.status).toBe(400);
      expect(lone.message).toMatch(/lone UTF-16 surrogate/);
      expect((await refused('{"\\udfff":1}')).status).toBe(400);
      expect(await refused(Buffer.from([0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]))).toEqual({
        status: 400,
        message: 'request body is not valid UTF-8',
      }); // a CESU-8 encoded surrogate
      expect((await refused(Buffer.from([0x22, 0xc3, 0x28, 0x22]))).status).toBe(400);
      const pair = await postJson(server.url, '/echo', '{"s":"\\ud83d\\ude00"}', BOB);
      expect(pair.status).toBe(200);
      expect((pair.json() as Echo).body).toEqual({ s: '😀' });
    });

    it('a body over the limit ⇒ 413, declared or streamed (chunked, no content-length)', async () => {
      expect((await refused(JSON.stringify({ pad: 'x'.repeat(1 << 20) }))).status).toBe(413);
      const before = engine.calls;
      const chunk = 'x'.repeat(64 * 1024);
      const chunks = Array.from({ length: 20 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
      const res = await rawHttp(
        server.url,
        `POST /echo HTTP/1.1\r\nauthorization: ${basic(BOB)}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked`,
        `${chunks}0\r\n\r\n`,
      );
      expect(res.status).toBe(413);
      expect(engine.calls).toBe(before);
    });

    it('__proto__ / constructor / prototype stay plain data keys: no prototype is touched, the policy and the handler see them', async () => {
      const body = '{"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}}}';
      const res = await postJson(server.url, '/echo', body, BOB);
      expect(res.status).toBe(200);
      const echoed = (res.json() as Echo).body as Record<string, unknown>;
      expect(Object.keys(echoed)).toEqual(['__proto__', 'constructor']);
      expect(res.text).toContain('"__proto__":{"polluted":true,"isAdmin":true}');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      // The policy reads `input.body.__proto__` as the key it is.
      const denied = await postJson(server.url, '/echo', '{"__proto__":{"deny":true}}', BOB);
      expect(denied.status).toBe(403);
      expect(denied.json()).toEqual({ error: 'Forbidden', message: "the body's __proto__ key asked to be denied" });
    });

    it('a repeated Authorization (or Content-Type) header ⇒ 400, on protected and exempt paths alike', async () => {
      const before = engine.calls;
      for (const [path, second] of [
        ['/applications', basic('carol:carol-pw')],
        ['/applications', basic(BOB)],
        ['/health', basic(BOB)],
      ] as const) {
        const res = await rawHttp(server.url, `GET ${path} HTTP/1.1\r\nauthorization: ${basic(BOB)}\r\nAuthorization: ${second}`);
        expect(res.status, path).toBe(400);
        expect(res.text, path).toContain('the authorization header is sent more than once');
      }
      const body = '{"x":1}';
      const twoTypes = await rawHttp(
        server.url,
        `POST /echo HTTP/1.1\r\nauthorization: ${basic(BOB)}\r\ncontent-type: application/json\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}`,
        body,
      );
      expect(twoTypes.status).toBe(400);
      expect(engine.calls).toBe(before);
      // One header is fine.
      const one = await rawHttp(server.url, `GET /applications HTTP/1.1\r\nauthorization: ${basic(BOB)}`);
      expect(one.status, one.text).toBe(200);
    });

    it("the evaluator's INVALID_INPUT is the client's fault: 400, never 503, even with failOpen", async () => {
      const res = await postJson(strictServer.url, '/echo', { a: [[[[[[[[[]]]]]]]]] }, BOB);
      expect(res.status).toBe(400);
      const refusal = res.json() as { error: string; message: string };
      expect(refusal.error).toBe('BadRequest');
      expect(refusal.message).toContain('nested deeper than 8 levels');
      const entitlement = await postJson(
        strictServer.url,
        '/policy-engine/isFeatureEnabled',
        { method: 'POST', path: '/tasks', body: [[[[[[[[[]]]]]]]]] },
        BOB,
      );
      expect(entitlement.status).toBe(400);
      expect((await postJson(strictServer.url, '/echo', { a: 1 }, BOB)).status).toBe(200);
    });
  });
});
