/**
 * The parse corpus: every module of every case in the shared conformance copy and in
 * OPA's own case trees (`v1/test/cases/testdata/{v0,v1}` under `opaSourceDir()`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { opaSourceDir, sharedDir } from '@policy-engine/opa';

/** One Rego module of the corpus. */
export interface CorpusModule {
  /** `<tree>/<file>#<case>.<module>` — stable, human-readable. */
  readonly id: string;
  readonly regoVersion: 'v0' | 'v1';
  readonly source: string;
  /** sha256 of version + source. */
  readonly hash: string;
}

/** Where the shared conformance copy lives: `<sharedDir()>/opa-conformance` (`$POLICY_ENGINE_SHARED_DIR`, else `<repo>/../shared`). */
export function sharedConformanceDir(): string {
  return join(sharedDir(), 'opa-conformance');
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

interface CaseFile {
  cases?: { modules?: unknown[] }[];
}

function treeModules(tree: string, dir: string, regoVersion: 'v0' | 'v1'): CorpusModule[] {
  const out: CorpusModule[] = [];
  for (const file of yamlFiles(dir)) {
    let doc: CaseFile;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'), { intAsBigInt: true }) as CaseFile;
    } catch {
      continue;
    }
    (doc?.cases ?? []).forEach((c, ci) => {
      (c.modules ?? []).forEach((m, mi) => {
        if (typeof m !== 'string') return;
        out.push({
          id: `${tree}/${relative(dir, file)}#${ci}.${mi}`,
          regoVersion,
          source: m,
          hash: createHash('sha256').update(`${regoVersion}\0${m}`).digest('hex'),
        });
      });
    });
  }
  return out;
}

function regoFiles(tree: string, dir: string): CorpusModule[] {
  const out: CorpusModule[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (name === 'node_modules' || name.startsWith('.')) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.rego')) {
        const source = readFileSync(p, 'utf8');
        out.push({
          id: `${tree}/${relative(dir, p)}`,
          regoVersion: 'v1',
          source,
          hash: createHash('sha256').update(`v1\0${source}`).digest('hex'),
        });
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Every corpus module (the same source may appear under several ids). */
export function corpusModules(): CorpusModule[] {
  const shared = sharedConformanceDir();
  const out: CorpusModule[] = [
    ...treeModules('shared/v1', join(shared, 'v1'), 'v1'),
    ...treeModules('shared/newer-v1', join(shared, 'newer-v1'), 'v1'),
    ...treeModules('shared/v0-sample', join(shared, 'v0-sample'), 'v0'),
  ];
  const src = opaSourceDir();
  if (src) {
    out.push(...treeModules('opa/v1', join(src, 'v1/test/cases/testdata/v1'), 'v1'));
    out.push(...treeModules('opa/v0', join(src, 'v1/test/cases/testdata/v0'), 'v0'));
    // Every .rego file of OPA's source tree (test data, examples), read as v1 (the
    // differential test also reads each corpus module in the other version).
    out.push(...regoFiles('opa/files', src));
  } else {
    // Not silent: without Go, `npm run opa` cannot fetch OPA's source, and only the shared
    // conformance copy is checked. Say so in the test output.
    console.warn(
      `rego-parser corpus: OPA ${'v1.22.3'} source not found (run 'npm run opa' with Go installed); ` +
        `checking only the ${out.length} modules of shared/opa-conformance`,
    );
  }
  return out;
}

/** Modules of the YAML case trees only (no `opa/files`): the stable base of the seeded samples. */
export function caseModules(): CorpusModule[] {
  return uniqueCorpusModules().filter((m) => !m.id.startsWith('opa/files/'));
}

/** Corpus modules with duplicate (version, source) pairs removed (first id kept). */
export function uniqueCorpusModules(): CorpusModule[] {
  const seen = new Set<string>();
  return corpusModules().filter((m) => (seen.has(m.hash) ? false : (seen.add(m.hash), true)));
}
