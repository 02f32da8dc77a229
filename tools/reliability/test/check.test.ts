import { describe, expect, it } from 'vitest';
import { checkReloadRecords, percentile, policyVersion, type LoadRecord } from '../src/index.js';

const rec = (kind: number, start: number, status: number, message?: string, connection = 0): LoadRecord => ({
  kind,
  connection,
  start,
  latencyMs: 1,
  status,
  ...(message !== undefined ? { message } : {}),
});

describe('checkReloadRecords: the checks of the hot reload run can fail', () => {
  it('accepts decisions that each come from one version', () => {
    const r = checkReloadRecords([
      rec(0, 0, 403, 'v1: dev denied (a=v1 c=v1)'),
      rec(1, 1, 200),
      rec(2, 2, 403, 'v1: editor denied (a=v1 c=v1)'),
      rec(2, 3, 200),
      rec(0, 4, 403, 'v2: dev denied (a=v2 c=v2)'),
    ]);
    expect(r).toMatchObject({
      deniedAllowed: 0,
      mixed: 0,
      unmarked: 0,
      wentBack: 0,
      allowedRefused: 0,
      noAnswer: 0,
      versionsSeen: 2,
      lastVersionSeen: 2,
    });
  });
  it('counts a denied request that was allowed (a no-policy allow)', () => {
    expect(checkReloadRecords([rec(0, 0, 200)]).deniedAllowed).toBe(1);
  });
  it('counts a decision mixing modules of two versions, and one that disagrees with its own version', () => {
    const r = checkReloadRecords([rec(0, 0, 403, 'v3: dev denied (a=v2 c=v3)'), rec(2, 1, 403, 'v4: editor denied (a=v4 c=v4)')]);
    expect(r.mixed).toBe(2);
    expect(r.examples).toHaveLength(2);
  });
  it('counts unmarked denials, refused allowed requests, requests without an answer', () => {
    const r = checkReloadRecords([
      rec(0, 0, 403, 'Forbidden'),
      rec(1, 1, 403, 'v1: deployer denied (a=v1 c=v1)'),
      { ...rec(1, 2, 0), error: 'ECONNRESET' },
    ]);
    expect(r).toMatchObject({ unmarked: 1, allowedRefused: 1, noAnswer: 1 });
  });
  it('counts a connection that sees an older set after a newer one, not overlapping requests of two connections', () => {
    expect(
      checkReloadRecords([rec(0, 0, 403, 'v5: dev denied (a=v5 c=v5)', 0), rec(0, 10, 403, 'v4: dev denied (a=v4 c=v4)', 0)]).wentBack,
    ).toBe(1);
    expect(
      checkReloadRecords([rec(0, 0, 403, 'v5: dev denied (a=v5 c=v5)', 0), rec(0, 10, 403, 'v4: dev denied (a=v4 c=v4)', 1)]).wentBack,
    ).toBe(0);
  });
  it('policyVersion marks every module with its version', () => {
    const files = policyVersion(17);
    expect(Object.keys(files).sort()).toEqual(['a.rego', 'b.rego', 'c.rego']);
    expect(files['a.rego']).toContain('version_a := 17');
    expect(files['c.rego']).toContain('version_c := 17');
    expect(files['b.rego']).toContain('version_b := 17');
  });
  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(percentile([], 99)).toBe(0);
  });
});
