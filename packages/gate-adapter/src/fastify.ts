import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GateAuthorizer, GateRequestContext } from './authorizer.js';
import { readJsonBody } from './body.js';
import type { RequestClass } from './classify.js';
import { setGateContext } from './context.js';
import { GateRequestError } from './errors.js';
import { checkRequestHeaders } from './headers.js';
import type { GateUser } from './user.js';

interface PendingState {
  readonly cls: Exclude<RequestClass, { kind: 'invalid' }>;
  readonly user?: GateUser;
  bodyError?: GateRequestError;
}

/**
 * Registers Gate authorization on a Fastify instance (call on the root instance before
 * `listen`/`ready`):
 * - an `onRequest` hook answers malformed paths (400) and missing identities (401)
 *   before any body is read;
 * - body parsing is taken over: every content type is read with the adapter's limit and
 *   parsed as JSON (malformed JSON 400, over the limit 413, same bodies as the other flavours);
 * - a `preValidation` hook asks `spinnaker.http.authz` and answers 403/503;
 * - UI entitlement checks (`POST <entitlementsPath>`, in any spelling that normalises to it)
 *   are answered in that hook too, so no other route (a wildcard) ever sees them.
 * `getGateContext(request.raw)` gives the user and path in handlers.
 */
export function registerGateAuthz(app: FastifyInstance, authorizer: GateAuthorizer): void {
  const states = new WeakMap<IncomingMessage, PendingState>();
  const config = authorizer.config;
  const refuse = (reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}) =>
    reply.code(status).headers(headers).type('application/json; charset=utf-8').send(JSON.stringify(body));

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { bodyLimit: Number.MAX_SAFE_INTEGER }, (request: FastifyRequest, payload, done) => {
    readJsonBody(payload, {
      limit: config.bodyLimitBytes,
      maxDepth: config.maxBodyDepth,
      contentType: request.headers['content-type'],
      contentEncoding: request.headers['content-encoding'],
      contentLength: request.headers['content-length'],
    }).then(
      (body) => done(null, body),
      (e: unknown) => {
        const state = states.get(request.raw);
        if (e instanceof GateRequestError && state) {
          state.bodyError = e;
          done(null, undefined);
        } else {
          done(e instanceof Error ? e : new Error(String(e)), undefined);
        }
      },
    );
  });

  app.addHook('onRequest', async (request, reply) => {
    const method = request.method.toUpperCase();
    const url = request.raw.url ?? '/';
    const cls = authorizer.classify(method, url);
    if (cls.kind === 'invalid') {
      authorizer.report({ method, url, path: [], outcome: 'bad-request', status: cls.error.status });
      return refuse(reply, cls.error.status, { error: cls.error.errorName, message: cls.error.message });
    }
    const headerError = checkRequestHeaders(request.raw.rawHeaders);
    if (headerError) {
      authorizer.report({ method, url, path: cls.path, outcome: 'bad-request', status: headerError.status });
      return refuse(reply, headerError.status, { error: headerError.errorName, message: headerError.message });
    }
    if (cls.kind === 'exempt') {
      states.set(request.raw, { cls });
      authorizer.report({ method, url, path: cls.path, outcome: 'exempt', status: 200 });
      setGateContext(request.raw, {
        path: cls.path,
        bodyRead: false,
        authz: { allowed: true, outcome: 'exempt', status: 200, path: cls.path },
      });
      return;
    }
    const user = await authorizer.identify(request.raw);
    if (!user) {
      authorizer.report({ method, url, path: cls.path, outcome: 'unauthenticated', status: 401 });
      return refuse(
        reply,
        401,
        { error: 'Unauthorized', message: 'authentication required' },
        { 'www-authenticate': 'Basic realm="gate"' },
      );
    }
    states.set(request.raw, { cls, user });
  });

  app.addHook('preValidation', async (request, reply) => {
    const method = request.method.toUpperCase();
    const url = request.raw.url ?? '/';
    const state = states.get(request.raw);
    if (!state) return refuse(reply, 500, { error: 'InternalServerError', message: 'gate authorization did not run for this request' });
    if (state.bodyError) {
      const e = state.bodyError;
      authorizer.report({
        method,
        url,
        path: state.cls.path,
        outcome: 'bad-request',
        status: e.status,
        ...(state.user ? { username: state.user.username } : {}),
      });
      return refuse(reply, e.status, { error: e.errorName, message: e.message });
    }
    if (state.cls.kind === 'entitlements' && state.user) {
      // Answered here, whatever route Fastify matched: a variant of the path (`…/isFeatureEnabled/`,
      // `//policy-engine/…`) may match another route (a wildcard), which must not run unauthorized.
      const answer = await authorizer.entitlement(state.user, request.body);
      authorizer.report({
        method,
        url,
        path: state.cls.path,
        outcome: 'entitlements',
        status: answer.status,
        username: state.user.username,
      });
      return refuse(reply, answer.status, answer.body);
    }
    if (state.cls.kind !== 'protected' || !state.user) return;
    const user = state.user;
    const authz = await authorizer.authorize(method, state.cls.path, user, request.body);
    authorizer.report({ method, url, path: state.cls.path, outcome: authz.outcome, status: authz.status, username: user.username });
    if (!authz.allowed) return refuse(reply, authz.status, authz.body);
    const ctx: GateRequestContext = { user, path: state.cls.path, bodyRead: request.body !== undefined, body: request.body, authz };
    setGateContext(request.raw, ctx);
  });

  // The route exists so that Fastify routes the exact path somewhere; the preValidation hook
  // answers every entitlements request before a handler runs. A request that reaches this
  // handler was not classified as one (e.g. an ambiguous spelling, authorized as a plain request).
  app.post(config.entitlementsPath, async (_request, reply) => refuse(reply, 404, { error: 'NotFound', message: 'not found' }));
}
