import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { sendJson, type GateAuthorizer, type GateRequestContext } from './authorizer.js';
import { setGateContext } from './context.js';

/** A node:http handler that runs after authorization, with its context. */
export type AuthorizedHandler = (req: IncomingMessage, res: ServerResponse, ctx: GateRequestContext) => void | Promise<void>;

/**
 * Wraps a plain node:http handler: refusals, 401s and the UI entitlements route are
 * answered here; everything else reaches `handler` with the authorization context
 * (the body of POST/PUT/PATCH requests has been read: use `ctx.body`).
 */
export function gateRequestListener(authorizer: GateAuthorizer, handler: AuthorizedHandler): RequestListener {
  return (req, res) => {
    void (async () => {
      try {
        const ctx = await authorizer.handle(req, res);
        if (!ctx) return;
        setGateContext(req, ctx);
        await handler(req, res, ctx);
      } catch (e) {
        if (!res.headersSent) sendJson(res, 500, { error: 'InternalServerError', message: e instanceof Error ? e.message : String(e) });
        else res.destroy();
      }
    })();
  };
}
