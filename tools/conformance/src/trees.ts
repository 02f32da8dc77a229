/** The case trees this project runs, and where they live on this machine. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OPA_VERSION, opaSourceDir, sharedDir } from '@policy-engine/opa';

/** A directory of case files and the Rego version its modules are written in. */
export interface CaseTree {
  /** Short name, e.g. `shared/v1`, `opa-1.22.3/v0`. */
  readonly name: string;
  readonly dir: string;
  readonly regoVersion: 'v0' | 'v1';
}

/**
 * The shared suite's directory (`$OPA_CONFORMANCE_DIR`, else `opa-conformance` in the shared facts:
 * `sharedDir()` of `@policy-engine/opa`, `$POLICY_ENGINE_SHARED_DIR` or `<repo>/../shared`), holding `v1/`, `MANIFEST.tsv`, …; `undefined` when absent.
 */
export function sharedSuiteDir(): string | undefined {
  return process.env['OPA_CONFORMANCE_DIR'] ?? [join(sharedDir(), 'opa-conformance')].find((d) => existsSync(d));
}

/**
 * The shared suite (`<repo>/../shared/opa-conformance/{v1,newer-v1,v0-sample}`, or
 * `$OPA_CONFORMANCE_DIR`) and OPA v1.22.3's own trees (`v1/test/cases/testdata/{v1,v0}` in
 * the Go module cache: what `npm run opa` recorded, else `$GOMODCACHE` or `~/go/pkg/mod`). Only trees that exist are returned.
 */
export function caseTrees(): CaseTree[] {
  const shared = sharedSuiteDir();
  const out: CaseTree[] = [];
  if (shared) {
    out.push({ name: 'shared/v1', dir: join(shared, 'v1'), regoVersion: 'v1' });
    out.push({ name: 'shared/newer-v1', dir: join(shared, 'newer-v1'), regoVersion: 'v1' });
    out.push({ name: 'shared/v0-sample', dir: join(shared, 'v0-sample'), regoVersion: 'v0' });
  }
  const modCache = process.env['GOMODCACHE'] ?? join(homedir(), 'go', 'pkg', 'mod');
  const src = opaSourceDir() ?? [join(modCache, 'github.com', 'open-policy-agent', `opa@v${OPA_VERSION}`)].find((d) => existsSync(d));
  if (src) {
    out.push({ name: 'opa-1.22.3/v1', dir: join(src, 'v1', 'test', 'cases', 'testdata', 'v1'), regoVersion: 'v1' });
    out.push({ name: 'opa-1.22.3/v0', dir: join(src, 'v1', 'test', 'cases', 'testdata', 'v0'), regoVersion: 'v0' });
  }
  return out.filter((t) => existsSync(t.dir));
}
