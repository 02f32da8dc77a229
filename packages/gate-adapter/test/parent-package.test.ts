// The gate asks the evaluator's one rule for "may the loaded set decide this package": a module
// of the parent package `spinnaker.http` whose ref-head rules define `authz.allow` decides every
// request, on a real OPA and on the wasm engine (an absent `allow` is a denial, not "no policy").
import { createPolicyEngine, type Engine } from '@policy-engine/evaluator';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeRequest, readArmoryConfig, toGateUser } from '../src/index.js';

const PARENT = {
  id: 'http.rego',
  regoVersion: 'v1' as const,
  source:
    'package spinnaker.http\n\nauthz.allow if input.user.username == "ann"\n\nauthz.message := "only ann" if input.user.username != "ann"\n',
};

let server: OpaServer | undefined;
const backends: { name: string; make: () => Engine }[] = [
  { name: 'opa', make: () => opaEngine({ baseUrl: server?.url ?? '' }) },
  { name: 'wasm', make: () => wasmEngine({ opaPath: findOpa() }) },
];

beforeAll(async () => {
  server = await startOpaServer({ v0Compatible: true });
});
afterAll(async () => {
  await server?.stop();
});

describe.each(backends)('spinnaker.http.authz defined by its parent package on $name', (backend) => {
  it('allows ann and denies bob with the policy message', async () => {
    const engine = await createPolicyEngine({ engine: backend.make(), policies: { kind: 'inline', modules: [PARENT] } });
    try {
      expect(engine.hasPolicy('spinnaker.http.authz')).toBe(true);
      const request = { method: 'GET', url: '/applications' };
      const config = readArmoryConfig({});
      const ann = await authorizeRequest(request, toGateUser({ username: 'ann', roles: [] }), { engine, config });
      expect(ann).toMatchObject({ allowed: true, status: 200 });
      const bob = await authorizeRequest(request, toGateUser({ username: 'bob', roles: [] }), { engine, config });
      expect(bob).toMatchObject({ allowed: false, status: 403 });
      expect(bob.decision).toMatchObject({ policyFound: true, message: 'only ann' });
    } finally {
      await engine.close();
    }
  }, 60_000);
});
