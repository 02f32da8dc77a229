// `armory.policyEngine.opa.timeoutSeconds` bounds each decision: a policy slower than that
// is answered 503 (or served with failOpen) on time, on a real OPA and on the wasm engine.
import { createPolicyEngine, type Engine, type PolicyEngine } from '@policy-engine/evaluator';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeRequest, parseArmoryConfigYaml, toGateUser } from '../src/index.js';

const SLOW_AUTHZ = {
  id: 'slow-authz.rego',
  regoVersion: 'v1' as const,
  source: 'package spinnaker.http.authz\n\nallow if count([x | some x in numbers.range(1, 50000000)]) > 0\n',
};
const yaml = (failOpen: boolean) => `armory:\n  policyEngine:\n    opa:\n      timeoutSeconds: 0.3\n    failOpen: ${failOpen}\n`;
const bob = toGateUser({ username: 'bob', roles: ['dev'] });

let server: OpaServer | undefined;
const backends: { name: string; make: () => Engine }[] = [
  { name: 'opa', make: () => opaEngine({ baseUrl: `${server?.url ?? ''}/v1/data` }) },
  { name: 'wasm', make: () => wasmEngine({ opaPath: findOpa() }) },
];

beforeAll(async () => {
  server = await startOpaServer({ v0Compatible: true });
});
afterAll(async () => {
  await server?.stop();
});

describe.each(backends)('a policy slower than opa.timeoutSeconds on $name', (backend) => {
  let engine: PolicyEngine;
  beforeAll(async () => {
    // The policy engine's own timeout is far longer: only the adapter's timeout can stop it in time.
    engine = await createPolicyEngine({
      engine: backend.make(),
      policies: { kind: 'inline', modules: [SLOW_AUTHZ] },
      options: { timeoutMs: 30_000 },
    });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
  });

  it('is answered 503 fail-closed within the timeout, and allowed with failOpen', async () => {
    const request = { method: 'GET', url: '/applications' };
    const started = performance.now();
    const closed = await authorizeRequest(request, bob, { engine, config: parseArmoryConfigYaml(yaml(false)) });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(closed).toMatchObject({
      allowed: false,
      outcome: 'engine-unavailable',
      status: 503,
      body: { error: 'PolicyEngineUnavailable' },
    });
    expect(closed.decision?.error).toBeDefined();
    const open = await authorizeRequest(request, bob, { engine, config: parseArmoryConfigYaml(yaml(true)) });
    expect(open).toMatchObject({ allowed: true, outcome: 'fail-open', status: 200 });
  }, 30_000);
});
