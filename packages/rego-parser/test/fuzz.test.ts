/**
 * Fuzz smoke (fast-check): generated and mutated modules give only typed results —
 * never an exception — and no single parse takes over 100 ms. Accepted modules also
 * format and re-parse to the same AST. `FUZZ_RUNS` sets the number of runs per
 * property (2,000 by default; `npm run fuzz` uses 100,000 in total).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, parse } from '../src/index.js';
import { caseModules } from './support/corpus.js';
import { deepNesting, mutated, tokenSoup } from './support/fuzz-arbs.js';
import { stripLocations } from './support/strip.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? '2000');
const sources = caseModules().map((m) => m.source);
const slow: string[] = [];

function check(src: string, regoVersion: 'v0' | 'v1'): void {
  const t0 = performance.now();
  const r = parse(src, { regoVersion, file: 'f.rego' });
  let ms = performance.now() - t0;
  // A slow parse is re-timed (best of 3) so a GC pause or a busy machine is not mistaken
  // for a pathological input, which would be slow every time.
  for (let k = 0; k < 2 && ms > 100; k++) {
    const t1 = performance.now();
    parse(src, { regoVersion, file: 'f.rego' });
    ms = Math.min(ms, performance.now() - t1);
  }
  if (ms > 100) slow.push(`${ms.toFixed(0)}ms: ${JSON.stringify(src.slice(0, 200))}`);
  expect(Array.isArray(r.errors)).toBe(true);
  if (r.module) {
    expect(r.errors).toEqual([]);
    const again = parse(format(r.module), { regoVersion });
    expect(again.errors).toEqual([]);
    expect(stripLocations(again.module)).toEqual(stripLocations(r.module));
  } else {
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) {
      expect(e.code).toBe('rego_parse_error');
      expect(e.location.line).toBeGreaterThanOrEqual(1);
      expect(e.location.col).toBeGreaterThanOrEqual(1);
      expect(e.location.offset).toBeLessThanOrEqual(src.length);
      expect(e.excerpt).toContain('^');
    }
  }
}

const version = fc.constantFrom<'v0' | 'v1'>('v0', 'v1');
const timeout = Math.max(60_000, RUNS * 30);

describe('fuzz', () => {
  it(
    `token soups (${RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(tokenSoup, version, (s, v) => check(s, v)),
        { numRuns: RUNS, seed: 42 },
      );
    },
    timeout,
  );

  it(
    `mutated corpus modules (${RUNS * 3} runs)`,
    () => {
      fc.assert(
        fc.property(mutated(sources), version, (s, v) => check(s, v)),
        { numRuns: RUNS * 3, seed: 7 },
      );
    },
    timeout * 3,
  );

  it(
    `deep nesting (${Math.ceil(RUNS / 20)} runs)`,
    () => {
      fc.assert(
        fc.property(deepNesting, version, (s, v) => check(s, v)),
        { numRuns: Math.ceil(RUNS / 20), seed: 3 },
      );
    },
    timeout,
  );

  it('no parse took over 100 ms', () => {
    expect(slow).toEqual([]);
  });
});
