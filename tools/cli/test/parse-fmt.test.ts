import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type Run } from './cli-process.js';
import { buildProgram, commands, runProgram, type CliIo } from '../src/index.js';

async function inProcess(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => (stdout += t), err: (t) => (stderr += t) };
  const code = await runProgram(buildProgram(commands, io), args, io);
  return { code, stdout, stderr };
}

let dir = '';
const good = 'package opa.pipelines\n\ndeny contains msg if {\n  input.x == 1\n  msg := "no"\n}\n';
const v0 = 'package legacy\n\ndeny[msg] { msg := "no" }\n';
const bad = 'package x\n\np if {\n  input.x ==\n}\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-parse-'));
  await writeFile(join(dir, 'good.rego'), good);
  await writeFile(join(dir, 'v0.rego'), v0);
  await writeFile(join(dir, 'bad.rego'), bad);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('policy-engine parse', () => {
  it('prints the AST as JSON (real process, exit 0)', async () => {
    const r = await cli(['parse', join(dir, 'good.rego')]);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { package: { path: string[] }; rules: { name: string; kind: string }[] };
    expect(m.package.path).toEqual(['opa', 'pipelines']);
    expect(m.rules.map((x) => [x.name, x.kind])).toEqual([['deny', 'partial-set']]);
  });

  it('prints errors with file:line:col and exits 2', async () => {
    const r = await inProcess(['parse', join(dir, 'bad.rego')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${join(dir, 'bad.rego')}:5:1: rego_parse_error: unexpected } token`);
    expect(r.stderr).toContain('\t^');
  });

  it('honours --rego-version and --format pretty', async () => {
    expect((await inProcess(['parse', join(dir, 'v0.rego')])).code).toBe(2);
    const r = await inProcess(['parse', '--rego-version', 'v0', '--format', 'pretty', join(dir, 'v0.rego')]);
    expect(r.code).toBe(0);
    const both = await inProcess(['parse', join(dir, 'good.rego'), join(dir, 'good.rego')]);
    expect((JSON.parse(both.stdout) as unknown[]).length).toBe(2);
    expect(r.stdout).toContain('package legacy (rego v0)');
    expect(r.stdout).toContain('3:1 deny (partial-set)');
    expect((await inProcess(['parse', '--rego-version', 'v9', join(dir, 'good.rego')])).code).toBe(2);
  });
});

describe('policy-engine fmt', () => {
  it('prints formatted text, and --write rewrites only changed files', async () => {
    const r = await inProcess(['fmt', join(dir, 'good.rego')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('package opa.pipelines\n\ndeny contains msg if {\n\tinput.x == 1\n\tmsg := "no"\n}\n');
    const w = await cli(['fmt', '--write', join(dir, 'good.rego')]);
    expect(w.code).toBe(0);
    expect(w.stdout.trim()).toBe(join(dir, 'good.rego'));
    expect(await readFile(join(dir, 'good.rego'), 'utf8')).toBe(r.stdout);
    const again = await inProcess(['fmt', '--write', join(dir, 'good.rego')]);
    expect(again.stdout).toBe('');
  });

  it('leaves files with errors alone and exits 2', async () => {
    const r = await inProcess(['fmt', '--write', join(dir, 'bad.rego')]);
    expect(r.code).toBe(2);
    expect(await readFile(join(dir, 'bad.rego'), 'utf8')).toBe(bad);
  });
});

describe('policy-engine fmt --check, --rego-version auto, directories (real CLI process)', () => {
  it('--check lists files that would change and exits 1; 0 once formatted; writes nothing', async () => {
    const d = join(dir, 'check');
    await mkdir(join(d, 'sub'), { recursive: true });
    const ugly = 'package a\np   :=   1\n';
    await writeFile(join(d, 'ugly.rego'), ugly);
    await writeFile(join(d, 'sub', 'v0.rego'), 'package b\np[x] { x := 1 }\n');
    await writeFile(join(d, 'notes.txt'), 'not rego');
    const r = await cli(['fmt', '--check', '--rego-version', 'auto', d]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([join(d, 'sub', 'v0.rego'), join(d, 'ugly.rego')]);
    expect(await readFile(join(d, 'ugly.rego'), 'utf8')).toBe(ugly);
    const w = await inProcess(['fmt', '--write', '--rego-version', 'auto', d]);
    expect(w.code).toBe(0);
    const again = await inProcess(['fmt', '--check', '--rego-version', 'auto', d]);
    expect(again).toMatchObject({ code: 0, stdout: '' });
    expect(await readFile(join(d, 'ugly.rego'), 'utf8')).toBe('package a\n\np := 1\n');
  }, 180_000);

  it('v0-only syntax needs v0 or auto', async () => {
    const f = join(dir, 'only-v0.rego');
    await writeFile(f, 'package c\nq[x] { x := 2 }\n');
    expect((await inProcess(['parse', '--rego-version', 'v1', f])).code).toBe(2);
    const auto = await cli(['parse', '--rego-version', 'auto', '--format', 'pretty', f]);
    expect(auto.code).toBe(0);
    expect(auto.stdout).toContain('(rego v0)');
    const bad = await inProcess(['fmt', '--rego-version', 'v3', f]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--rego-version must be v0, v1 or auto, got "v3"');
    expect((await inProcess(['fmt', '--check', '--write', f])).code).toBe(2);
  }, 180_000);
});
