import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /**
   * An OPA configuration (`services`, `bundles`, `keys`, `decision_logs`, …; see OPA's
   * configuration reference), written as JSON (OPA reads it as YAML) to a file only this user can
   * read (it may hold tokens) in a temporary directory owned by the server, passed as
   * `--config-file`, and removed by `stop()`. A restarted server reads the same file.
   */
  readonly config?: Readonly<Record<string, unknown>>;
  /** How long to wait for `GET /health` to answer 200 (default 20 000 ms). */
  readonly readyTimeoutMs?: number;
  readonly opaBin?: string;
  /** Use this port instead of a free one (e.g. to restart a server on the same address). */
  readonly port?: number;
  /**
   * Protect the server from other local processes: start it with `--authentication=token
   * --authorization=basic` and a `system.authz` policy that admits only a random per-server
   * bearer token (`OpaServer.token`, `OpaServer.headers`); `GET /health` stays open. The policy
   * file holds the token's sha256, not the token, in a directory only this user can read.
   */
  readonly protect?: boolean;
  /** Restart the server (same port, same arguments, same token) when it exits unexpectedly. */
  readonly restart?: OpaRestartOptions;
}

/** When and how a crashed server is started again (see `StartOpaServerOptions.restart`). */
export interface OpaRestartOptions {
  /** First delay before a restart, ms (default 100); doubles for each restart of a server that did not stay up. */
  readonly initialDelayMs?: number;
  /** Longest delay, ms (default 5 000). */
  readonly maxDelayMs?: number;
  /** A server that stayed up this long resets the delay and the count (default 10 000 ms). */
  readonly stableMs?: number;
  /** Gives up after this many restarts in a row that did not stay up (default 10). */
  readonly maxRestarts?: number;
  /** Told about every exit, restart and give-up, one line each (e.g. a logger). */
  readonly onEvent?: (message: string) => void;
}

/** A running `opa run --server` on a loopback port. */
export interface OpaServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash, no `/v1`). */
  readonly url: string;
  readonly port: number;
  /** Process id of the current process (changes when a restart happens). */
  readonly pid: number;
  /** With `protect`: the bearer token the server admits. */
  readonly token?: string;
  /** Headers a client needs (`authorization: Bearer <token>` with `protect`, else none). */
  readonly headers: Readonly<Record<string, string>>;
  /** How many times the server was restarted after an unexpected exit. */
  readonly restarts: number;
  /** Everything the process has written so far (OPA logs JSON lines to stderr). */
  output(): string;
  /** Whether the process is still running. */
  running(): boolean;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and any restarting; resolves when it has exited. Idempotent. */
  stop(): Promise<void>;
  /** Kills the process at once (SIGKILL), e.g. to simulate a crash (with `restart`, it is started again). */
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
/** Set once this process is exiting or got a terminating signal: crashed servers are not restarted then. */
let shuttingDown = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    shuttingDown = true;
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

/** The `system.authz` policy of a protected server: the token's hash is admitted, `GET /health` is open. */
function authzPolicy(token: string): string {
  const digest = createHash('sha256').update(token).digest('hex');
  return [
    'package system.authz',
    '',
    'import rego.v1',
    '',
    'default allow := false',
    '',
    `allow if crypto.sha256(input.identity) == "${digest}"`,
    '',
    'allow if {',
    '\tinput.method == "GET"',
    '\tinput.path == ["health"]',
    '}',
    '',
  ].join('\n');
}

interface Spawned {
  readonly child: ChildProcess;
  spawnError?: Error;
}

/**
 * Starts `opa run --server --addr 127.0.0.1:<free port>` and resolves once `GET /health`
 * answers 200. Telemetry and version checks are off. The process is killed when this
 * Node process exits (also of an uncaught error, SIGTERM, SIGINT or SIGHUP), so a failing
 * or interrupted test run never leaves a server behind. With `protect`, only holders of the
 * server's token may use it; with `restart`, a server that dies is started again with backoff;
 * with `config`, it runs with that OPA configuration (e.g. pulling bundles with its bundle plugin).
 */
export async function startOpaServer(options: StartOpaServerOptions = {}): Promise<OpaServer> {
  const bin = options.opaBin ?? findOpa();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  let token: string | undefined;
  let authzDir: string | undefined;
  const protectArgs: string[] = [];
  if (options.protect) {
    token = randomBytes(32).toString('hex');
    authzDir = mkdtempSync(join(tmpdir(), 'policy-engine-opa-authz-')); // mode 0700
    const file = join(authzDir, 'authz.rego');
    writeFileSync(file, authzPolicy(token), { mode: 0o600 });
    protectArgs.push('--authentication=token', '--authorization=basic', file);
  }
  let configDir: string | undefined;
  const configArgs: string[] = [];
  if (options.config !== undefined) {
    configDir = mkdtempSync(join(tmpdir(), 'policy-engine-opa-config-')); // mode 0700
    const file = join(configDir, 'config.yaml');
    writeFileSync(file, `${JSON.stringify(options.config, null, 2)}\n`, { mode: 0o600 });
    configArgs.push('--config-file', file);
  }
  /** Removes the files written for the server (authz policy, config). */
  const removeFiles = (): void => {
    if (authzDir) rmSync(authzDir, { recursive: true, force: true });
    if (configDir) rmSync(configDir, { recursive: true, force: true });
    authzDir = undefined;
    configDir = undefined;
  };
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
    ...protectArgs,
    ...configArgs,
    ...(options.args ?? []),
    ...(options.files ?? []),
  ];
  let output = '';
  const spawnOnce = (): Spawned => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    installExitHook();
    live.add(child);
    const spawned: Spawned = { child };
    child.stdout?.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.on('error', (e) => (spawned.spawnError = e));
    child.on('exit', () => live.delete(child));
    return spawned;
  };
  const isRunning = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;
  /** Waits for `GET /health`; throws OpaServerStartError when the process dies or the time is up. */
  const awaitReady = async (spawned: Spawned): Promise<void> => {
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (spawned.spawnError) throw new OpaServerStartError(`could not start ${bin}: ${spawned.spawnError.message}`, output);
      if (!isRunning(spawned.child)) {
        throw new OpaServerStartError(
          `opa exited with code ${spawned.child.exitCode ?? spawned.child.signalCode} before it was healthy`,
          output,
        );
      }
      if (await healthy(url)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitExit(spawned.child, 'SIGKILL', 1000);
    throw new OpaServerStartError(`opa did not answer ${url}/health within ${readyTimeoutMs} ms`, output);
  };

  let current = spawnOnce();
  let stopped = false;
  let restarts = 0;
  let unstable = 0;
  let startedAt = Date.now();
  let restartTimer: NodeJS.Timeout | undefined;
  const restart = options.restart;
  const say = (message: string): void => restart?.onEvent?.(`opa ${url}: ${message}`);

  const supervise = (spawned: Spawned): void => {
    if (!restart) return;
    spawned.child.once('exit', (code, signal) => {
      if (stopped || shuttingDown || spawned !== current) return;
      const initial = restart.initialDelayMs ?? 100;
      const stayedUp = Date.now() - startedAt >= (restart.stableMs ?? 10_000);
      unstable = stayedUp ? 0 : unstable + 1;
      if (unstable > (restart.maxRestarts ?? 10)) {
        say(`exited (${signal ?? `code ${code}`}) and did not stay up ${unstable - 1} times in a row: not restarting again`);
        return;
      }
      const delay = Math.min(restart.maxDelayMs ?? 5000, initial * 2 ** Math.max(0, unstable - 1));
      say(`exited unexpectedly (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
      const attempt = async (): Promise<void> => {
        restartTimer = undefined;
        if (stopped) return;
        const next = spawnOnce();
        current = next;
        startedAt = Date.now();
        restarts++;
        supervise(next);
        try {
          await awaitReady(next);
          if (!stopped) say(`restarted (pid ${next.child.pid ?? -1}, restart ${restarts})`);
        } catch (error) {
          say(`restart failed: ${(error as Error).message}`);
          // The exit listener of `next` schedules the next attempt (a dead process has exited).
          if (isRunning(next.child)) await waitExit(next.child, 'SIGKILL', 1000);
        }
      };
      restartTimer = setTimeout(() => void attempt(), delay);
    });
  };

  const server: OpaServer = {
    url,
    port,
    get pid() {
      return current.child.pid ?? -1;
    },
    ...(token !== undefined ? { token } : {}),
    headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
    get restarts() {
      return restarts;
    },
    output: () => output,
    running: () => isRunning(current.child),
    stop: async () => {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      await waitExit(current.child, 'SIGTERM', 5000);
      removeFiles();
    },
    kill: () => waitExit(current.child, 'SIGKILL', 1000),
  };

  try {
    await awaitReady(current);
  } catch (error) {
    stopped = true;
    removeFiles();
    throw error;
  }
  supervise(current);
  return server;
}
