import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { CorpusModule } from './corpus.js';
import { mutated, tokenSoup } from './fuzz-arbs.js';

/** A fixed (seeded) sample of mutated corpus modules and token soups, in both versions. */
export function mutants(sources: readonly string[], n: number, seed = 2024): CorpusModule[] {
  const arb = fc.oneof({ arbitrary: mutated(sources), weight: 4 }, { arbitrary: tokenSoup.map((s) => `package p\n${s}`), weight: 1 });
  const samples = fc.sample(arb, { numRuns: n, seed });
  const out: CorpusModule[] = [];
  const seen = new Set<string>();
  samples.forEach((source, i) => {
    for (const regoVersion of ['v0', 'v1'] as const) {
      const hash = createHash('sha256').update(`${regoVersion}\0${source}`).digest('hex');
      if (seen.has(hash)) continue;
      seen.add(hash);
      out.push({ id: `mutant#${i}@${regoVersion}`, regoVersion, source, hash });
    }
  });
  return out;
}
