/**
 * Skip lists: `skip-<engine>.tsv` files, committed, with columns `file`, `index`, `reason`.
 * `file` is matched against the end of a case's path at a `/` boundary, so
 * `opa-conformance/v1/x/y.yaml` names a file of the shared snapshot only while `x/y.yaml`
 * names it in every tree. `index` is the case's position in its file, or `*` for all.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConformanceCase } from './load.js';

/** One line of a skip list. */
export interface SkipEntry {
  readonly file: string;
  /** The case index, or `undefined` for every case of the file (`*`). */
  readonly index: number | undefined;
  readonly reason: string;
  /** Where the entry is (`skip-opa.tsv:12`). */
  readonly source: string;
}

/** A malformed skip-list line. */
export class SkipListError extends Error {
  override readonly name = 'SkipListError';
  readonly code = 'CONFORMANCE_SKIP_LIST';
}

/** Parses skip-list text (a header line `file<TAB>index<TAB>reason`, `#` comments allowed). */
export function parseSkipList(text: string, source = 'skip list'): SkipEntry[] {
  const out: SkipEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const cols = line.split('\t');
    if (i === 0 && cols[0] === 'file') return;
    const [file, index, ...rest] = cols;
    const reason = rest.join('\t').trim();
    const where = `${source}:${i + 1}`;
    if (!file || index === undefined || !/^(\d+|\*)$/.test(index))
      throw new SkipListError(`${where}: expected file<TAB>index<TAB>reason, got ${JSON.stringify(line)}`);
    if (!reason) throw new SkipListError(`${where}: every skip needs a reason`);
    out.push({ file: file.replace(/^\/+/, ''), index: index === '*' ? undefined : Number(index), reason, source: where });
  });
  return out;
}

/** Directory holding this package's committed skip lists. */
export const skipListDir: string = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Reads `skip-<engine>.tsv` from `dir` (default: this package); none → empty list. */
export function loadSkipList(engine: string, dir: string = skipListDir): SkipEntry[] {
  const file = join(dir, `skip-${engine}.tsv`);
  return existsSync(file) ? parseSkipList(readFileSync(file, 'utf8'), `skip-${engine}.tsv`) : [];
}

/** The skip entry that applies to a case, if any. */
export function skipFor(c: ConformanceCase, entries: readonly SkipEntry[]): SkipEntry | undefined {
  const path = c.path.split('\\').join('/');
  return entries.find((e) => (e.index === undefined || e.index === c.index) && (path === e.file || path.endsWith(`/${e.file}`)));
}
