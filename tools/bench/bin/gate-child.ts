// The example gate-server for the gateway benchmark, in its own process (autocannon loads it
// from the bench process). `--without-authorization` builds the same app without the
// authorization middleware (the baseline). Prints one JSON line `{"url":…}` once listening;
// on SIGUSR2 prints `{"cpu_us":…}`, its CPU time (user + system) since the previous SIGUSR2;
// exits on SIGTERM after closing the gate.
import { settingsFromEnv, startGateServer } from '@policy-engine/gate-server';

const without = process.argv.includes('--without-authorization');
const settings = settingsFromEnv({ ...process.env, PORT: '0', HOST: '127.0.0.1', ENGINE: 'native', WATCH_POLICIES: 'false' });
// Before anything is printed: a SIGUSR2 that came first would end the process.
let cpuMark = process.cpuUsage();
process.on('SIGUSR2', () => {
  const used = process.cpuUsage(cpuMark);
  cpuMark = process.cpuUsage();
  console.log(JSON.stringify({ cpu_us: used.user + used.system }));
});
const gate = await startGateServer(settings, { withoutAuthorization: without });
console.log(JSON.stringify({ url: gate.url, engine: gate.engine, withoutAuthorization: without }));
process.on('SIGTERM', () => {
  void gate.close(1000).then(() => process.exit(0));
});
