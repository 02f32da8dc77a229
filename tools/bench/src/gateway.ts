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
  /** The gate process's CPU time (user + system) per answered request during the measured run. */
  readonly server_cpu_us_per_req: number;
}

const CHILD = fileURLToPath(new URL('../bin/gate-child.ts', import.meta.url));

/** A started gate child: its URL, and its CPU time since the previous call (SIGUSR2). */
interface GateChild {
  readonly url: string;
  readonly child: ChildProcess;
  cpuSinceLast(): Promise<number>;
}

/** How the gate is built: the middleware as configured by default, the middleware without the decision cache, or no middleware. */
export type GateMode = 'with' | 'uncached' | 'without';

async function startGate(mode: GateMode, repoRoot: string): Promise<GateChild> {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: repoRoot };
  // The gate-server's own default (DECISION_CACHE_MS unset) in the 'with' run; 0 turns the cache off.
  if (mode === 'uncached') env['DECISION_CACHE_MS'] = '0';
  else delete env['DECISION_CACHE_MS'];
  const child = spawn(
    process.execPath,
    ['--conditions=@policy-engine/source', '--import', 'tsx', CHILD, ...(mode === 'without' ? ['--without-authorization'] : [])],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  let onCpu: ((us: number) => void) | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`gate child exited (${code}) before listening`)));
    lines.on('line', (line) => {
      try {
        const doc = JSON.parse(line) as { url?: unknown; cpu_us?: unknown };
        if (typeof doc.url === 'string') resolve(doc.url);
        if (typeof doc.cpu_us === 'number') onCpu?.(doc.cpu_us);
      } catch {
        // not one of the child's JSON lines
      }
    });
  });
  const cpuSinceLast = () =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('gate child did not report its CPU time')), 5000);
      onCpu = (us) => {
        clearTimeout(timer);
        onCpu = undefined;
        resolve(us);
      };
      child.kill('SIGUSR2');
    });
  return { url, child, cpuSinceLast };
}

async function stopGate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function cannon(
  gate: GateChild,
  route: string,
  connections: number,
  durationS: number,
  headers: Record<string, string>,
): Promise<GateRun> {
  await gate.cpuSinceLast();
  const result = await autocannon({ url: `${gate.url}${route}`, connections, duration: durationS, pipelining: 1, headers });
  const cpuUs = await gate.cpuSinceLast();
  return {
    rps: sig(result.requests.average),
    p50_us: sig(result.latency.p50 * 1000),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    server_cpu_us_per_req: sig(cpuUs / Math.max(1, result.requests.total)),
  };
}

/**
 * Saturated rps and p50 of `GET <route>` as `user:password` (basic auth): with the middleware as
 * the gate-server configures it by default (its decision cache on), with the middleware and the
 * decision cache off, and without the middleware; and the gate process's CPU time per request
 * (what the middleware adds, whatever the client's share of the cores). Each gate gets a warm-up
 * run first. Non-2xx answers or socket errors fail the run.
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
): Promise<Record<GateMode, GateRun>> {
  const headers = { authorization: `Basic ${Buffer.from(opts.user).toString('base64')}` };
  const out: Partial<Record<GateMode, GateRun>> = {};
  for (const mode of ['with', 'uncached', 'without'] as const) {
    const gate = await startGate(mode, repoRoot);
    try {
      await cannon(gate, opts.route, opts.connections, opts.warmupS, headers);
      const run = await cannon(gate, opts.route, opts.connections, opts.durationS, headers);
      if (run.non2xx > 0 || run.errors > 0) throw new Error(`gateway (${mode}): ${run.non2xx} non-2xx answers, ${run.errors} errors`);
      out[mode] = run;
    } finally {
      await stopGate(gate.child);
    }
  }
  return { with: out.with!, uncached: out.uncached!, without: out.without! };
}
