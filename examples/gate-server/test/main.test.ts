// `npm start`'s entry point as a real process: startup line, SIGTERM, startup errors.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rawRequest } from './http.js';

const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));

function startMain(extraEnv: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--conditions=@policy-engine/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: PKG_DIR,
    env: { ...process.env, PORT: '0', WATCH_POLICIES: 'false', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
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

  it('refuses ENGINE=native with a clear startup error', async () => {
    const run = startMain({ ENGINE: 'native' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('gate-server: cannot start [ENGINE_NOT_AVAILABLE]: engine "native": the native Rego interpreter is not available yet');
  }, 60_000);

  it('refuses an unknown ENGINE', async () => {
    const run = startMain({ ENGINE: 'v8' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('gate-server: cannot start [ENGINE_NOT_AVAILABLE]: ENGINE: unknown engine "v8": expected one of wasm, opa, native');
  }, 60_000);
});
