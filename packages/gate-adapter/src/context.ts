import type { IncomingMessage } from 'node:http';
import type { GateRequestContext } from './authorizer.js';

const contexts = new WeakMap<IncomingMessage, GateRequestContext>();

/** Remembers the context of an authorized request (used by the middleware flavours). */
export function setGateContext(req: IncomingMessage, ctx: GateRequestContext): void {
  contexts.set(req, ctx);
}

/**
 * The authorization context of a request that passed the middleware: user, normalised
 * path, body. Works for Express and node:http requests, and Fastify's `request.raw`.
 */
export function getGateContext(req: IncomingMessage): GateRequestContext | undefined {
  return contexts.get(req);
}
