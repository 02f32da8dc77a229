// `npm run conformance [-- ENGINE...]`: every case tree on this machine × every engine that
// can run here (default: opa native wasm), one figure line per pair, then the first failures.
// Full summaries go to tmp/conformance/<engine>-<tree>.json. Exit 0 unless the runner breaks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@policy-engine/opa';
import {
  BackendUnavailableError,
  caseTrees,
  createBackend,
  ENGINES,
  formatSummary,
  loadCases,
  loadSkipList,
  runCases,
  summaryJson,
  type EngineName,
} from '../src/index.js';

const asked = process.argv.slice(2);
const engines = (asked.length > 0 ? asked : ['opa', 'native', 'wasm']) as EngineName[];
for (const e of engines) if (!ENGINES.includes(e)) throw new Error(`unknown engine ${e} (one of ${ENGINES.join(', ')})`);
const trees = caseTrees();
if (trees.length === 0) console.log('conformance: no case trees found (../shared/opa-conformance, OPA module source)');
const outDir = join(repoRoot, 'tmp', 'conformance');
mkdirSync(outDir, { recursive: true });
const tty = process.stderr.isTTY === true;
const lines: string[] = [];

for (const engine of engines) {
  const skips = loadSkipList(engine);
  for (const tree of trees) {
    let backend;
    try {
      backend = await createBackend(engine, { regoVersion: tree.regoVersion });
    } catch (err) {
      if (!(err instanceof BackendUnavailableError)) throw err;
      const line = `${engine.padEnd(6)} ${tree.name.padEnd(16)} not yet: ${err.message}`;
      lines.push(line);
      console.log(line);
      break;
    }
    const started = Date.now();
    try {
      const s = await runCases(loadCases(tree.dir), {
        backend,
        skips,
        concurrency: engine === 'opa' ? 3 : engine === 'wasm' ? 2 : 1,
        ...(tty
          ? { onProgress: (p) => p.done % 20 === 0 && process.stderr.write(`\r\x1b[K${engine} ${tree.name} ${p.done}/${p.total}`) }
          : {}),
      });
      if (tty) process.stderr.write('\r\x1b[K');
      writeFileSync(join(outDir, `${engine}-${tree.name.replace(/\W+/g, '_')}.json`), `${summaryJson(s)}\n`);
      const ran = s.passed + s.failed;
      const line = `${engine.padEnd(6)} ${tree.name.padEnd(16)} ${String(s.passed).padStart(5)}/${String(ran).padEnd(5)} passed (${ran ? ((100 * s.passed) / ran).toFixed(1) : '0.0'}%)  ${s.failed} failed  ${s.total - ran} skipped  ${((Date.now() - started) / 1000).toFixed(0)} s`;
      lines.push(line);
      console.log(line);
      if (s.failed > 0) process.stdout.write(formatSummary(s, `  ${engine} ${tree.name}`, 10).split('\n').slice(1).join('\n'));
    } finally {
      await backend.close?.();
    }
  }
}
console.log(`\nconformance figures (summaries in ${outDir}):\n${lines.join('\n')}`);
