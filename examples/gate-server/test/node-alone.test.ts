// Issue 11's acceptance: on a machine with Node and nothing else (no opa, no go, no .tools),
// `npm start` serves the example gate on the native engine and enforces its policies; the
// engines that need OPA fail at startup with a typed error instead of hanging.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '@policy-engine/test-kit';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function which(name: string): string {
  const dirs = [dirname(process.execPath), ...(process.env['PATH'] ?? '').split(delimiter)];
  for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`${name} not found on PATH`);
}

interface Run {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

let binDir: string;
let toolsDir: string;
const runs: Run[] = [];

beforeAll(() => {
  // PATH is this directory alone: node, npm and sh, nothing else (no opa, no go).
  binDir = mkdtempSync(join(tmpdir(), 'gate-node-alone-bin-'));
  symlinkSync(process.execPath, join(binDir, 'node'));
  symlinkSync(which('npm'), join(binDir, 'npm'));
  symlinkSync(which('sh'), join(binDir, 'sh'));
  toolsDir = mkdtempSync(join(tmpdir(), 'gate-node-alone-tools-'));
});

afterEach(() => {
  for (const run of runs.splice(0)) {
    if (run.child.pid === undefined) continue;
    try {
      process.kill(-run.child.pid, 'SIGKILL'); // its process group: npm, npm, node
    } catch {
      // Already gone.
    }
  }
});

/** `npm start` from the repository root with a bare environment: no OPA_BIN, PATH = node, npm, sh. */
function npmStart(extra: Record<string, string>): Run {
  const env: Record<string, string> = {
    PATH: binDir,
    HOME: mkdtempSync(join(tmpdir(), 'gate-node-alone-home-')),
    POLICY_ENGINE_TOOLS_DIR: toolsDir,
    PORT: '0',
    WATCH_POLICIES: 'false',
    ...extra,
  };
  const child = spawn(join(binDir, 'npm'), ['start', '--silent'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const run = { child, output: () => out, exited };
  runs.push(run);
  return run;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);
}

async function listening(run: Run, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(run.output())?.[1];
    if (url) return url;
    if (run.child.exitCode !== null) throw new Error(`exited ${run.child.exitCode}:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`not listening within ${ms} ms:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function postTask(url: string, auth: string) {
  return rawRequest(url, '/tasks', {
    method: 'POST',
    auth,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ application: 'demo', job: [{ type: 'deployManifest', account: 'prod' }] }),
  });
}

describe('npm start with Node alone', () => {
  it('the environment has no opa and no go', () => {
    expect(readdirSync(binDir).sort()).toEqual(['node', 'npm', 'sh']);
    expect(readdirSync(toolsDir)).toEqual([]);
  });

  it('serves on the native engine (the default) and enforces the example policies', async () => {
    const run = npmStart({});
    const url = await listening(run, 60_000);
    expect(run.output()).toMatch(/engine=native policies=\S+examples\/policies packages=\S*spinnaker\.http\.authz/);
    expect((await rawRequest(url, '/health')).status).toBe(200);
    const denied = await postTask(url, 'dev:dev');
    expect(denied.status).toBe(403);
    expect(denied.json()).toEqual({ error: 'Forbidden', message: 'deployManifest requires the deployers role' });
    const allowed = await postTask(url, 'deployer:deployer');
    expect(allowed.status).toBe(200);
    expect((allowed.json() as { ref: string }).ref).toMatch(/^\/tasks\//);
    run.child.kill('SIGTERM');
    expect(await within(run.exited, 10_000, 'exit after SIGTERM')).toBe(0);
    // Nothing was installed or looked up in the tools directory.
    expect(readdirSync(toolsDir)).toEqual([]);
    expect(run.output()).not.toMatch(/ensure-opa|opa build/);
  }, 90_000);

  it.each(['wasm', 'opa'])(
    'ENGINE=%s fails at startup with the typed OPA-not-found error, no hang',
    async (engine) => {
      const run = npmStart({ ENGINE: engine });
      const code = await within(run.exited, 60_000, `ENGINE=${engine} startup`);
      expect(code).not.toBe(0);
      const out = run.output();
      expect(out).toContain(
        `gate-server: cannot start [OPA_NOT_FOUND]: ENGINE=${engine} needs OPA: OPA 1.22.3 is not available and could not be installed`,
      );
      expect(out).toContain('set OPA_BIN');
      expect(out).toContain('ENGINE=native (the default) needs no OPA');
      expect(out).not.toContain('listening on');
      expect(readdirSync(toolsDir)).toEqual([]);
    },
    90_000,
  );
});
