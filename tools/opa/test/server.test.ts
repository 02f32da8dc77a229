import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
