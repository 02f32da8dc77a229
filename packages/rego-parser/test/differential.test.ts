/**
 * Differential test against the real `opa parse` (v1.22.3) over the whole corpus: every
 * module of the shared conformance copy and of OPA's own case trees, each in its own
 * Rego version AND in the other one (which exercises v0/v1 detection). Accept/reject
 * verdicts must agree on every module, and rule names/kinds on every accepted one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../src/index.js';
import { type CorpusModule, uniqueCorpusModules } from './support/corpus.js';
import { crossVersion } from './support/corpus-cross.js';
import { type OpaVerdict, opaVerdicts } from './support/opa-oracle.js';
import { skipList } from './support/skips.js';

let modules: CorpusModule[] = [];
let verdicts = new Map<string, OpaVerdict>();
const skips = skipList();

beforeAll(async () => {
  const base = uniqueCorpusModules();
  const seen = new Set<string>();
  modules = [...base, ...crossVersion(base)].filter((m) => (seen.has(m.hash) ? false : (seen.add(m.hash), true)));
  verdicts = await opaVerdicts(modules);
  console.log(
    `differential: ${modules.length} modules, ${[...verdicts.values()].filter((v) => !v.ok).length} rejected by opa; skip list: ${skips.size} entr${skips.size === 1 ? 'y' : 'ies'}`,
  );
  for (const [id, reason] of skips) console.log(`  skipped ${id}: ${reason}`);
}, 900_000);

describe('differential vs opa parse', () => {
  it('covers OPA case trees (v0 and v1) and the shared copy', () => {
    const trees = new Set(modules.map((m) => m.id.split('/').slice(0, 2).join('/')));
    expect(trees).toContain('shared/v1');
    expect(trees).toContain('opa/v1');
    expect(trees).toContain('opa/v0');
    expect(modules.length).toBeGreaterThan(5000);
    expect(verdicts.size).toBe(modules.length);
  });

  it('agrees with opa on accept/reject for every module', () => {
    const wrong: string[] = [];
    for (const m of modules) {
      if (skips.has(m.id)) continue;
      const o = verdicts.get(m.hash);
      if (!o) continue;
      const r = parse(m.source, { regoVersion: m.regoVersion, file: 'test.rego' });
      const ok = r.errors.length === 0;
      if (ok !== o.ok) wrong.push(`${m.id}: ours=${ok ? 'accept' : r.errors[0]?.message} opa=${o.ok ? 'accept' : o.error?.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with opa on rule names, kinds and default flags', () => {
    const wrong: string[] = [];
    let compared = 0;
    for (const m of modules) {
      if (skips.has(m.id)) continue;
      const o = verdicts.get(m.hash);
      if (!o?.ok || !o.rules) continue;
      const r = parse(m.source, { regoVersion: m.regoVersion });
      if (!r.module) continue;
      compared++;
      const ours = r.module.rules.map((x) => `${x.name}/${x.kind}/${x.default}`);
      const theirs = o.rules.map((x) => `${x.name}/${x.kind}/${x.default}`);
      if (ours.join(',') !== theirs.join(',')) wrong.push(`${m.id}: ours=${ours.join(',')} opa=${theirs.join(',')}`);
      if (o.pkg && r.module.package.path.join('.') !== o.pkg.join('.'))
        wrong.push(`${m.id}: package ${r.module.package.path.join('.')} vs ${o.pkg.join('.')}`);
    }
    expect(compared).toBeGreaterThan(4000);
    expect(wrong).toEqual([]);
  });

  it('reports the same first error (message and line) as opa on rejected modules', () => {
    let n = 0;
    let sameLine = 0;
    let sameMessage = 0;
    for (const m of modules) {
      const o = verdicts.get(m.hash);
      if (!o || o.ok || !o.error?.startsWith('{')) continue;
      const first = (JSON.parse(o.error) as { errors?: { message: string; location?: { row: number } }[] }).errors?.[0];
      if (!first) continue;
      const e = parse(m.source, { regoVersion: m.regoVersion }).errors[0];
      n++;
      if (e?.location.line === first.location?.row) sameLine++;
      if (e?.message === first.message) sameMessage++;
    }
    console.log(`first error: ${n} rejected modules, same line ${sameLine}, same message ${sameMessage}`);
    expect(n).toBeGreaterThan(1000);
    expect(sameLine / n).toBeGreaterThan(0.99);
    expect(sameMessage / n).toBeGreaterThan(0.98);
  });
});
