/**
 * Accept/reject agreement with the real `opa parse` on broken input: a fixed, seeded
 * sample of mutated corpus modules and token soups, each in v0 and v1 mode.
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../src/index.js';
import { caseModules } from './support/corpus.js';
import { mutants } from './support/mutants.js';
import { opaVerdicts } from './support/opa-oracle.js';

describe('differential vs opa parse on mutated modules', () => {
  it('agrees on accept/reject for every mutant', async () => {
    const mods = mutants(
      caseModules().map((m) => m.source),
      800,
    );
    const verdicts = await opaVerdicts(mods);
    const wrong: string[] = [];
    let rejected = 0;
    for (const m of mods) {
      const o = verdicts.get(m.hash);
      if (!o) continue;
      if (!o.ok) rejected++;
      const ok = parse(m.source, { regoVersion: m.regoVersion }).errors.length === 0;
      if (ok !== o.ok) wrong.push(`${m.id}: ours=${ok} opa=${o.ok}: ${JSON.stringify(m.source.slice(0, 300))}`);
    }
    console.log(`mutants: ${mods.length}, rejected by opa: ${rejected}`);
    expect(mods.length).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(100);
    expect(rejected).toBeLessThan(mods.length);
    expect(wrong).toEqual([]);
  }, 900_000);
});
