import type { IncomingMessage, ServerResponse } from 'node:http';
import { decide, decideNow, type AuthzDecision, type AuthzErrorBody } from './authorize.js';
import { readJsonBody } from './body.js';
import { createRequestClassifier, type RequestClass } from './classify.js';
import { resolveGateConfig, type GateAuthzConfig, type GateAuthzConfigInput } from './config.js';
import type { DecisionSource } from './engine.js';
import { evaluateEntitlement, type EntitlementResponse } from './entitlements.js';
import { GateRequestError } from './errors.js';
import { checkRequestHeaders } from './headers.js';
import type { IdentityRequest, IdentityResolver } from './identity.js';
import { BODY_METHODS, buildGateInput } from './input.js';
import type { GateUser } from './user.js';

/** One line per authorization, for logs and tests. */
export interface AuthzEvent {
  readonly method: string;
  readonly url: string;
  readonly path: readonly string[];
  readonly outcome: AuthzDecision['outcome'] | 'entitlements';
  readonly status: number;
  readonly username?: string;
}

/** Options of {@link createGateAuthorizer}. */
export interface GateAuthorizerOptions {
  /** The policy engine (the evaluator's PolicyEngine fits). */
  readonly engine: DecisionSource;
  /** Who is calling. */
  readonly identity: IdentityResolver;
  /** Configuration; see `readArmoryConfig` for Armory's keys. */
  readonly config?: GateAuthzConfig | GateAuthzConfigInput;
  /** Used when the resolver finds nobody; without it such requests get 401. */
  readonly anonymousUser?: GateUser;
  /** Called once per request that reached the authorizer. */
  readonly onAuthz?: (event: AuthzEvent) => void;
}

/** What a handler learns about an authorized request. */
export interface GateRequestContext {
  /** The caller, absent on exempt paths. */
  readonly user?: GateUser;
  /** Normalised path segments. */
  readonly path: readonly string[];
  /** Whether the request body was read (then `body` is what the policy saw). */
  readonly bodyRead: boolean;
  readonly body?: unknown;
  readonly authz: AuthzDecision;
}

/** The object every middleware flavour is built from. */
export interface GateAuthorizer {
  readonly config: GateAuthzConfig;
  /** Pure classification: invalid, exempt, entitlements route, or protected. */
  classify(method: string, url: string): RequestClass;
  /** Identity of a request (resolver, then `anonymousUser`). */
  identify(request: IdentityRequest): Promise<GateUser | null>;
  /** Policy decision for a protected request whose identity and body are known. */
  authorize(method: string, path: readonly string[], user: GateUser, body: unknown, signal?: AbortSignal): Promise<AuthzDecision>;
  /** Answers the UI entitlements route for `user`. */
  entitlement(user: GateUser, payload: unknown, signal?: AbortSignal): Promise<EntitlementResponse>;
  /**
   * Runs the whole flow on a node:http request: answers refusals and the entitlements
   * route itself (returns null), or returns the context of a request to pass on.
   * Reads the body of POST/PUT/PATCH requests (consuming the stream).
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<GateRequestContext | null>;
  /**
   * {@link GateAuthorizer.handle}, answered at once when it can be: a request without a body
   * whose identity resolver and engine answer on this thread (the native engine) is authorized
   * synchronously; otherwise a promise. May throw what `handle` would reject with.
   */
  handleNow(req: IncomingMessage, res: ServerResponse): GateRequestContext | null | Promise<GateRequestContext | null>;
  /** Reports an event to `onAuthz`. */
  report(event: AuthzEvent): void;
}

/** A request past classification and header checks, for the protected flow. */
interface ProtectedRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly url: string;
  readonly path: readonly string[];
  /** The UI entitlements route (answered here, its body read). */
  readonly entitlements: boolean;
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function errorBody(e: GateRequestError): AuthzErrorBody {
  return { error: e.errorName, message: e.message };
}

/** Creates the authorizer all middleware flavours share. */
export function createGateAuthorizer(options: GateAuthorizerOptions): GateAuthorizer {
  const config = resolveGateConfig(options.config);
  const classifier = createRequestClassifier(config);
  const report = (event: AuthzEvent) => options.onAuthz?.(event);
  const event = (r: ProtectedRequest, outcome: AuthzEvent['outcome'], status: number, user: GateUser): void =>
    report({ method: r.method, url: r.url, path: r.path, outcome, status, username: user.username });

  /** The answer for an authorized (or refused) request without a body: sent when refused. */
  const settled = (r: ProtectedRequest, user: GateUser, authz: AuthzDecision): GateRequestContext | null => {
    event(r, authz.outcome, authz.status, user);
    if (!authz.allowed) {
      sendJson(r.res, authz.status, authz.body);
      return null;
    }
    return { user, path: r.path, bodyRead: false, authz };
  };

  /**
   * A protected request whose caller is known: at once when no body is read and the engine
   * decides on this thread (no promise, timer, abort controller or listener per request), else
   * the asynchronous flow that reads the body and cancels the evaluation when the client goes away.
   */
  const authorizeProtected = (
    r: ProtectedRequest,
    user: GateUser | null,
  ): GateRequestContext | null | Promise<GateRequestContext | null> => {
    if (!user) {
      report({ method: r.method, url: r.url, path: r.path, outcome: 'unauthenticated', status: 401 });
      sendJson(r.res, 401, { error: 'Unauthorized', message: 'authentication required' }, { 'www-authenticate': 'Basic realm="gate"' });
      return null;
    }
    if (!r.entitlements && !BODY_METHODS.has(r.method)) {
      const now = decideNow(options.engine, buildGateInput(user, r.method, r.path, undefined), config);
      if (now !== undefined) return settled(r, user, now);
    }
    return authorizeAsync(r, user);
  };

  const authorizeAsync = async (r: ProtectedRequest, user: GateUser): Promise<GateRequestContext | null> => {
    const { req, res, method } = r;
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) abort.abort();
    };
    res.once('close', onClose);
    try {
      const readBody = r.entitlements || BODY_METHODS.has(method);
      let body: unknown;
      if (readBody) {
        try {
          body = await readJsonBody(req, {
            limit: config.bodyLimitBytes,
            maxDepth: config.maxBodyDepth,
            contentType: req.headers['content-type'],
            contentEncoding: req.headers['content-encoding'],
            contentLength: req.headers['content-length'],
          });
        } catch (e) {
          if (!(e instanceof GateRequestError)) throw e;
          event(r, 'bad-request', e.status, user);
          sendJson(res, e.status, errorBody(e), e.status === 413 ? { connection: 'close' } : {});
          return null;
        }
      }
      if (r.entitlements) {
        const answer = await authorizer.entitlement(user, body, abort.signal);
        event(r, 'entitlements', answer.status, user);
        sendJson(res, answer.status, answer.body);
        return null;
      }
      const authz = await authorizer.authorize(method, r.path, user, body, abort.signal);
      if (!readBody) return settled(r, user, authz);
      event(r, authz.outcome, authz.status, user);
      if (!authz.allowed) {
        sendJson(res, authz.status, authz.body);
        return null;
      }
      return { user, path: r.path, bodyRead: true, body, authz };
    } finally {
      res.off('close', onClose);
    }
  };

  const authorizer: GateAuthorizer = {
    config,
    classify: (method, url) => classifier.classify(method, url),
    async identify(request) {
      return (await options.identity(request)) ?? options.anonymousUser ?? null;
    },
    authorize(method, path, user, body, signal) {
      return decide(options.engine, buildGateInput(user, method, path, body), config, signal);
    },
    entitlement(user, payload, signal) {
      return evaluateEntitlement(options.engine, user, payload, config, signal);
    },
    report,
    handle: async (req, res) => authorizer.handleNow(req, res),
    handleNow(req, res) {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = req.url ?? '/';
      const cls = classifier.classify(method, url);
      if (cls.kind === 'invalid') {
        report({ method, url, path: [], outcome: 'bad-request', status: cls.error.status });
        sendJson(res, cls.error.status, errorBody(cls.error));
        return null;
      }
      const headerError = checkRequestHeaders(req.rawHeaders);
      if (headerError) {
        report({ method, url, path: cls.path, outcome: 'bad-request', status: headerError.status });
        sendJson(res, headerError.status, errorBody(headerError));
        return null;
      }
      if (cls.kind === 'exempt') {
        report({ method, url, path: cls.path, outcome: 'exempt', status: 200 });
        return { path: cls.path, bodyRead: false, authz: { allowed: true, outcome: 'exempt', status: 200, path: cls.path } };
      }
      const request: ProtectedRequest = { req, res, method, url, path: cls.path, entitlements: cls.kind === 'entitlements' };
      const found = options.identity(req);
      return found instanceof Promise
        ? found.then((user) => authorizeProtected(request, user ?? options.anonymousUser ?? null))
        : authorizeProtected(request, found ?? options.anonymousUser ?? null);
    },
  };
  return authorizer;
}
