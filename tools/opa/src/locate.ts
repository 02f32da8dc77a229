import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpaNotFoundError } from './errors.js';

/** The OPA version this project pins and tests against. */
export const OPA_VERSION = '1.22.3';

/** Absolute path of the repository checkout this package lives in. */
export const repoRoot: string = resolve(fileURLToPath(new URL('../../../', import.meta.url)));

/**
 * Directory holding the project's tools (`bin/opa`, `opa.json`): `$POLICY_ENGINE_TOOLS_DIR` when
 * set, else `<repo>/.tools`. Read on every call, so a change of the variable takes effect.
 */
export function toolsDir(): string {
  const fromEnv = process.env['POLICY_ENGINE_TOOLS_DIR'];
  return fromEnv && fromEnv.trim() !== '' ? resolve(fromEnv.trim()) : join(repoRoot, '.tools');
}

/**
 * The project's read-only facts (`spec/`, `opa-conformance/`): `$POLICY_ENGINE_SHARED_DIR` when
 * set (a git worktree elsewhere points it at the checkout's sibling), else `<repo>/../shared`.
 * Read on every call.
 */
export function sharedDir(): string {
  const fromEnv = process.env['POLICY_ENGINE_SHARED_DIR'];
  return fromEnv && fromEnv.trim() !== '' ? resolve(fromEnv.trim()) : resolve(repoRoot, '..', 'shared');
}

interface OpaRecord {
  readonly version: string;
  readonly bin: string;
  readonly sourceDir: string | null;
}

function readRecord(): OpaRecord | undefined {
  const file = join(toolsDir(), 'opa.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as OpaRecord;
  } catch {
    return undefined;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Path of the `opa` binary to use: `$OPA_BIN`, else what `npm run opa` recorded in
 * `<toolsDir>/opa.json`, else `<toolsDir>/bin/opa`, else `opa` on PATH ({@link toolsDir}).
 * Finds only; {@link ensureOpa} also installs.
 * @throws OpaNotFoundError when none exists.
 */
export function findOpa(): string {
  const fromEnv = process.env['OPA_BIN'];
  if (fromEnv) return resolve(fromEnv);
  const record = readRecord();
  if (record && existsSync(record.bin)) return record.bin;
  const local = join(toolsDir(), 'bin', process.platform === 'win32' ? 'opa.exe' : 'opa');
  if (existsSync(local)) return local;
  const pathOpa = onPath('opa');
  if (pathOpa) return pathOpa;
  throw new OpaNotFoundError(
    `No opa binary found (not $OPA_BIN, not in ${toolsDir()}, not on PATH). Run 'npm run opa' ` +
      `(installs OPA ${OPA_VERSION} with Go into ${join(toolsDir(), 'bin')}), or set OPA_BIN to an opa ${OPA_VERSION} binary.`,
  );
}

/** The version an `opa` binary reports, or undefined when it does not run. */
export function opaVersion(bin: string = findOpa()): string | undefined {
  const r = spawnSync(bin, ['version'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return /^Version:\s*(\S+)/m.exec(r.stdout)?.[1];
}

/**
 * Directory of OPA's Go module source (holds `v1/test/cases/testdata/{v0,v1}`, the
 * conformance corpus), as fetched by `npm run opa`; undefined when Go was not available.
 */
export function opaSourceDir(): string | undefined {
  const dir = readRecord()?.sourceDir;
  return dir && existsSync(dir) ? dir : undefined;
}
