import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import { EngineUnavailable } from '@policy-engine/evaluator';

/** Where a worker finds its code: one CommonJS bundle and the V8 code cache of it. */
export interface WorkerScript {
  /** `eval-worker.ts` and everything it imports (rego-eval's built-ins, rego-value), as one CommonJS file. */
  readonly bundle: string;
  /** V8's compiled code of the bundle for this Node version (written by the first worker that lacks it). */
  readonly codeCache: string;
}

/**
 * The script evaluation workers run. The worker's code (`src/worker/eval-worker.ts`, with
 * `@policy-engine/rego-eval`'s built-ins: ~2 MB of JavaScript) is one CommonJS bundle:
 * `dist/worker/eval-worker.cjs` in a built package (`npm run build` writes it), else (run from
 * the TypeScript sources: tests, tsx, a clean clone) bundled once per process with esbuild into
 * `cacheDir`, named by content. Workers load it through {@link WORKER_BOOTSTRAP} with V8's code
 * cache, so a worker (a replacement after a kill, a spare) starts without compiling 2 MB again.
 */
export function workerScript(cacheDir: string): Promise<WorkerScript> {
  let script = scripts.get(cacheDir);
  if (!script) {
    script = locate(cacheDir);
    scripts.set(cacheDir, script);
    // A failure is retried by the next load.
    script.catch(() => scripts.delete(cacheDir));
  }
  return script;
}

const scripts = new Map<string, Promise<WorkerScript>>();

/** `../src/…` resolves from both src/ (sources) and dist/ (the package ships src). */
const ENTRY = fileURLToPath(new URL('../src/worker/eval-worker.ts', import.meta.url));
const BUILT = fileURLToPath(new URL('./worker/eval-worker.cjs', import.meta.url));

async function locate(cacheDir: string): Promise<WorkerScript> {
  let code: Uint8Array | undefined;
  let bundle: string | undefined;
  if (!import.meta.url.endsWith('.ts')) {
    try {
      code = await readFile(BUILT);
      bundle = BUILT;
    } catch {
      // Built without the worker bundle: make it as the sources do.
    }
  }
  code ??= await bundleWorker();
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 24);
  if (bundle === undefined) {
    bundle = join(cacheDir, `eval-worker-${hash}.cjs`);
    await writeOnce(bundle, code);
  }
  const codeCache = join(cacheDir, `eval-worker-${hash}-v8-${process.versions.v8}.v8cache`);
  await mkdir(dirname(codeCache), { recursive: true });
  return { bundle, codeCache };
}

/** Writes `file` unless it exists (content-addressed), atomically. */
async function writeOnce(file: string, code: Uint8Array): Promise<void> {
  try {
    await stat(file);
  } catch {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, code);
    await rename(tmp, file);
  }
}

/** Bundles the worker with esbuild (an optional peer dependency: only needed when no built bundle exists). */
async function bundleWorker(): Promise<Uint8Array> {
  let esbuild: typeof Esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (err) {
    throw new EngineUnavailable(
      `the wasm engine has no built worker (dist/worker/eval-worker.cjs) and needs esbuild to bundle one: build the package (npm run build) or install esbuild (${(err as Error).message})`,
    );
  }
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    conditions: ['@policy-engine/source'],
    legalComments: 'none',
    logLevel: 'silent',
    write: false,
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new EngineUnavailable('esbuild produced no wasm worker bundle');
  return code;
}

/** Writes the worker bundle a built package ships (`npm run build`: `dist/worker/eval-worker.cjs`). */
export async function writeWorkerBundle(file: string = BUILT): Promise<void> {
  const code = await bundleWorker();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, code);
}

/**
 * The code a worker thread starts with (`new Worker(WORKER_BOOTSTRAP, { eval: true })`): runs the
 * bundle named in `workerData.script` with V8's code cache when there is one for this Node, and
 * writes the cache (atomically; best effort) when there is not.
 */
export const WORKER_BOOTSTRAP = `'use strict';
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { bundle, codeCache } = workerData.script;
let cachedData;
try { cachedData = fs.readFileSync(codeCache); } catch {}
const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
if (cachedData === undefined || script.cachedDataRejected) {
  try {
    const tmp = codeCache + '.' + process.pid + '.' + Math.random().toString(36).slice(2) + '.tmp';
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, codeCache);
  } catch {}
}
`;
