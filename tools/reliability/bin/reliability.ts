// `npm run reliability`: the full load parts of issue 9's reliability suite against the example
// gate, from a second process. Writes tools/reliability/results.json and prints the figures;
// exits 1 when a check fails. Bounded: about two minutes on 2 cores.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ENGINE_NAMES, DEFAULT_ENGINE } from '@policy-engine/engines';
import { runHotReload, runOpaOutage, type HotReloadResult, type OpaOutageResult } from '../src/index.js';

const resultsFile = fileURLToPath(new URL('../results.json', import.meta.url));
const failures: string[] = [];
const check = (ok: boolean, what: string): void => {
  if (!ok) failures.push(what);
};

const started = Date.now();
const loadAverageAtStart = loadavg().map((l) => Math.round(l * 10) / 10);
console.log(`load average ${loadAverageAtStart.join(' ')} on ${cpus().length} CPUs`);
console.log('OPA outage under load (ENGINE=opa, managed OPA: SIGKILL, restarted by the gate, then its policies wiped)…');
const outage: OpaOutageResult = await runOpaOutage();
console.log(
  `  ${outage.requests} requests at ${outage.achievedRatePerSecond}/s; denied allowed ${outage.deniedAllowed}; no answer ${outage.noAnswer}; ` +
    `max ${outage.maxLatencyMs} ms (timeout ${outage.timeoutMs} ms), p99 ${outage.p99LatencyMs} ms`,
);
for (const e of outage.events)
  console.log(`  ${e.fault}: ${e.failedAllowed} allowed requests refused (503), back ${e.recoveryMs} ms after OPA answered`);
check(outage.deniedAllowed === 0, 'outage: a denied request was allowed');
check(outage.noAnswer === 0, 'outage: a request got no answer');
check(outage.maxLatencyMs <= outage.timeoutMs + 1000, 'outage: a request waited past its timeout');
for (const e of outage.events) check(e.recoveryMs >= 0 && e.recoveryMs <= 2000, `outage: not back within 2 s after the ${e.fault}`);

const reloads: HotReloadResult[] = [];
for (const engine of [DEFAULT_ENGINE, ...ENGINE_NAMES.filter((e) => e !== DEFAULT_ENGINE)]) {
  console.log(`hot reload under load (ENGINE=${engine}: 100 swaps of a 3-module set, ~1k requests/s)…`);
  const r = await runHotReload(engine);
  reloads.push(r);
  if (r.skipped) {
    console.log(`  skipped: ${r.skipped}`);
    continue;
  }
  console.log(
    `  ${r.requests} requests at ${r.achievedRatePerSecond}/s (p50 ${r.p50LatencyMs} ms, p99 ${r.p99LatencyMs} ms, max ${r.maxLatencyMs} ms); ` +
      `versions seen ${r.versionsSeen}, last v${r.lastVersionSeen} under load, v${r.swaps} served ${r.lastVersionAfterMs} ms after the last swap; denied allowed ${r.deniedAllowed}, mixed ${r.mixed}, unmarked ${r.unmarked}, ` +
      `went back ${r.wentBack}, allowed refused ${r.allowedRefused}, no answer ${r.noAnswer}`,
  );
  for (const e of r.examples.slice(0, 3)) console.log(`    e.g. ${e}`);
  check(r.deniedAllowed === 0, `reload ${engine}: a denied request was allowed`);
  check(r.mixed === 0, `reload ${engine}: a decision mixed two versions`);
  check(r.unmarked === 0, `reload ${engine}: a denial without a version mark`);
  check(r.wentBack === 0, `reload ${engine}: a connection went back to an older set`);
  check(r.noAnswer === 0 && r.allowedRefused === 0, `reload ${engine}: a request was refused or not answered`);
  check(
    r.lastVersionAfterMs >= 0,
    `reload ${engine}: the last swap (v${r.swaps}) was not applied within 30 s (last seen under load v${r.lastVersionSeen})`,
  );
}

const results = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  // The machine is shared: its load at the start and the end of the run says how far the rates mean anything.
  loadAverageAtStart,
  loadAverageAtEnd: loadavg().map((l) => Math.round(l * 10) / 10),
  durationSeconds: Math.round((Date.now() - started) / 1000),
  outage,
  reloads,
  failures,
};
writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
console.log(`results: ${resultsFile} (${results.durationSeconds} s)`);
if (failures.length > 0) {
  console.error(`FAILED:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else console.log('all checks held');
