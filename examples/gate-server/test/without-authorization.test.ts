// The benchmark baseline (tools/bench): the same gate without its authorization middleware.
// It must really leave authorization out (else the benchmark compares nothing), and the
// default must stay guarded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFromEnv, startGateServer, type RunningGate } from '../src/index.js';
import { rawRequest } from '@policy-engine/test-kit';

const env = { PORT: '0', WATCH_POLICIES: 'false', ENGINE: 'native' };

describe('startGateServer withoutAuthorization (benchmark baseline)', () => {
  let guarded: RunningGate;
  let open: RunningGate;
  beforeAll(async () => {
    guarded = await startGateServer(settingsFromEnv(env));
    open = await startGateServer(settingsFromEnv(env), { withoutAuthorization: true });
  });
  afterAll(async () => {
    await guarded?.close();
    await open?.close();
  });

  it('guards by default: no credentials is 401, dev may read', async () => {
    expect((await rawRequest(guarded.url, '/applications')).status).toBe(401);
    expect((await rawRequest(guarded.url, '/applications', { auth: 'dev:dev' })).status).toBe(200);
  });

  it('without authorization the same route answers anyone, with the same body', async () => {
    const anonymous = await rawRequest(open.url, '/applications');
    expect(anonymous.status).toBe(200);
    expect(anonymous.json()).toEqual((await rawRequest(guarded.url, '/applications', { auth: 'dev:dev' })).json());
  });
});
