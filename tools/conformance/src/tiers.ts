/**
 * Tiers of the shared suite: the `tier` column of `../shared/opa-conformance/MANIFEST.tsv`
 * (and `MANIFEST-v1.22.3.tsv` for OPA v1.22.3's own v1 tree). `core` is language features
 * and simple deterministic built-ins, `go-compat` built-ins whose results follow Go libraries,
 * `exotic` the rest (see the suite's README).
 */
import { readFileSync } from 'node:fs';
import type { ConformanceCase } from './load.js';

/** A case's tier as the manifest names it (`core`, `go-compat`, `exotic`). */
export type Tier = string;

/**
 * The tiers of a manifest: `file#index` → tier, `file` as the manifest writes it
 * (`v1/aggregates/test-aggregates-0001.yaml`).
 */
export type TierMap = ReadonlyMap<string, Tier>;

/** A manifest that lacks the `file`, `case_index` or `tier` column, or a malformed row. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly code = 'CONFORMANCE_MANIFEST';
}

/** Parses manifest text (tab-separated, a header line naming `file`, `case_index` and `tier`). */
export function parseTiers(text: string, source = 'manifest'): TierMap {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const header = (lines[0] ?? '').split('\t');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new ManifestError(`${source}: no '${name}' column in the header line`);
    return i;
  };
  const [fileCol, indexCol, tierCol] = [col('file'), col('case_index'), col('tier')];
  const out = new Map<string, Tier>();
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const cols = line.split('\t');
    const file = cols[fileCol];
    const index = cols[indexCol];
    const tier = cols[tierCol];
    if (!file || index === undefined || !/^\d+$/.test(index) || !tier) {
      throw new ManifestError(`${source}:${i + 2}: expected a file, a case index and a tier, got ${JSON.stringify(line)}`);
    }
    out.set(`${file}#${Number(index)}`, tier);
  });
  return out;
}

/** Reads a manifest file's tiers (e.g. `<shared>/opa-conformance/MANIFEST.tsv`). */
export function loadTiers(manifestPath: string): TierMap {
  return parseTiers(readFileSync(manifestPath, 'utf8'), manifestPath);
}

/**
 * The tier of a case: the manifest entry whose `file` is the end of the case's path at a `/`
 * (`v1/x/y.yaml` matches `…/opa-conformance/v1/x/y.yaml` and `…/testdata/v1/x/y.yaml`) with
 * the case's index; `undefined` when the manifest does not list it.
 */
export function tierOf(c: ConformanceCase, tiers: TierMap): Tier | undefined {
  const parts = c.path.split('\\').join('/').split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    const tier = tiers.get(`${parts.slice(i).join('/')}#${c.index}`);
    if (tier !== undefined) return tier;
  }
  return undefined;
}

/** The cases of one tier, in their order. */
export function casesOfTier(cases: readonly ConformanceCase[], tiers: TierMap, tier: Tier): ConformanceCase[] {
  return cases.filter((c) => tierOf(c, tiers) === tier);
}
