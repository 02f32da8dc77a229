// Issue: "queries POST /v1/data/<package path> with keep-alive". A counting TCP relay in
// front of a real OPA shows how many connections the engine opens for many decisions.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpaServer, type OpaServer } from '@policy-engine/opa';
import { opaEngine } from '../src/index.js';
import { mod, policySet } from '@policy-engine/engine-contract';

let opa: OpaServer;
let relay: Server;
let relayUrl: string;
let connections = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  opa = await startOpaServer();
  const target = new URL(opa.url);
  relay = createServer((client) => {
    connections++;
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => relay?.close(() => resolve()));
  await opa?.stop();
});

describe('opaEngine connections', () => {
  it('50 sequential decisions reuse kept-alive connections instead of one connection each', async () => {
    const engine = opaEngine({ baseUrl: relayUrl });
    try {
      await engine.load(policySet([mod('k.rego', 'v1', 'package k\n\ndeny contains "big" if input.n > 10\n')]));
      const afterLoad = connections;
      const answers: unknown[] = [];
      for (let n = 0; n < 50; n++) {
        const r = await engine.evaluate('k', { n });
        answers.push(r.defined ? r.value : undefined);
      }
      expect(answers[0]).toEqual({ deny: [] });
      expect(answers[49]).toEqual({ deny: ['big'] });
      expect(afterLoad).toBeGreaterThan(0); // the relay does see the engine's connections
      expect(connections - afterLoad).toBeLessThanOrEqual(2);
    } finally {
      await engine.close();
    }
  });
});
