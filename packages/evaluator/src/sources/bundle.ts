/**
 * OPA bundle source: a `.tar.gz` file or a directory in bundle layout.
 * `.manifest` `rego_version` (0/1) and `file_rego_versions` (glob → version) choose each
 * module's Rego version; `data.json` / `data.yaml` at any depth mount at their directory path;
 * `policy.wasm`, `.signatures.json` and other files are ignored.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Parser } from 'tar';
import type { DataDocument, RegoVersion } from '../engine.js';
import { PolicySourceError } from '../errors.js';
import type { RegoVersionSetting } from '../options.js';
import { isRegoFile, parseDataText, readSourceFile } from './data-file.js';
import { isMountedDataFile } from './directory.js';
import { globToRegExp } from './glob.js';
import type { RawModule, RawSourceContent } from './raw.js';

/** One file of a bundle: path relative to the bundle root, without a leading `/`. */
export interface BundleFile {
  readonly path: string;
  readonly text: string;
}

/** One file of a bundle archive with its bytes (signature digests are taken over the bytes). */
export interface BundleArchiveFile {
  readonly path: string;
  readonly bytes: Buffer;
}

function normalise(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
}

async function readTarGz(file: string): Promise<BundleFile[]> {
  let archive: Buffer;
  try {
    archive = await readFile(file);
  } catch (cause) {
    throw new PolicySourceError('bundle does not exist or cannot be read', file, { cause });
  }
  return (await readBundleArchive(archive, file)).map((f) => ({ path: f.path, text: f.bytes.toString('utf8') }));
}

/**
 * Reads a gzip-compressed bundle archive held in memory (a download) into its files.
 * @throws PolicySourceError when the bytes are not a gzip tar archive.
 */
export async function readBundleArchive(archive: Uint8Array, id: string): Promise<BundleArchiveFile[]> {
  if (archive[0] !== 0x1f || archive[1] !== 0x8b) throw new PolicySourceError('not a gzip-compressed bundle (.tar.gz)', id);
  const files: BundleArchiveFile[] = [];
  await new Promise<void>((resolve, reject) => {
    const fail = (cause: unknown): void => {
      const reason = cause instanceof Error ? cause.message : String(cause);
      reject(new PolicySourceError(`cannot read bundle archive (${reason})`, id, { cause }));
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry) => {
        if (entry.type !== 'File' && entry.type !== 'OldFile') {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        const path = normalise(entry.path);
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => files.push({ path, bytes: Buffer.concat(chunks) }));
      },
    });
    parser.on('error', fail);
    parser.on('end', () => resolve());
    parser.end(Buffer.from(archive));
  });
  return files;
}

async function readBundleDir(root: string): Promise<BundleFile[]> {
  const files: BundleFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (isRegoFile(entry.name) || isMountedDataFile(entry.name) || entry.name === '.manifest')) {
        files.push({ path: relative(root, full).split(sep).join('/'), text: await readSourceFile(full) });
      }
    }
  };
  try {
    await walk(root);
  } catch (cause) {
    if (cause instanceof PolicySourceError) throw cause;
    throw new PolicySourceError('cannot read bundle directory', root, { cause });
  }
  return files;
}

function versionOf(value: unknown, where: string, id: string): RegoVersion {
  if (value === 0) return 'v0';
  if (value === 1) return 'v1';
  throw new PolicySourceError(`${where} must be 0 or 1, got ${JSON.stringify(value)}`, id);
}

interface Manifest {
  readonly regoVersion?: RegoVersion;
  readonly fileVersions: readonly { readonly pattern: RegExp; readonly version: RegoVersion }[];
}

function parseManifest(text: string | undefined, id: string): Manifest {
  if (text === undefined) return { fileVersions: [] };
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new PolicySourceError('invalid .manifest JSON', id, { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new PolicySourceError('.manifest must be a JSON object', id);
  const record = json as Record<string, unknown>;
  const fileVersions: { pattern: RegExp; version: RegoVersion }[] = [];
  const fv = record['file_rego_versions'];
  if (typeof fv === 'object' && fv !== null && !Array.isArray(fv)) {
    for (const [glob, v] of Object.entries(fv as Record<string, unknown>)) {
      fileVersions.push({ pattern: globToRegExp(normalise(glob)), version: versionOf(v, `file_rego_versions[${glob}]`, id) });
    }
  }
  const rv = record['rego_version'];
  return rv === undefined ? { fileVersions } : { regoVersion: versionOf(rv, 'rego_version', id), fileVersions };
}

/**
 * Reads a bundle. `defaultVersion` applies to modules the manifest says nothing about (default v1).
 * @throws PolicySourceError
 */
export async function loadBundle(path: string, defaultVersion: RegoVersionSetting = 'v1'): Promise<RawSourceContent> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (cause) {
    throw new PolicySourceError('bundle does not exist or cannot be read', path, { cause });
  }
  const files = isDir ? await readBundleDir(path) : await readTarGz(path);
  return bundleContent(files, isDir ? join(path, '/') : `bundle:${path}#`, defaultVersion);
}

/**
 * Turns the files of a bundle into modules and data: the manifest chooses Rego versions,
 * `data.json`/`data.yaml` mount at their directory path. Module ids are `prefix` + path.
 * @throws PolicySourceError for a malformed manifest or data file.
 */
export function bundleContent(unsorted: readonly BundleFile[], prefix: string, defaultVersion: RegoVersionSetting): RawSourceContent {
  const files = [...unsorted].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest = parseManifest(files.find((f) => f.path === '.manifest')?.text, `${prefix}.manifest`);
  const modules: RawModule[] = [];
  const data: DataDocument[] = [];
  for (const file of files) {
    const id = `${prefix}${file.path}`;
    const segments = file.path.split('/');
    const name = segments[segments.length - 1] ?? '';
    if (isRegoFile(name)) {
      const specific = manifest.fileVersions.find((fv) => fv.pattern.test(file.path) || fv.pattern.test(`/${file.path}`));
      const version = specific?.version ?? manifest.regoVersion;
      modules.push(
        version === undefined
          ? { id, source: file.text, regoVersion: defaultVersion }
          : { id, source: file.text, regoVersion: version, fromManifest: true },
      );
    } else if (isMountedDataFile(name)) {
      data.push({ id, path: segments.slice(0, -1), value: parseDataText(file.text, id) });
    }
  }
  return { modules, data };
}

/** The `revision` string of a bundle's `.manifest` (`''` when it has none). */
export function manifestRevision(files: readonly BundleFile[]): string {
  const text = files.find((f) => f.path === '.manifest')?.text;
  if (text === undefined) return '';
  try {
    const json = JSON.parse(text) as { revision?: unknown };
    return typeof json.revision === 'string' ? json.revision : '';
  } catch {
    return '';
  }
}
