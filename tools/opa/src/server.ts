import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { OpaServerStartError } from './errors.js';
import { findOpa } from './locate.js';

/** Options for {@link startOpaServer}. */
export interface StartOpaServerOptions {
  /** Start with `--v0-compatible` (Rego v0 syntax for loaded and pushed modules). */
  readonly v0Compatible?: boolean;
  /** Files or directories to load at start (`.rego`, `.json`, `.yaml`; or bundles with `bundle`). */
  readonly files?: readonly string[];
  /** Treat `files` as bundles (`--bundle`). */
  readonly bundle?: boolean;
  /** Extra arguments passed to `opa run`. */
  readonly args?: readonly string[];
  /** How long to wait for `GET /health` to answer 200 (default 20 000 ms). */
  readonly readyTimeoutMs?: number;
  readonly opaBin?: string;
  /** Use this port instead of a free one (e.g. to restart a server on the same address). */
  readonly port?: number;
}

/** A running `opa run --server` on a loopback port. */
export interface OpaServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash, no `/v1`). */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the process has written so far (OPA logs JSON lines to stderr). */
  output(): string;
  /** Whether the process is still running. */
  running(): boolean;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); resolves when it has exited. Idempotent. */
  stop(): Promise<void>;
  /** Kills the process at once (SIGKILL), e.g. to simulate a crash. */
  kill(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const child of live) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  // A signal's default action ends Node without 'exit': kill the servers first, then, when
  // nobody else handles the signal, die of it as before (re-raised without this listener).
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function waitExit(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill(signal);
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts `opa run --server --addr 127.0.0.1:<free port>` and resolves once `GET /health`
 * answers 200. Telemetry and version checks are off. The process is killed when this
 * Node process exits (also of an uncaught error, SIGTERM, SIGINT or SIGHUP), so a failing
 * or interrupted test run never leaves a server behind.
 */
export async function startOpaServer(options: StartOpaServerOptions = {}): Promise<OpaServer> {
  const bin = options.opaBin ?? findOpa();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args = [
    'run',
    '--server',
    '--addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--skip-version-check',
    '--log-level',
    'error',
    ...(options.v0Compatible ? ['--v0-compatible'] : []),
    ...(options.bundle ? ['--bundle'] : []),
    ...(options.args ?? []),
    ...(options.files ?? []),
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  installExitHook();
  live.add(child);
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString('utf8')));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString('utf8')));
  let spawnError: Error | undefined;
  child.on('error', (e) => (spawnError = e));
  child.on('exit', () => live.delete(child));

  const server: OpaServer = {
    url,
    port,
    pid: child.pid ?? -1,
    output: () => output,
    running: () => child.exitCode === null && child.signalCode === null,
    stop: () => waitExit(child, 'SIGTERM', 5000),
    kill: () => waitExit(child, 'SIGKILL', 1000),
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (spawnError) throw new OpaServerStartError(`could not start ${bin}: ${spawnError.message}`, output);
    if (!server.running()) {
      throw new OpaServerStartError(`opa exited with code ${child.exitCode ?? child.signalCode} before it was healthy`, output);
    }
    if (await healthy(url)) return server;
    await new Promise((r) => setTimeout(r, 50));
  }
  await server.kill();
  throw new OpaServerStartError(`opa did not answer ${url}/health within ${options.readyTimeoutMs ?? 20_000} ms`, output);
}
