import { createHash } from 'node:crypto';
import type { CorpusModule } from './corpus.js';

/** The same modules in the other Rego version (exercises v0/v1 accept/reject, i.e. `regoVersion: 'auto'`). */
export function crossVersion(mods: readonly CorpusModule[]): CorpusModule[] {
  const seen = new Set<string>();
  const out: CorpusModule[] = [];
  for (const m of mods) {
    const regoVersion = m.regoVersion === 'v0' ? 'v1' : 'v0';
    const hash = createHash('sha256').update(`${regoVersion}\0${m.source}`).digest('hex');
    if (seen.has(hash)) continue;
    seen.add(hash);
    out.push({ id: `${m.id}@${regoVersion}`, regoVersion, source: m.source, hash });
  }
  return out;
}
