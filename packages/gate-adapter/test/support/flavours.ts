import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import {
  expressGateMiddleware,
  gateRequestListener,
  getGateContext,
  registerGateAuthz,
  sendJson,
  type GateAuthorizer,
} from '../../src/index.js';

/** A running test server guarded by one middleware flavour. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** One middleware flavour: starts a server whose only handler echoes what it was given. */
export interface Flavour {
  readonly name: string;
  start(authorizer: GateAuthorizer): Promise<RunningServer>;
}

/** What every echo handler answers: proves the request reached the application. */
export interface Echo {
  readonly reached: true;
  readonly method: string;
  readonly url: string;
  readonly user: string | null;
  readonly path: readonly string[] | null;
  readonly body: unknown;
}

function listen(server: Server): Promise<RunningServer> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

export const flavours: readonly Flavour[] = [
  {
    name: 'express',
    async start(authorizer) {
      const app = express();
      app.use(expressGateMiddleware(authorizer));
      app.use(express.json());
      app.use((req, res) => {
        const ctx = getGateContext(req);
        const echo: Echo = {
          reached: true,
          method: req.method,
          url: req.originalUrl,
          user: ctx?.user?.username ?? null,
          path: ctx?.path ?? null,
          body: (req as { body?: unknown }).body ?? null,
        };
        res.status(200).json(echo);
      });
      return listen(createServer(app));
    },
  },
  {
    name: 'fastify',
    async start(authorizer) {
      const app = Fastify({ logger: false });
      registerGateAuthz(app, authorizer);
      const handler = (request: { method: string; raw: IncomingMessage; body: unknown }): Promise<Echo> => {
        const ctx = getGateContext(request.raw);
        const echo: Echo = {
          reached: true,
          method: request.method,
          url: request.raw.url ?? '',
          user: ctx?.user?.username ?? null,
          path: ctx?.path ?? null,
          body: request.body ?? null,
        };
        return Promise.resolve(echo);
      };
      app.all('/', handler);
      app.all('/*', handler);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  },
  {
    name: 'node:http',
    async start(authorizer) {
      const server = createServer(
        gateRequestListener(authorizer, (req, res, ctx) => {
          const echo: Echo = {
            reached: true,
            method: req.method ?? '',
            url: req.url ?? '',
            user: ctx.user?.username ?? null,
            path: ctx.path,
            body: ctx.body ?? null,
          };
          sendJson(res, 200, echo);
        }),
      );
      return listen(server);
    },
  },
];
