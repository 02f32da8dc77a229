// rego-eval runs in a browser: bundled for the browser platform (no Node polyfills, so any
// Node-only import below rego-eval fails the build), loaded into headless Chromium, it
// evaluates the example policies for every decision case and must give exactly the values
// the same interpreter gives under Node.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicySources } from '@policy-engine/evaluator';
import { mergedData } from '@policy-engine/evaluator/engine-kit';
import { decisionCases } from '@policy-engine/test-kit';
import { evaluateAll, type BrowserQuery } from '../src/browser-entry.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const run = promisify(execFile);

/** Chromium: `CHROMIUM_BIN`, else Debian's package (`.ci/run` installs it when missing). */
function chromiumPath(): string {
  const candidates = [process.env['CHROMIUM_BIN'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
  if (found === undefined) {
    throw new Error('headless Chromium not found: install Debian\'s "chromium" package (apt-get install -y chromium) or set CHROMIUM_BIN');
  }
  return found;
}

let modules: { id: string; source: string }[] = [];
let data: unknown;
let queries: BrowserQuery[] = [];
let expectDefined: boolean[] = [];
let server: Server | undefined;
let url = '';

beforeAll(async () => {
  const { policySet } = await loadPolicySources({ kind: 'directory', path: join(repoRoot, 'examples', 'policies'), regoVersion: 'auto' });
  modules = policySet.modules.map((m) => ({ id: m.id, source: m.source, regoVersion: m.regoVersion }));
  data = mergedData(policySet);
  const cases = decisionCases();
  expectDefined = cases.map((c) => c.expect.policyFound);
  queries = cases.map((c) => {
    const input = c.input;
    return { path: `data.${c.package}`, input };
  });

  const bundle = await build({
    entryPoints: [join(here, '..', 'src', 'browser-entry.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'regoEval',
    conditions: ['@policy-engine/source'],
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const payload = JSON.stringify({ modules, data, queries }).replace(/</g, '\\u003c');
  const page = `<!doctype html><html><body><pre id="out">pending</pre>
<script>${script}</script>
<script>
  const job = ${payload};
  const out = document.getElementById('out');
  try { out.textContent = JSON.stringify({ ok: true, userAgent: navigator.userAgent, results: regoEval.evaluateAll(job.modules, job.data, job.queries) }); }
  catch (e) { out.textContent = JSON.stringify({ ok: false, error: String(e && e.stack || e) }); }
</script></body></html>`;
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('rego-eval in headless Chromium', () => {
  it('bundles for the browser platform and decides every example case exactly as under Node', async () => {
    const { stdout } = await run(
      chromiumPath(),
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--user-data-dir=' + join(repoRoot, 'tmp', 'chromium-profile'),
        '--dump-dom',
        url,
      ],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const match = /<pre id="out">([\s\S]*?)<\/pre>/.exec(stdout);
    expect(match, 'the page rendered its result').not.toBeNull();
    const text = (match?.[1] ?? '')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    const browser = JSON.parse(text) as { ok: boolean; userAgent?: string; error?: string; results?: unknown[] };
    expect(browser.error).toBeUndefined();
    expect(browser.userAgent).toMatch(/Chrome/);
    const node = evaluateAll(modules, data, queries);
    expect(node).toHaveLength(queries.length);
    // A case the examples decide has a defined package value; a no-policy case has none.
    expect(node.map((r) => r.defined)).toEqual(expectDefined);
    expect(browser.results).toEqual(node);
  });
});
