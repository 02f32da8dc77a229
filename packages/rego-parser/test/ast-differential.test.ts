/**
 * Structural differential against the real OPA v1.22.3: for every corpus module OPA and this
 * parser both accept, `toOpaAstJson` must equal OPA's AST JSON — package, imports, rule heads
 * and bodies, every term (precedence, `with` targets, `some … in` desugaring, wildcard
 * numbering, set/object order), comments.
 *
 * - v1 (every corpus module, in v1 mode): OPA's `rego.parse_module`, batched, compared as
 *   values (keys sorted, numbers as written).
 * - v0: `opa parse --v0-compatible` is one process per module, so a seeded sample of
 *   {@link V0_SAMPLE} modules is compared (set `AST_DIFFERENTIAL_FULL=1` for all ~4,700),
 *   as exact text: OPA's key order and Go's string escapes included.
 * - Grammar-generated modules (seeded), in both versions.
 *
 * Not compared: `annotations` (`# METADATA`; the AST does not carry them yet), locations (not
 * in OPA's default output).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, toOpaAstJson } from '../src/index.js';
import { type CorpusModule, uniqueCorpusModules } from './support/corpus.js';
import { crossVersion } from './support/corpus-cross.js';
import { generatedCorpusModules } from './support/gen-arbs.js';
import { AST_FILE, type OpaAst, canonicalJson, opaAsts } from './support/opa-ast-oracle.js';
import { skipList } from './support/skips.js';

const V0_SAMPLE = 1200;
const skips = skipList();

function seededSample<T>(xs: readonly T[], n: number, seed: number): T[] {
  if (n >= xs.length) return [...xs];
  let s = seed >>> 0;
  const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a.slice(0, n);
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 120);
  return `at ${i}\n    ours: …${a.slice(from, i + 120)}\n    opa:  …${b.slice(from, i + 120)}`;
}

interface Outcome {
  compared: number;
  wrong: string[];
}

function compare(mods: readonly CorpusModule[], asts: ReadonlyMap<string, OpaAst>): Outcome {
  const out: Outcome = { compared: 0, wrong: [] };
  for (const m of mods) {
    if (skips.has(m.id)) continue;
    const o = asts.get(m.hash);
    if (!o?.ok || o.json === undefined) continue;
    const r = parse(m.source, { regoVersion: m.regoVersion, file: AST_FILE });
    if (!r.module) continue; // accept/reject disagreements are differential.test.ts's
    let ours: string;
    try {
      ours = toOpaAstJson(r.module);
    } catch (e) {
      out.wrong.push(`${m.id}: toOpaAstJson threw ${(e as Error).message}`);
      continue;
    }
    out.compared++;
    // v0 answers are `opa parse` text: compared exactly, unless OPA wrote annotations (then
    // canonically, without them). v1 answers are already canonical.
    const exact = m.regoVersion === 'v0' && !o.json.includes('"annotations":');
    const a = exact ? ours : canonicalJson(ours);
    const theirs = exact || m.regoVersion === 'v1' ? o.json : canonicalJson(o.json);
    if (a !== theirs) out.wrong.push(`${m.id}: ${firstDifference(a, theirs)}`);
  }
  return out;
}

let v1: CorpusModule[] = [];
let v0: CorpusModule[] = [];
let asts = new Map<string, OpaAst>();

beforeAll(async () => {
  const base = uniqueCorpusModules();
  const seen = new Set<string>();
  const all = [...base, ...crossVersion(base)].filter((m) => (seen.has(m.hash) ? false : (seen.add(m.hash), true)));
  // Only modules we accept can be compared; sample among those.
  const ours = all.filter((m) => parse(m.source, { regoVersion: m.regoVersion }).module !== undefined);
  v1 = ours.filter((m) => m.regoVersion === 'v1');
  const v0All = ours.filter((m) => m.regoVersion === 'v0');
  v0 = process.env['AST_DIFFERENTIAL_FULL'] === '1' ? v0All : seededSample(v0All, V0_SAMPLE, 12);
  asts = await opaAsts([...v1, ...v0]);
  console.log(`ast differential: ${v1.length} v1 modules (all), ${v0.length} of ${v0All.length} v0 modules`);
}, 900_000);

describe('toOpaAstJson vs the real OPA', () => {
  it('equals rego.parse_module on every v1 corpus module', () => {
    const r = compare(v1, asts);
    console.log(`v1: ${r.compared} compared, ${r.wrong.length} different`);
    expect(r.compared).toBeGreaterThan(2500);
    expect(r.wrong).toEqual([]);
  });

  it('equals opa parse --format json --v0-compatible, byte for byte, on the v0 sample', () => {
    const r = compare(v0, asts);
    console.log(`v0: ${r.compared} compared, ${r.wrong.length} different`);
    expect(r.compared).toBeGreaterThan(Math.min(800, v0.length - 100));
    expect(r.wrong).toEqual([]);
  });

  it('equals OPA on grammar-generated modules (v0 and v1)', async () => {
    const mods = generatedCorpusModules(400, 21);
    const accepted = mods.filter((m) => parse(m.source, { regoVersion: m.regoVersion }).module !== undefined);
    const r = compare(accepted, await opaAsts(accepted));
    console.log(`generated: ${accepted.length} accepted of ${mods.length}, ${r.compared} compared, ${r.wrong.length} different`);
    expect(r.compared).toBeGreaterThan(100);
    expect(r.wrong).toEqual([]);
  }, 600_000);
});
