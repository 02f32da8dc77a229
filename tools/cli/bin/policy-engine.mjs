#!/usr/bin/env node
// The `policy-engine` command. Runs the CLI from its TypeScript sources (through tsx, with
// the workspace's `@policy-engine/source` export condition) so that a fresh clone needs no
// build step; a published install runs the compiled `dist/main.js` instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const srcMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const distMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));

if (!existsSync(srcMain) && existsSync(distMain)) {
  await import(distMain);
} else {
  const tsx = import.meta.resolve('tsx');
  const child = spawn(process.execPath, ['--conditions=@policy-engine/source', '--import', tsx, srcMain, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
