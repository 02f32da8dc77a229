import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x as extractTar } from 'tar';
import { ConfigurationError, PolicyCompileError, type PolicyModule, type PolicyProblem } from '@policy-engine/evaluator';
import { v0CompatibleSource } from '@policy-engine/evaluator/engine-kit';

/** Reported after every real `opa build` (not for cache hits). */
export interface BuildInfo {
  /** Content hash naming the cached wasm. */
  readonly hash: string;
  readonly entrypoints: readonly string[];
  readonly durationMs: number;
}

/** How to compile. */
export interface BuildOptions {
  readonly opaPath: string;
  readonly cacheDir: string;
  readonly timeoutMs: number;
  readonly onBuild?: (info: BuildInfo) => void;
}

/** A compiled policy. */
export interface CompiledWasm {
  readonly wasm: Uint8Array;
  readonly hash: string;
  /** True when it came from the cache without running `opa build`. */
  readonly cached: boolean;
}

interface ProcResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(bin: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === 'ENOENT'
          ? new ConfigurationError(`opa binary not found: ${bin} (set opaPath or OPA_BIN)`, { cause: err })
          : new ConfigurationError(`cannot run ${bin}: ${err.message}`, { cause: err }),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\nopa ${args[0]} killed after ${timeoutMs} ms`;
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Temp file name → module id; replaces every temp name (and the temp dir) in OPA's text. */
function renamer(dir: string, files: ReadonlyMap<string, string>): (text: string) => string {
  return (text) =>
    text
      .split(`${dir}/`)
      .join('')
      .replace(/\bmodule-\d+\.rego\b/g, (name) => files.get(name) ?? name);
}

/** Columns from `opa check --format json`, by `file:row:message` (file as OPA printed it). */
function checkColumns(stdout: string): Map<string, number> {
  const cols = new Map<string, number>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return cols;
  }
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return cols;
  for (const e of errors as { message?: unknown; location?: { file?: unknown; row?: unknown; col?: unknown } }[]) {
    const loc = e.location;
    if (typeof loc?.file !== 'string' || typeof loc.row !== 'number' || typeof e.message !== 'string') continue;
    const key = `${loc.file.replace(/^.*\//, '')}:${loc.row}:${e.message}`;
    if (!cols.has(key)) cols.set(key, Math.max(1, Number(loc.col) || 1));
  }
  return cols;
}

const LOCATED = /^(\S+?\.rego):(\d+): ([a-z_]+): (.*)$/;

/**
 * OPA's error text (`opa build` / `opa check`: `file:row: code: message` plus tab-indented
 * detail lines such as a type error's `have:`/`want:`) as problems naming the module ids,
 * with the column `opa check --format json` reports for the same error (else 1).
 */
export function opaProblems(
  text: string,
  rename: (t: string) => string,
  files: ReadonlyMap<string, string>,
  columns: ReadonlyMap<string, number>,
): PolicyProblem[] {
  let body = text.trim();
  // `error: load error: 1 error occurred during loading: …`, `error: 2 errors occurred:\n…`
  for (let prev = ''; prev !== body;) {
    prev = body;
    body = body.replace(/^(?:load )?error:\s*/, '').replace(/^\d+ errors? occurred(?: during loading)?:\s*/, '');
  }
  const problems: { message: string; code?: string; file?: string; row?: number; opaFile?: string; opaMessage?: string }[] = [];
  for (const line of body.split('\n')) {
    const m = LOCATED.exec(line);
    if (m) {
      const [, file = '', row = '0', code = '', message = ''] = m;
      problems.push({
        message: `${code}: ${rename(message)}`,
        code,
        file: files.get(file) ?? rename(file),
        row: Number(row),
        opaFile: file,
        opaMessage: message,
      });
    } else if (line.trim() === '') {
      continue;
    } else if (line.startsWith('\t') && problems.length > 0) {
      const last = problems[problems.length - 1] as { message: string };
      last.message += `\n${rename(line)}`;
    } else {
      problems.push({ message: rename(line.trim()) });
    }
  }
  return problems.map((p) => ({
    message: p.message,
    ...(p.code ? { code: p.code } : {}),
    ...(p.file !== undefined && p.row !== undefined
      ? { location: { file: p.file, line: p.row, col: columns.get(`${p.opaFile ?? ''}:${p.row}:${p.opaMessage ?? ''}`) ?? 1 } }
      : {}),
  }));
}

/** Writes the modules as `module-<i>.rego` into a temp dir for the duration of `fn`. */
async function withModuleFiles<T>(
  modules: readonly PolicyModule[],
  sources: readonly string[],
  fn: (dir: string, names: readonly string[], files: ReadonlyMap<string, string>) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'policy-engine-wasm-'));
  try {
    const files = new Map<string, string>();
    const names: string[] = [];
    for (const [i, m] of modules.entries()) {
      const name = `module-${i}.rego`;
      files.set(name, m.id);
      names.push(name);
      await writeFile(join(dir, name), sources[i] ?? '');
    }
    return await fn(dir, names, files);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The compile error for a failed `opa build` / `opa check` run, from OPA's own words. */
async function compileError(
  failed: ProcResult,
  dir: string,
  names: readonly string[],
  files: ReadonlyMap<string, string>,
  options: BuildOptions,
): Promise<PolicyCompileError> {
  const checked = await run(options.opaPath, ['check', '--v0-compatible', '--format', 'json', ...names], dir, options.timeoutMs);
  const problems = opaProblems(failed.stderr || failed.stdout, renamer(dir, files), files, checkColumns(checked.stdout || checked.stderr));
  return new PolicyCompileError(
    problems.length > 0 ? problems : [{ message: `opa ${failed.code === -1 ? 'was killed' : 'failed'} without a message` }],
  );
}

/**
 * Checks modules with `opa check` (for sets that have nothing to compile: package-only or
 * function-only modules).
 * @throws PolicyCompileError with OPA's messages, file:line:col.
 */
export async function checkModules(modules: readonly PolicyModule[], options: BuildOptions): Promise<void> {
  const sources = modules.map((m) => v0CompatibleSource(m).source);
  await withModuleFiles(modules, sources, async (dir, names, files) => {
    const checked = await run(options.opaPath, ['check', '--v0-compatible', ...names], dir, options.timeoutMs);
    if (checked.code !== 0) throw await compileError(checked, dir, names, files, options);
  });
}

/**
 * `--prune-unused`: only the entrypoints asked for are compiled. Without it OPA also makes
 * every rule that refers to an entrypoint one, functions included, and then refuses the
 * build (`function data.p.f used as reference, not called`).
 */
const BUILD_FLAGS = ['-t', 'wasm', '--v0-compatible', '--prune-unused'] as const;

/** Content hash of everything that decides the compiled wasm. */
export async function buildHash(opaPath: string, sources: readonly string[], entrypoints: readonly string[]): Promise<string> {
  let opaStamp = opaPath;
  try {
    const s = await stat(opaPath);
    opaStamp += `:${s.size}:${s.mtimeMs}`;
  } catch {
    // Not a path (e.g. `opa` on PATH): its name is all we can hash.
  }
  return createHash('sha256')
    .update(JSON.stringify({ v: 2, flags: BUILD_FLAGS, opaStamp, sources, entrypoints }))
    .digest('hex');
}

/**
 * Compiles modules to one `policy.wasm` with `opa build -t wasm --v0-compatible --prune-unused -e …`
 * (v1 modules carry `import rego.v1`, so mixed sets compile in one run), or returns the
 * cached file for the same content.
 * @throws PolicyCompileError with OPA's messages (type errors keep `have`/`want`), naming the module ids, file:line:col.
 */
export async function compileWasm(
  modules: readonly PolicyModule[],
  entrypoints: readonly string[],
  options: BuildOptions,
): Promise<CompiledWasm> {
  const sources = modules.map((m) => v0CompatibleSource(m).source);
  const hash = await buildHash(options.opaPath, sources, entrypoints);
  const cacheFile = join(options.cacheDir, `${hash}.wasm`);
  try {
    return { wasm: new Uint8Array(await readFile(cacheFile)), hash, cached: true };
  } catch {
    // Not cached yet.
  }
  const started = performance.now();
  return withModuleFiles(modules, sources, async (dir, names, files) => {
    const eps = entrypoints.flatMap((e) => ['-e', e]);
    const built = await run(options.opaPath, ['build', ...BUILD_FLAGS, ...eps, '-o', 'bundle.tar.gz', ...names], dir, options.timeoutMs);
    if (built.code !== 0) throw await compileError(built, dir, names, files, options);
    const out = join(dir, 'out');
    await mkdir(out);
    await extractTar({ file: join(dir, 'bundle.tar.gz'), cwd: out });
    const wasm = await readFile(join(out, 'policy.wasm'));
    await mkdir(options.cacheDir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, wasm);
    await rename(tmp, cacheFile);
    options.onBuild?.({ hash, entrypoints, durationMs: performance.now() - started });
    return { wasm: new Uint8Array(wasm), hash, cached: false };
  });
}
