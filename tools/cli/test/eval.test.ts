import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startOpaServer } from '@policy-engine/opa';
import { DEFAULT_ENGINE } from '@policy-engine/engines';
import { buildProgram, commands, runProgram, type CliIo } from '../src/index.js';
import { packageName, unknownPackageWarning } from '../src/commands/eval.js';

const BIN = fileURLToPath(new URL('../bin/policy-engine.mjs', import.meta.url));

let dir: string;
let policies: string;
let denyInput: string;
let allowInput: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-eval-'));
  policies = join(dir, 'policies');
  await mkdir(policies);
  // v0 module
  await writeFile(
    join(policies, 'pipelines.rego'),
    'package opa.pipelines\n\ndeny[msg] {\n  input.pipeline.application == data.frozen[_]\n  msg := sprintf("application %q is frozen", [input.pipeline.application])\n}\n',
  );
  // v1 module
  await writeFile(
    join(policies, 'authz.rego'),
    'package spinnaker.http.authz\n\ndefault allow := false\n\nallow if input.user.isAdmin\n\nmessage := "admins only" if not input.user.isAdmin\n',
  );
  await writeFile(join(dir, 'data.json'), JSON.stringify({ frozen: ['payments'] }));
  denyInput = join(dir, 'deny.json');
  allowInput = join(dir, 'allow.json');
  await writeFile(denyInput, JSON.stringify({ input: { pipeline: { application: 'payments' } } }));
  await writeFile(allowInput, JSON.stringify({ pipeline: { application: 'shop' } }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t) };
  const code = await runProgram(buildProgram(commands, io), argv, io);
  return { code, out, err };
}

/** `opa run --server` processes that are children of this process. */
function childOpaServers(): string[] {
  try {
    return execFileSync('ps', ['--ppid', String(process.pid), '-o', 'args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /opa run --server/.test(l));
  } catch {
    return [];
  }
}

const DECISION_KEYS = ['allowed', 'denies', 'durationMs', 'engine', 'message', 'package', 'policyFound'];

describe('policy-engine eval', () => {
  it('starts its own OPA, prints the Decision as one JSON line, exits 1 when denied, and stops OPA', async () => {
    const r = await run([
      'eval',
      '--engine',
      'opa',
      '--policy',
      policies,
      '--data',
      join(dir, 'data.json'),
      '--package',
      'opa.pipelines',
      '--input',
      denyInput,
      '--format',
      'json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out.endsWith('\n')).toBe(true);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const d = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(d).sort()).toEqual(DECISION_KEYS);
    expect(d).toMatchObject({
      package: 'opa.pipelines',
      allowed: false,
      denies: ['application "payments" is frozen'],
      message: null,
      policyFound: true,
      engine: 'opa',
    });
    expect(childOpaServers()).toEqual([]);
  });

  it("defaults to the engine factory's DEFAULT_ENGINE, as run-pipeline and the gate do", async () => {
    expect(DEFAULT_ENGINE).toBe('native');
    const r = await run([
      'eval',
      '--policy',
      join(policies, 'pipelines.rego'),
      '--package',
      'opa.pipelines',
      '--input',
      allowInput,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ engine: DEFAULT_ENGINE, allowed: true, policyFound: true });
  });

  it('exits 0 when allowed on the wasm engine, pretty output by default', async () => {
    const r = await run([
      'eval',
      '--engine',
      'wasm',
      '--policy',
      join(policies, 'pipelines.rego'),
      '--data',
      join(dir, 'data.json'),
      '--package',
      'opa.pipelines',
      '--input',
      allowInput,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ALLOWED {2}opa\.pipelines {2}\(engine wasm, [\d.]+ ms\)\n$/);
  });

  it('pretty output lists denies and the message', async () => {
    const r = await run([
      'eval',
      '--engine',
      'wasm',
      '--policy',
      policies,
      '--package',
      'spinnaker.http.authz',
      '--input',
      allowInput,
      '--format',
      'pretty',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^DENIED {2}spinnaker\.http\.authz/);
    expect(r.out).toContain('  message: admins only\n');
  });

  it('uses a server given with --opa-url (any Armory URL form) and leaves it running', async () => {
    const server = await startOpaServer({ v0Compatible: true });
    try {
      const r = await run([
        'eval',
        '--opa-url',
        `${server.url}/v1/data`,
        '--policy',
        policies,
        '--package',
        'spinnaker.http.authz',
        '--input',
        join(dir, 'admin.json'),
        '--format',
        'json',
      ]);
      // admin.json does not exist yet: unreadable input is exit 2 before anything runs.
      expect(r.code).toBe(2);
      expect(r.err).toContain('admin.json');
      await writeFile(join(dir, 'admin.json'), JSON.stringify({ user: { isAdmin: true } }));
      const ok = await run([
        'eval',
        '--opa-url',
        `${server.url}/v1/data`,
        '--policy',
        policies,
        '--package',
        'spinnaker.http.authz',
        '--input',
        join(dir, 'admin.json'),
        '--format',
        'json',
      ]);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.out)).toMatchObject({ allowed: true, engine: 'opa', policyFound: true });
      expect(server.running()).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('rejects a policy with a syntax error naming file and line (exit 2)', async () => {
    const bad = join(dir, 'bad.rego');
    await writeFile(bad, 'package bad\n\nallow if {\n  input.x ==\n}\n');
    for (const engine of ['opa', 'wasm']) {
      const r = await run(['eval', '--engine', engine, '--rego-version', 'v1', '--policy', bad, '--package', 'bad', '--input', allowInput]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${bad}:5:`);
      expect(r.out).toBe('');
    }
  });

  it('engine errors: exit 2 with the error in the Decision, or allowed with --fail-open', async () => {
    const conflict = join(dir, 'conflict.rego');
    await writeFile(conflict, 'package conflict\n\nx := 1 if input.pipeline\n\nx := 2 if input.pipeline\n');
    const args = [
      'eval',
      '--engine',
      'opa',
      '--rego-version',
      'v1',
      '--policy',
      conflict,
      '--package',
      'conflict',
      '--input',
      allowInput,
      '--format',
      'json',
    ];
    const closed = await run(args);
    expect(closed.code).toBe(2);
    expect(JSON.parse(closed.out)).toMatchObject({ allowed: false, error: { code: 'EVALUATION_ERROR' } });
    expect((JSON.parse(closed.out) as { error: { message: string } }).error.message).toContain(`${conflict}:`);
    const open = await run([...args, '--fail-open']);
    expect(open.code).toBe(0);
    expect(JSON.parse(open.out)).toMatchObject({ allowed: true, error: { code: 'EVALUATION_ERROR' } });
    expect(open.err).toContain('--fail-open');
  });

  it('an unreachable --opa-url is exit 2 naming the engine error', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await run(['eval', '--opa-url', url, '--policy', policies, '--package', 'opa.pipelines', '--input', allowInput]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: ENGINE_UNAVAILABLE: .*127\.0\.0\.1/);
    expect(r.out).toBe('');
  });

  it('invalid package names are a usage error (exit 2) before anything runs', async () => {
    for (const pkg of ['x"; drop', '', ' ', 'a..b', '.a', 'a.', '1abc', 'a-b', 'data.x y']) {
      const r = await run(['eval', '--policy', policies, '--package', pkg, '--input', allowInput]);
      expect(r.code, JSON.stringify(pkg)).toBe(2);
      expect(r.err, JSON.stringify(pkg)).toContain(`option '--package <pkg>' argument '${pkg}' is invalid`);
      expect(r.out).toBe('');
    }
    expect((await run(['eval', '--policy', policies, '--package', '', '--input', allowInput])).err).toContain('must not be empty');
    expect(packageName('spinnaker.execution.stages.before.deployManifest')).toBe('spinnaker.execution.stages.before.deployManifest');
  });

  it('warns on stderr when the package matches no loaded module and no known decision point', async () => {
    const typo = await run(['eval', '--policy', policies, '--package', 'opa.pipeline', '--input', allowInput]);
    expect(typo.code).toBe(0); // the no-policy rule still decides
    expect(typo.err).toBe(
      'warning: package opa.pipeline matches no loaded module and no known decision point; the no-policy rule decided (loaded packages: opa.pipelines, spinnaker.http.authz)\n',
    );
    // A documented decision point without a policy, a loaded package and a parent of one: no warning.
    for (const pkg of ['spinnaker.execution.stages.before.deployManifest', 'opa.pipelines', 'opa']) {
      expect((await run(['eval', '--policy', policies, '--package', pkg, '--input', allowInput])).err, pkg).toBe('');
    }
    expect(unknownPackageWarning('opa.pipelines.x', ['opa.pipelines'])).toBeUndefined();
  });

  it('usage errors exit 2', async () => {
    const unknown = await run(['eval', '--engine', 'lua', '--policy', policies, '--package', 'x', '--input', allowInput]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("error: option '--engine <engine>' argument 'lua' is invalid. Allowed choices are native, wasm, opa.");
    expect((await run(['eval', '--policy', policies, '--package', 'x', '--input', allowInput, '--format', 'yaml'])).code).toBe(2);
    expect((await run(['eval', '--policy', policies, '--input', allowInput])).code).toBe(2);
    expect((await run(['eval', '--package', 'x', '--input', allowInput])).code).toBe(2);
    expect((await run(['eval', '--policy', join(dir, 'nope'), '--package', 'x', '--input', allowInput])).code).toBe(2);
    expect((await run(['eval', '--policy', policies, '--package', 'x', '--input', allowInput, '--timeout-ms', '0'])).code).toBe(2);
  });
});

describe('policy-engine eval as a process', () => {
  it('reads {"input": …} from stdin and exits with the decision code', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'eval',
        '--engine',
        'wasm',
        '--policy',
        policies,
        '--data',
        join(dir, 'data.json'),
        '--package',
        'opa.pipelines',
        '--input',
        '-',
        '--format',
        'json',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stdin.end(JSON.stringify({ input: { pipeline: { application: 'payments' } } }));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ allowed: false, denies: ['application "payments" is frozen'], engine: 'wasm' });
  });
});
