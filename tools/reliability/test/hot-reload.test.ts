// Hot reload under load, short version (npm test): 10 swaps per engine; the full run
// (100 swaps at ~1k requests/s) is `npm run reliability`.
import { ENGINE_NAMES } from '@policy-engine/engines';
import { beforeAll, describe, expect, it } from 'vitest';
import { runHotReload, type HotReloadResult } from '../src/index.js';

const SWAPS = 10;

describe.each(ENGINE_NAMES)('hot reload under load on ENGINE=%s', (engine) => {
  let result: HotReloadResult;
  beforeAll(async () => {
    result = await runHotReload(engine, {
      swaps: SWAPS,
      swapIntervalMs: 300,
      ratePerSecond: 200,
      connections: 8,
      leadMs: 500,
      tailMs: 2500,
    });
  }, 90_000);

  it('never allows what every version denies (no no-policy allow), never refuses what every version allows', (ctx) => {
    if (result.skipped) ctx.skip(`engine not available: ${result.skipped}`);
    expect(result.requests).toBeGreaterThan(100); // low on a loaded machine; the checks below are what matters
    expect(result.deniedAllowed).toBe(0);
    expect(result.allowedRefused).toBe(0);
    expect(result.unmarked).toBe(0);
    expect(result.noAnswer).toBe(0);
  });
  it('never goes back to an older set on a connection', (ctx) => {
    if (result.skipped) ctx.skip(`engine not available: ${result.skipped}`);
    expect(result.wentBack).toBe(0);
  });
  // Main applied torn reads of the directory (a=v7 b=v8 c=v8 in one set) until the reload work
  // (issue 9 hole 3: builds overtaken by newer file events are discarded) was merged.
  it('decides every request with one whole version, never a mixture', (ctx) => {
    if (result.skipped) ctx.skip(`engine not available: ${result.skipped}`);
    expect(result.examples.filter((e) => e.startsWith('mixed'))).toEqual([]);
    expect(result.mixed).toBe(0);
  });
  it('ends on the last version: the last swap was picked up', (ctx) => {
    if (result.skipped) ctx.skip(`engine not available: ${result.skipped}`);
    expect(result.lastVersionAfterMs).toBeGreaterThanOrEqual(0);
  });
});
