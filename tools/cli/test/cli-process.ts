// Runs the real `policy-engine` binary as a child process (exit code and both streams), for
// the tests that check what a user sees from the command line.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../bin/policy-engine.mjs');
/** The repository root, the child's working directory. */
export const REPO = resolve(here, '../../..');

/** What a run of the binary gave. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `policy-engine <args>` from the repo root, with `stdin` (default: empty) on its standard input. */
export function cli(args: readonly string[], stdin?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
