import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GateAuthorizer, GateRequestContext } from './authorizer.js';
import { setGateContext } from './context.js';

/** The request properties the Express middleware sets. */
export interface GateExpressRequest extends IncomingMessage {
  body?: unknown;
}

/** Express-compatible middleware signature (no runtime dependency on Express). */
export type GateExpressMiddleware = (req: GateExpressRequest, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Express middleware: mount it before the routes (and before `express.json()`). It
 * answers refusals and the UI entitlements route; for allowed POST/PUT/PATCH requests
 * it has read the body and sets `req.body` to the parsed JSON (body parsers mounted
 * later see a finished stream and skip). `getGateContext(req)` gives user and path.
 */
export function expressGateMiddleware(authorizer: GateAuthorizer): GateExpressMiddleware {
  const pass = (req: GateExpressRequest, ctx: GateRequestContext | null, next: (err?: unknown) => void): void => {
    if (!ctx) return;
    setGateContext(req, ctx);
    if (ctx.bodyRead) req.body = ctx.body;
    next();
  };
  // Synchronous when the authorizer answers at once (the native engine, no body): no promise per request.
  return (req, res, next) => {
    let ctx: GateRequestContext | null | Promise<GateRequestContext | null>;
    try {
      ctx = authorizer.handleNow(req, res);
    } catch (err) {
      next(err);
      return;
    }
    if (ctx instanceof Promise) {
      ctx.then(
        (c) => pass(req, c, next),
        (err: unknown) => next(err),
      );
    } else pass(req, ctx, next);
  };
}
