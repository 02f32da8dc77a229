// `npm start`'s entry point as a real process: startup line, SIGTERM, startup errors.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '@policy-engine/test-kit';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `src/main.ts` directly, or (`command` given) e.g. `npm start` from the repository root. */
function startMain(extraEnv: Record<string, string>, command?: { cmd: string; args: string[]; cwd: string }): Started {
  const cmd = command ?? {
    cmd: process.execPath,
    args: ['--conditions=@policy-engine/source', '--import', 'tsx', 'src/main.ts'],
    cwd: PKG_DIR,
  };
  const child = spawn(cmd.cmd, cmd.args, {
    cwd: cmd.cwd,
    env: { ...process.env, PORT: '0', WATCH_POLICIES: 'false', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a failed test can kill whatever the chain left behind.
    detached: command !== undefined,
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('src/main.ts as a process', () => {
  it('logs one startup line, serves, and exits 0 on SIGTERM', async () => {
    const run = startMain({ ENGINE: 'wasm' });
    try {
      await waitFor(() => /listening on http:\/\/\S+/.test(run.output()), 60_000);
      const url = /listening on (http:\/\/\S+)/.exec(run.output())?.[1] ?? '';
      expect(run.output()).toMatch(/engine=wasm policies=\S+examples\/policies packages=\S*spinnaker\.http\.authz/);
      expect((await rawRequest(url, '/health')).status).toBe(200);
      expect((await rawRequest(url, '/applications', { auth: 'dev:dev' })).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('SIGTERM received, shutting down');
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  }, 90_000);

  it('`npm start` (root script chain): SIGTERM reaches the gate, which closes its port and exits 0 within seconds', async () => {
    // npm runs scripts through `sh -c`, which neither forwards signals nor execs a `&&` list:
    // both scripts `exec` their last command, so the chain is npm → npm → node and npm forwards.
    const run = startMain({ ENGINE: 'wasm', INIT_CWD: REPO_ROOT }, { cmd: 'npm', args: ['start', '--silent'], cwd: REPO_ROOT });
    try {
      await waitFor(() => /listening on http:\/\/\S+/.test(run.output()), 90_000);
      const url = /listening on (http:\/\/\S+)/.exec(run.output())?.[1] ?? '';
      expect((await rawRequest(url, '/health')).status).toBe(200);
      const signalled = Date.now();
      run.child.kill('SIGTERM');
      const code = await Promise.race([run.exited, new Promise<string>((r) => setTimeout(() => r('still running after 10 s'), 10_000))]);
      expect(code).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(run.output()).toContain('gate-server: SIGTERM received, shutting down');
      // Nothing listens any more: no orphaned gate process kept the port.
      await expect(rawRequest(url, '/health')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      if (run.child.pid !== undefined) {
        try {
          process.kill(-run.child.pid, 'SIGKILL'); // the group: an orphaned gate too
        } catch {
          // Nothing left in the group.
        }
      }
    }
  }, 120_000);

  it('also shuts down on SIGINT', async () => {
    const run = startMain({ ENGINE: 'wasm' });
    try {
      await waitFor(() => /listening on http:\/\/\S+/.test(run.output()), 60_000);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('SIGINT received, shutting down');
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  }, 90_000);

  it('without ENGINE serves on the default engine, native', async () => {
    const run = startMain({});
    try {
      await waitFor(() => /listening on http:\/\/\S+/.test(run.output()), 60_000);
      expect(run.output()).toMatch(/engine=native policies=/);
      const url = /listening on (http:\/\/\S+)/.exec(run.output())?.[1] ?? '';
      expect((await rawRequest(url, '/applications', { auth: 'dev:dev' })).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  }, 90_000);

  it('refuses an unknown ENGINE', async () => {
    const run = startMain({ ENGINE: 'v8' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(
      'gate-server: cannot start [ENGINE_NOT_AVAILABLE]: ENGINE: unknown engine "v8": expected one of native, wasm, opa',
    );
  }, 60_000);
});
