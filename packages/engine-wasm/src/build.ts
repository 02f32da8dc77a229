import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x as extractTar } from 'tar';
import {
  ConfigurationError,
  PolicyCompileError,
  v0CompatibleSource,
  type PolicyModule,
  type PolicyProblem,
} from '@policy-engine/evaluator';

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

/** `opa check --format json` errors, mapped from temp file names back to module ids. */
function checkProblems(stdout: string, files: ReadonlyMap<string, string>): PolicyProblem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return [];
  }
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: { code?: unknown; message?: unknown; location?: { file?: unknown; row?: unknown; col?: unknown } }) => {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const loc = e.location;
    const file = typeof loc?.file === 'string' ? (files.get(loc.file.replace(/^.*\//, '')) ?? loc.file) : undefined;
    return {
      message: `${code ? `${code}: ` : ''}${typeof e.message === 'string' ? e.message : 'error'}`,
      ...(file && typeof loc?.row === 'number' ? { location: { file, line: loc.row, col: Math.max(1, Number(loc.col) || 1) } } : {}),
      ...(code ? { code } : {}),
    };
  });
}

/** Build errors without structure (`error: …`), temp file names replaced by module ids. */
function textProblems(stderr: string, files: ReadonlyMap<string, string>): PolicyProblem[] {
  let text = stderr.trim().replace(/^error:\s*/, '');
  for (const [tmp, id] of files) text = text.split(tmp).join(id);
  return [{ message: text || 'opa build failed' }];
}

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
    .update(JSON.stringify({ v: 1, opaStamp, sources, entrypoints }))
    .digest('hex');
}

/**
 * Compiles modules to one `policy.wasm` with `opa build -t wasm --v0-compatible -e …`
 * (v1 modules carry `import rego.v1`, so mixed sets compile in one run), or returns the
 * cached file for the same content.
 * @throws PolicyCompileError with file:line:col (from `opa check --format json`).
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
    const eps = entrypoints.flatMap((e) => ['-e', e]);
    const built = await run(
      options.opaPath,
      ['build', '-t', 'wasm', '--v0-compatible', ...eps, '-o', 'bundle.tar.gz', ...names],
      dir,
      options.timeoutMs,
    );
    if (built.code !== 0) {
      const checked = await run(options.opaPath, ['check', '--v0-compatible', '--format', 'json', ...names], dir, options.timeoutMs);
      const problems = checked.code !== 0 ? checkProblems(checked.stdout || checked.stderr, files) : [];
      throw new PolicyCompileError(problems.length > 0 ? problems : textProblems(built.stderr, files));
    }
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
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
