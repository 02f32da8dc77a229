// Resident memory of one engine after loading the example policies, in a fresh process:
// `rss-child.ts <native|wasm|opa-rest|baseline>`. Every case is decided once first (code and
// caches warm), then a GC (when --expose-gc) and one JSON line
// `{"rss_mb":…,"server_rss_mb":…}` (server: the OPA process of opa-rest, read from /proc).
import { readFileSync } from 'node:fs';
import { repoRoot } from '@policy-engine/opa';
import { examplePolicies, openEngine } from '../src/engines.js';
import { ENGINE_KEYS, type EngineKey } from '../src/results.js';
import { loadCases } from '../src/cases.js';

function procRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : undefined;
}

const which = process.argv[2] ?? '';
const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = (): number => {
  gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};
if (which === 'baseline') {
  loadCases(repoRoot);
  console.log(JSON.stringify({ rss_mb: rssMb() }));
} else if ((ENGINE_KEYS as readonly string[]).includes(which)) {
  const cases = loadCases(repoRoot);
  const opened = await openEngine(which as EngineKey, examplePolicies(repoRoot));
  for (const c of cases) await opened.pe.evaluate(c.pkg, c.input);
  const server = procRssMb(opened.made.server?.pid);
  console.log(JSON.stringify({ rss_mb: rssMb(), ...(server === undefined ? {} : { server_rss_mb: server }) }));
  await opened.close();
} else {
  console.error(`usage: rss-child.ts <${[...ENGINE_KEYS, 'baseline'].join('|')}>`);
  process.exit(2);
}
