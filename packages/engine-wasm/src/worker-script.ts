import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import { EngineUnavailable } from '@policy-engine/evaluator';

/**
 * The script an evaluation worker runs. Built (`npm run build`: tsc), the engine starts
 * `dist/worker/eval-worker.js`, which imports `@policy-engine/rego-eval` and
 * `@policy-engine/rego-value` as any Node module does. Run from its TypeScript sources (tests,
 * tsx, a clean clone without a build), the engine bundles `src/worker/eval-worker.ts` and what it
 * imports into one plain-JavaScript file with esbuild (a development dependency), written once
 * per content into `cacheDir`, so the worker needs no TypeScript loader.
 */
export function workerScript(cacheDir: string): Promise<URL> {
  if (!import.meta.url.endsWith('.ts')) return Promise.resolve(new URL('./worker/eval-worker.js', import.meta.url));
  let bundle = bundles.get(cacheDir);
  if (!bundle) {
    bundle = bundleWorker(cacheDir);
    bundles.set(cacheDir, bundle);
    // A failed bundle is retried by the next load.
    bundle.catch(() => bundles.delete(cacheDir));
  }
  return bundle;
}

const bundles = new Map<string, Promise<URL>>();

async function bundleWorker(cacheDir: string): Promise<URL> {
  let esbuild: typeof Esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (err) {
    throw new EngineUnavailable(
      `the wasm engine runs from its TypeScript sources and needs esbuild to build its worker: install the development dependencies, or build the package (npm run build) (${(err as Error).message})`,
    );
  }
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./worker/eval-worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@policy-engine/source'],
    // CommonJS dependencies inside an ES module bundle may require() Node's modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'silent',
    write: false,
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new EngineUnavailable('esbuild produced no wasm worker bundle');
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 24);
  const file = join(cacheDir, `eval-worker-${hash}.mjs`);
  try {
    await stat(file);
  } catch {
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, code);
    await rename(tmp, file);
  }
  return new URL(`file://${file}`);
}
