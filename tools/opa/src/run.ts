import { spawn } from 'node:child_process';
import { findOpa } from './locate.js';

/** Result of one `opa` command run to completion. */
export interface OpaRunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link runOpa}. */
export interface RunOpaOptions {
  /** Written to the process's standard input, then closed. */
  readonly stdin?: string;
  readonly cwd?: string;
  /** Kill the process after this many milliseconds (default 120 000). */
  readonly timeoutMs?: number;
  readonly opaBin?: string;
}

/** Runs `opa <args>` and collects its output. Never throws for a non-zero exit. */
export function runOpa(args: readonly string[], options: RunOpaOptions = {}): Promise<OpaRunResult> {
  const bin = options.opaBin ?? findOpa();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, [...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A command that does not read its input (`opa build`, `opa sign`) may exit before the write
    // lands: the pipe's EPIPE is then no failure of the run (its exit code and output tell).
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}
