/**
 * Accept/reject and rule agreement with the real `opa parse` on grammar-generated modules
 * (a fixed, seeded sample, each in v0 and v1 mode): these exercise the accept paths that
 * mutants rarely reach. Accepted modules also round-trip through the formatter.
 */
import { describe, expect, it } from 'vitest';
import { format, parse } from '../src/index.js';
import { generatedCorpusModules } from './support/gen-arbs.js';
import { opaVerdicts } from './support/opa-oracle.js';
import { stripLocations } from './support/strip.js';

describe('differential vs opa parse on generated modules', () => {
  it('agrees on verdicts and rules; accepted modules round-trip', async () => {
    const mods = generatedCorpusModules(600, 5);
    const verdicts = await opaVerdicts(mods);
    const wrong: string[] = [];
    let accepted = 0;
    for (const m of mods) {
      const o = verdicts.get(m.hash);
      if (!o) continue;
      const r = parse(m.source, { regoVersion: m.regoVersion });
      if ((r.errors.length === 0) !== o.ok) {
        wrong.push(
          `${m.id}: ours=${r.errors[0]?.message ?? 'accept'} opa=${o.ok ? 'accept' : o.error?.replace(/\s+/g, ' ').slice(0, 160)}\n${m.source}`,
        );
        continue;
      }
      if (!r.module) continue;
      accepted++;
      if (o.rules) {
        const a = r.module.rules.map((x) => `${x.name}/${x.kind}/${x.default}`).join(',');
        const b = o.rules.map((x) => `${x.name}/${x.kind}/${x.default}`).join(',');
        if (a !== b) wrong.push(`${m.id}: rules ours=${a} opa=${b}`);
      }
      const again = parse(format(r.module), { regoVersion: m.regoVersion }).module;
      if (JSON.stringify(stripLocations(again)) !== JSON.stringify(stripLocations(r.module))) wrong.push(`${m.id}: format round trip`);
    }
    console.log(`generated: ${mods.length} modules, ${accepted} accepted`);
    expect(accepted).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  }, 900_000);
});
