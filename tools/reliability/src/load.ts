import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadPlan, LoadReport } from './load-types.js';

const clientFile = fileURLToPath(new URL('./load-client.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** A load process that is running; `report` resolves when it has sent everything and exited. */
export interface RunningLoad {
  readonly pid: number | undefined;
  readonly report: Promise<LoadReport>;
}

/**
 * Starts the load generator in a second Node process (`src/load-client.ts` under tsx) with
 * `plan` and collects its report. The process is killed if it outlives the plan's duration
 * plus its client timeout plus `graceMs`.
 */
export function startLoad(plan: LoadPlan, graceMs = 15_000): RunningLoad {
  const child = spawn(process.execPath, ['--import', 'tsx', clientFile], { cwd: packageDir, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.end(JSON.stringify(plan));
  const report = new Promise<LoadReport>((resolve, reject) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), plan.durationMs + plan.clientTimeoutMs + graceMs);
    child.on('error', (e) => {
      clearTimeout(killer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (code !== 0) {
        reject(new Error(`load process failed (${signal ?? `exit ${code}`}): ${Buffer.concat(err).toString('utf8').slice(0, 2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as LoadReport);
      } catch (e) {
        reject(new Error(`load process wrote no report: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
  return { pid: child.pid, report };
}
