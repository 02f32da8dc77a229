// WASM_WORKERS / WASM_MAX_QUEUE reach the wasm engine (issue 9, hole 5): slow requests do
// not hold up a plain one, and a full queue is a 503 ENGINE_OVERLOADED at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFromEnv, startGateServer, type RunningGate } from '../src/index.js';
import { rawRequest } from '@policy-engine/test-kit';

// `dev` requests spin far longer than the gate's 2 s timeout (gate-local.yml); others are quick.
const AUTHZ = `package spinnaker.http.authz

default allow := false

allow if input.user.username != "dev"

allow if {
  input.user.username == "dev"
  some a in numbers.range(1, 20000)
  some b in numbers.range(1, 20000)
  a + b < 0
}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gate-wasm-workers-'));
  writeFileSync(join(dir, 'authz.rego'), AUTHZ);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function start(extra: Record<string, string>): Promise<RunningGate> {
  const gateConfig = fileURLToPath(new URL('./fixtures/gate-local.yml', import.meta.url));
  return startGateServer(
    settingsFromEnv({ PORT: '0', WATCH_POLICIES: 'false', GATE_CONFIG: gateConfig, ENGINE: 'wasm', POLICY_DIR: dir, ...extra }),
  );
}

describe('gate-server with WASM_WORKERS and WASM_MAX_QUEUE', () => {
  it('two slow requests on WASM_WORKERS=2 do not hold up a plain one (answered within its 2 s timeout)', async () => {
    const gate = await start({ WASM_WORKERS: '2' });
    try {
      expect(gate.startupLine).toContain('wasm (2 workers)');
      const slow = [rawRequest(gate.url, '/applications', { auth: 'dev:dev' }), rawRequest(gate.url, '/applications', { auth: 'dev:dev' })];
      await new Promise((r) => setTimeout(r, 100));
      const started = performance.now();
      const plain = await rawRequest(gate.url, '/applications', { auth: 'admin:admin' });
      expect(plain.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(2000);
      for (const r of await Promise.all(slow)) expect(r.status).toBe(503);
    } finally {
      await gate.close();
    }
  });

  it('WASM_MAX_QUEUE=0 and WASM_WORKERS=1: a request finding the worker stuck is answered 503 ENGINE_OVERLOADED at once', async () => {
    const gate = await start({ WASM_WORKERS: '1', WASM_MAX_QUEUE: '0' });
    try {
      const slow = rawRequest(gate.url, '/applications', { auth: 'dev:dev' });
      await new Promise((r) => setTimeout(r, 300));
      // The worker and the standby spare are both stuck on slow requests now.
      const slow2 = rawRequest(gate.url, '/applications', { auth: 'dev:dev' });
      await new Promise((r) => setTimeout(r, 300));
      const refused = await rawRequest(gate.url, '/applications', { auth: 'admin:admin' });
      expect(refused.status).toBe(503);
      expect(refused.text).toContain('ENGINE_OVERLOADED');
      expect((await slow).status).toBe(503);
      expect((await slow2).status).toBe(503);
    } finally {
      await gate.close();
    }
  });
});
