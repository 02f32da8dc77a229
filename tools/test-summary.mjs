#!/usr/bin/env node
// Adds up the JSON reports every project's vitest run wrote to tmp/test-results/ and prints
// one closing line, `Tests: N passed, N failed, N skipped`, plus the projects' counts, after
// the conformance figures tools/conformance's figures test wrote (conformance-figures.txt).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(fileURLToPath(new URL('..', import.meta.url)), 'tmp', 'test-results');
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const file of existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : []) {
  const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const p = r.numPassedTests ?? 0;
  const f = r.numFailedTests ?? 0;
  const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  passed += p;
  failed += f;
  skipped += s;
  rows.push(
    `  ${file.replace(/\.json$/, '').padEnd(34)} ${String(p).padStart(5)} passed ${String(f).padStart(3)} failed ${String(s).padStart(3)} skipped`,
  );
}
const figures = join(dir, 'conformance-figures.txt');
if (existsSync(figures))
  console.log(
    `Conformance figures (tree, engine, passed/run, failed, skipped):\n${readFileSync(figures, 'utf8').trimEnd().replace(/^/gm, '  ')}`,
  );
console.log(rows.join('\n'));
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || rows.length === 0 ? 1 : 0;
