// OPA outage under load, short version (npm test): the full run is `npm run reliability`.
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTAGE_KINDS, runOpaOutage, type OpaOutageResult } from '../src/index.js';

describe('OPA outage under load (ENGINE=opa, managed OPA killed, restarted, wiped)', () => {
  let result: OpaOutageResult;
  beforeAll(async () => {
    result = await runOpaOutage({
      durationMs: 9000,
      ratePerSecond: 150,
      connections: 8,
      killAtMs: 2000,
      wipeAfterMs: 2500,
      timeoutSeconds: 2,
    });
  }, 90_000);

  it('allows no request the policy denies', () => {
    expect(result.requests).toBeGreaterThan(100); // low on a loaded machine; the checks below are what matters
    expect(result.deniedAllowed).toBe(0);
    for (const kind of OUTAGE_KINDS.filter((k) => k.denied)) {
      expect(Object.keys(result.statuses[kind.name] ?? {}).filter((s) => s !== '403' && s !== '503')).toEqual([]);
    }
  });
  it('answers every request within its timeout', () => {
    expect(result.noAnswer).toBe(0);
    expect(result.maxLatencyMs).toBeLessThanOrEqual(result.timeoutMs + 1000);
  });
  it('kill and wipe happened under load, and the service was back within 2 s of OPA answering', () => {
    expect(result.opaPids).toHaveLength(2);
    expect(result.opaPids[1]).not.toBe(result.opaPids[0]);
    expect(result.events.map((e) => e.fault)).toEqual(['kill', 'wipe']);
    // Requests were in flight while OPA was down (how many were refused depends on the machine's speed).
    for (const e of result.events) expect(e.requestsDuringFault).toBeGreaterThan(0);
    for (const e of result.events) {
      expect(e.recoveryMs).toBeGreaterThanOrEqual(0);
      expect(e.recoveryMs).toBeLessThanOrEqual(2000);
    }
  });
});
