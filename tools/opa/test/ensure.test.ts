import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPA_VERSION, OpaNotFoundError, ensureOpa, findOpa, opaVersion, repoRoot, toolsDir } from '../src/index.js';

const realOpa = findOpa();
const saved = { ...process.env };

describe('toolsDir and ensureOpa', () => {
  let empty: string;
  beforeEach(() => {
    empty = mkdtempSync(join(tmpdir(), 'opa-tools-'));
  });
  afterEach(() => {
    for (const key of ['PATH', 'OPA_BIN', 'POLICY_ENGINE_TOOLS_DIR']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('toolsDir is $POLICY_ENGINE_TOOLS_DIR when set, else <repo>/.tools', () => {
    delete process.env['POLICY_ENGINE_TOOLS_DIR'];
    expect(toolsDir()).toBe(join(repoRoot, '.tools'));
    process.env['POLICY_ENGINE_TOOLS_DIR'] = empty;
    expect(toolsDir()).toBe(empty);
  });

  it('finds an opa installed in POLICY_ENGINE_TOOLS_DIR without installing anything', async () => {
    mkdirSync(join(empty, 'bin'));
    symlinkSync(realOpa, join(empty, 'bin', 'opa'));
    delete process.env['OPA_BIN'];
    process.env['POLICY_ENGINE_TOOLS_DIR'] = empty;
    process.env['PATH'] = mkdtempSync(join(tmpdir(), 'opa-path-'));
    const bin = await ensureOpa({ onLog: () => undefined });
    expect(bin).toBe(join(empty, 'bin', 'opa'));
    expect(opaVersion(bin)).toBe(OPA_VERSION);
  });

  it('without OPA and without Go: a typed OPA_NOT_FOUND error naming the ways out', async () => {
    delete process.env['OPA_BIN'];
    process.env['POLICY_ENGINE_TOOLS_DIR'] = empty;
    process.env['PATH'] = mkdtempSync(join(tmpdir(), 'opa-path-'));
    expect(() => findOpa()).toThrow(OpaNotFoundError);
    const lines: string[] = [];
    const err = await ensureOpa({ onLog: (l) => lines.push(l) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpaNotFoundError);
    expect(err).toMatchObject({ code: 'OPA_NOT_FOUND' });
    const message = (err as Error).message;
    expect(message).toContain(`OPA ${OPA_VERSION} is not available and could not be installed`);
    expect(message).toContain('set OPA_BIN');
    expect(message).toContain('install Go');
    expect(message).toContain(empty);
  });

  it('install: false only finds', async () => {
    delete process.env['OPA_BIN'];
    process.env['POLICY_ENGINE_TOOLS_DIR'] = empty;
    process.env['PATH'] = mkdtempSync(join(tmpdir(), 'opa-path-'));
    await expect(ensureOpa({ install: false })).rejects.toThrow(/No opa binary found/);
  });
});
