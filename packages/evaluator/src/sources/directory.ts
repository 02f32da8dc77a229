/**
 * Directory and file-list sources.
 *
 * Directory layout rules (documented in the README):
 * - every `*.rego` file at any depth is a module (id = its path);
 * - every `*.json` / `*.yaml` / `*.yml` file mounts at its directory's path relative to the root,
 *   whatever its name (`roles/data.json` and `roles/extra.yaml` → `data.roles`; files at the top
 *   merge at the root of `data`) — what `opa run <dir>` and `opa eval -d <dir>` do;
 * - names starting with `.` (files and directories) are skipped;
 * - symlinks to files are followed (ConfigMap volume mounts), symlinks to directories are not.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { DataDocument } from '../engine.js';
import { PolicySourceError } from '../errors.js';
import type { RegoVersionSetting } from '../options.js';
import { isDataFile, isRegoFile, parseDataText, readSourceFile } from './data-file.js';
import type { RawModule, RawSourceContent } from './raw.js';

/**
 * A symlink to a regular file is loaded like the file (Kubernetes ConfigMap volumes mount
 * `x.rego -> ..data/x.rego`); links to directories are not followed, as `opa run` does not.
 */
async function isFileBehindLink(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PolicySourceError(`broken symbolic link (${reason})`, path, { cause });
  }
}

async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PolicySourceError(`cannot read directory (${reason})`, dir, { cause });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, out);
    else if (!isRegoFile(entry.name) && !isDataFile(entry.name)) continue;
    else if (entry.isFile() || (entry.isSymbolicLink() && (await isFileBehindLink(full)))) out.push(full);
  }
}

/** True for `data.json` / `data.yaml` / `data.yml`. */
export function isMountedDataFile(name: string): boolean {
  return /^data\.(json|ya?ml)$/i.test(name);
}

/** Reads a directory source recursively. @throws PolicySourceError */
export async function loadDirectory(root: string, regoVersion: RegoVersionSetting): Promise<RawSourceContent> {
  let info;
  try {
    info = await stat(root);
  } catch (cause) {
    throw new PolicySourceError('directory does not exist or cannot be read', root, { cause });
  }
  if (!info.isDirectory()) throw new PolicySourceError('not a directory', root);
  const files: string[] = [];
  await walk(root, files);
  const modules: RawModule[] = [];
  const data: DataDocument[] = [];
  for (const file of files) {
    const text = await readSourceFile(file);
    if (isRegoFile(file)) {
      modules.push({ id: file, source: text, regoVersion });
      continue;
    }
    const value = parseDataText(text, file);
    const rel = relative(root, file);
    const mountPath = rel.split(sep).slice(0, -1);
    data.push({ id: file, path: mountPath, value });
  }
  return { modules, data };
}

/** Reads a list of files: `.rego` modules, data files merged at the root. @throws PolicySourceError */
export async function loadFiles(paths: readonly string[], regoVersion: RegoVersionSetting): Promise<RawSourceContent> {
  const modules: RawModule[] = [];
  const data: DataDocument[] = [];
  for (const file of paths) {
    const text = await readSourceFile(file);
    if (isRegoFile(file)) modules.push({ id: file, source: text, regoVersion });
    else if (isDataFile(file)) data.push({ id: file, path: [], value: parseDataText(text, file) });
    else throw new PolicySourceError('unsupported file type (expected .rego, .json, .yaml or .yml)', file);
  }
  return { modules, data };
}
