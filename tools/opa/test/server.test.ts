import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { OPA_VERSION, OpaServerStartError, findOpa, opaVersion, runOpa, startOpaServer, type OpaServer } from '../src/index.js';

let server: OpaServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('tools/opa', () => {
  it('finds the pinned OPA version', () => {
    expect(opaVersion(findOpa())).toBe(OPA_VERSION);
  });

  it('starts a server, answers /health, evaluates a loaded policy and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opa-tools-'));
    writeFileSync(join(dir, 'p.rego'), 'package t\n\nallow if input.x == 1\n');
    server = await startOpaServer({ files: [join(dir, 'p.rego')] });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const res = await fetch(`${server.url}/v1/data/t/allow`, { method: 'POST', body: JSON.stringify({ input: { x: 1 } }) });
    expect(await res.json()).toEqual({ result: true });
    await server.stop();
    expect(server.running()).toBe(false);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('loads v0 syntax only with v0Compatible', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opa-tools-'));
    writeFileSync(join(dir, 'v0.rego'), 'package t\n\ndeny["no"] { input.x == 1 }\n');
    await expect(startOpaServer({ files: [join(dir, 'v0.rego')] })).rejects.toBeInstanceOf(OpaServerStartError);
    server = await startOpaServer({ files: [join(dir, 'v0.rego')], v0Compatible: true });
    const res = await fetch(`${server.url}/v1/data/t/deny`, { method: 'POST', body: JSON.stringify({ input: { x: 1 } }) });
    expect(await res.json()).toEqual({ result: ['no'] });
  });

  it('runs one-shot commands', async () => {
    const r = await runOpa(['eval', '--format', 'raw', '1 + 2']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('3');
  });

  it('a command that exits without reading its standard input is no broken-pipe error', async () => {
    // 8 MiB cannot fit in the pipe: `opa version` exits first, and the rest of the write fails with EPIPE.
    const r = await runOpa(['version'], { stdin: 'x'.repeat(8 << 20) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Version: /m);
  });

  it('a process that dies of an uncaught error (a failing test run) leaves no OPA behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opa-tools-'));
    const script = join(dir, 'crash.mts');
    const lib = resolve(fileURLToPath(new URL('../src/index.ts', import.meta.url)));
    writeFileSync(
      script,
      `import { startOpaServer } from ${JSON.stringify(lib)};\n` +
        `const s = await startOpaServer();\nprocess.stdout.write(\`\${s.pid}\\n\`);\nthrow new Error('test failed');\n`,
    );
    const tsx = resolve(fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url)));
    const run = spawnSync(process.execPath, [tsx, script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('test failed');
    const pid = Number(run.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    // Gone, or at most a zombie waiting for init to reap it (no longer running).
    await expect.poll(() => processRunning(pid), { timeout: 5000 }).toBe(false);
  });

  it('a process ended by SIGTERM leaves no OPA behind and still dies of the signal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opa-tools-'));
    const script = join(dir, 'wait.mts');
    const lib = resolve(fileURLToPath(new URL('../src/index.ts', import.meta.url)));
    writeFileSync(
      script,
      `import { startOpaServer } from ${JSON.stringify(lib)};\n` +
        `const s = await startOpaServer();\nprocess.stdout.write(\`\${s.pid}\\n\`);\nsetInterval(() => undefined, 1000);\n`,
    );
    const tsx = resolve(fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url)));
    // Plain node (not the tsx CLI wrapper, which relays signals itself): tsx as an import hook.
    const child = spawn(process.execPath, ['--import', tsx.replace(/cli\.mjs$/, 'esm/index.mjs'), script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    try {
      await expect.poll(() => Number(stdout.trim()), { timeout: 20_000 }).toBeGreaterThan(0);
      const pid = Number(stdout.trim());
      expect(processRunning(pid)).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe('SIGTERM');
      await expect.poll(() => processRunning(pid), { timeout: 5000 }).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

/** True while `pid` exists and is not a zombie waiting to be reaped. */
function processRunning(pid: number): boolean {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(status, 'utf8'));
  } catch {
    return false;
  }
}

describe('startOpaServer protect: only the holder of the per-server token may use it', () => {
  it('refuses requests without the token with 401, keeps /health open, admits the token', async () => {
    server = await startOpaServer({ v0Compatible: true, protect: true });
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    expect(server.headers).toEqual({ authorization: `Bearer ${server.token}` });
    const put = (headers: Record<string, string>) =>
      fetch(`${server!.url}/v1/policies/p`, { method: 'PUT', headers, body: 'package p\n\nallow := true\n' });
    expect((await put({})).status).toBe(401);
    expect((await put({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await put(server.headers)).status).toBe(200);
    expect((await fetch(`${server.url}/v1/policies/p`, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(`${server.url}/v1/data/p/allow`)).status).toBe(401);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const data = await fetch(`${server.url}/v1/data/p/allow`, { headers: server.headers });
    expect(await data.json()).toEqual({ result: true });
  });
});

describe('startOpaServer restart: a server that dies is started again on the same port', () => {
  it('restarts after a crash with the same token, logs it, and stops for good on stop()', async () => {
    const events: string[] = [];
    server = await startOpaServer({ protect: true, restart: { initialDelayMs: 50, onEvent: (m) => events.push(m) } });
    const firstPid = server.pid;
    await server.kill();
    await expect.poll(() => server!.restarts, { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await fetch(`${server!.url}/health`).catch(() => undefined))?.status, { timeout: 10_000 }).toBe(200);
    expect(server.pid).not.toBe(firstPid);
    expect(server.running()).toBe(true);
    expect((await fetch(`${server.url}/v1/policies`, { headers: server.headers })).status).toBe(200);
    expect((await fetch(`${server.url}/v1/policies`)).status).toBe(401);
    await expect.poll(() => events.some((e) => e.includes('restarted')), { timeout: 10_000 }).toBe(true);
    expect(events[0]).toMatch(/exited unexpectedly \(SIGKILL\); restarting in 50 ms/);
    await server.stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(server.running()).toBe(false);
    expect(server.restarts).toBe(1);
  });
});
