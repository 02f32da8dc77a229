/**
 * The example gate-server's saturated throughput and p50 on its cheapest guarded route, with
 * and without the authorization middleware: the gate in a child process, autocannon here
 * (fixed connections and duration). Measuring code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sig } from './stats.js';

/** One autocannon run against one gate. */
export interface GateRun {
  readonly rps: number;
  readonly p50_us: number;
  readonly non2xx: number;
  readonly errors: number;
}

const CHILD = fileURLToPath(new URL('../bin/gate-child.ts', import.meta.url));

async function startGate(without: boolean, repoRoot: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@policy-engine/source', '--import', 'tsx', CHILD, ...(without ? ['--without-authorization'] : [])],
    {
      cwd: repoRoot,
      env: { ...process.env, INIT_CWD: repoRoot },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`gate child exited (${code}) before listening`)));
    lines.on('line', (line) => {
      try {
        const doc = JSON.parse(line) as { url?: unknown };
        if (typeof doc.url === 'string') resolve(doc.url);
      } catch {
        // not the startup line
      }
    });
  });
  return { url, child };
}

async function stopGate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function cannon(url: string, connections: number, durationS: number, headers: Record<string, string>): Promise<GateRun> {
  const result = await autocannon({ url, connections, duration: durationS, pipelining: 1, headers });
  return {
    rps: sig(result.requests.average),
    p50_us: sig(result.latency.p50 * 1000),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Saturated rps and p50 of `GET <route>` as `user:password` (basic auth), with and without the
 * middleware; each gate gets a warm-up run first. Non-2xx answers or socket errors fail the run.
 */
export async function gatewayBench(
  repoRoot: string,
  opts: {
    readonly connections: number;
    readonly durationS: number;
    readonly warmupS: number;
    readonly route: string;
    readonly user: string;
  },
): Promise<{ with: GateRun; without: GateRun }> {
  const headers = { authorization: `Basic ${Buffer.from(opts.user).toString('base64')}` };
  const out: Partial<Record<'with' | 'without', GateRun>> = {};
  for (const mode of ['with', 'without'] as const) {
    const { url, child } = await startGate(mode === 'without', repoRoot);
    try {
      await cannon(`${url}${opts.route}`, opts.connections, opts.warmupS, headers);
      const run = await cannon(`${url}${opts.route}`, opts.connections, opts.durationS, headers);
      if (run.non2xx > 0 || run.errors > 0)
        throw new Error(`gateway ${mode} authorization: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
      out[mode] = run;
    } finally {
      await stopGate(child);
    }
  }
  return { with: out.with!, without: out.without! };
}
