import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '@policy-engine/test-kit';
import { buildHttpAuthzInput } from '@policy-engine/inputs-http-authz';
import { cli, type Run } from './cli-process.js';
import { buildProgram, commands, runProgram, type CliIo } from '../src/index.js';

/** The shared fixtures (`sharedDir()` of @policy-engine/opa: `$POLICY_ENGINE_SHARED_DIR`, else `<repo>/../shared`). */
const FIXTURES = fixturesDir();

/** Runs the program in-process (fast) with captured output. */
async function inProcess(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => (stdout += t), err: (t) => (stderr += t) };
  const code = await runProgram(buildProgram(commands, io), args, io);
  return { code, stdout, stderr };
}

/** Fixture file → package, from the fixtures README tables. */
async function fixturePackages(): Promise<{ file: string; pkg: string }[]> {
  const readme = await readFile(join(FIXTURES, 'README.md'), 'utf8');
  const map = new Map<string, string>();
  for (const m of readme.matchAll(/^\| `([^`]+\.input\.json)` \| `([^`]+)`/gm)) map.set(m[1] ?? '', m[2] ?? '');
  const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.input.json')).sort();
  return files.map((file) => ({ file, pkg: map.get(file) ?? `unmapped:${file}` }));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-validate-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a mutated copy of a fixture and returns its path. */
async function mutated(file: string, change: (input: Record<string, unknown>) => void): Promise<string> {
  const doc = JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as { input: Record<string, unknown> };
  change(doc.input);
  const out = join(dir, `mutated-${Math.random().toString(36).slice(2)}-${file}`);
  await writeFile(out, JSON.stringify(doc, null, 2));
  return out;
}

describe('policy-engine validate-input (real process)', () => {
  it('accepts every shared fixture under its package', async () => {
    const fixtures = await fixturePackages();
    expect(fixtures).toHaveLength(45);
    const failures: string[] = [];
    const batch = 4;
    for (let i = 0; i < fixtures.length; i += batch) {
      const runs = await Promise.all(
        fixtures.slice(i, i + batch).map(async ({ file, pkg }) => ({
          file,
          pkg,
          run: await cli(['validate-input', '--package', pkg, join(FIXTURES, file)]),
        })),
      );
      for (const { file, pkg, run } of runs) {
        if (run.code !== 0 || run.stdout !== 'ok\n') failures.push(`${file} (${pkg}): exit ${run.code}\n${run.stdout}${run.stderr}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('reports wrong types with their exact path and expected type, exit 1', async () => {
    const cases: { file: string; pkg: string; change: (i: Record<string, unknown>) => void; line: string }[] = [
      {
        file: 'spinnaker.http.authz.input.json',
        pkg: 'spinnaker.http.authz',
        change: (i) => ((i.user as Record<string, unknown>).isAdmin = 'yes'),
        line: 'input.user.isAdmin: expected boolean, got string "yes"',
      },
      {
        file: 'spinnaker.http.authz.tasks.type.createApplication.input.json',
        pkg: 'spinnaker.http.authz',
        change: (i) => (i.path = 'tasks'),
        line: 'input.path: expected Array<string>, got string "tasks"',
      },
      {
        file: 'spinnaker.execution.stages.before.bake.input.json',
        pkg: 'spinnaker.execution.stages.before.bake',
        change: (i) => (((i.stage as Record<string, unknown>).tasks as Record<string, unknown>[])[0]!.status = 3),
        line: 'input.stage.tasks[0].status: expected string, got number 3',
      },
      {
        file: 'spinnaker.execution.stages.before.shrinkCluster.input.json',
        pkg: 'spinnaker.execution.stages.before.shrinkCluster',
        change: (i) => ((i.pipeline as Record<string, unknown>).stages = 2),
        line: 'input.pipeline.stages: expected Array<StageExecution | string (stage id)>, got number 2',
      },
      {
        file: 'spinnaker.ui.entitlements.isFeatureEnabled.input.json',
        pkg: 'spinnaker.ui.entitlements.isFeatureEnabled',
        change: (i) => (((i.user as Record<string, unknown>).roles as unknown[])[0] = 42),
        line: 'input.user.roles[0]: expected Role (RoleObject | string), got number 42',
      },
    ];
    const runs = await Promise.all(
      cases.map(async (c) => ({ c, run: await cli(['validate-input', '--package', c.pkg, await mutated(c.file, c.change)]) })),
    );
    for (const { c, run } of runs) {
      expect(run.code, c.line).toBe(1);
      expect(run.stdout).toBe(`${c.line}\n`);
      expect(run.stderr).toBe('');
    }
  }, 120_000);

  it('reads standard input with -, bare or in OPA request form; prints each error on its own line', async () => {
    const good = buildHttpAuthzInput();
    const [bare, wrapped, bad] = await Promise.all([
      cli(['validate-input', '--package', 'spinnaker.http.authz', '-'], JSON.stringify(good)),
      cli(['validate-input', '--package', 'spinnaker.http.authz', '-'], JSON.stringify({ input: good })),
      cli(['validate-input', '--package', 'spinnaker.http.authz', '-'], JSON.stringify({ method: 1, path: [2] })),
    ]);
    expect(bare).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    expect(wrapped).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    expect(bad.code).toBe(1);
    expect(bad.stdout.split('\n')).toEqual([
      'input.method: expected string, got number 1',
      'input.path[0]: expected string, got number 2',
      '',
    ]);
  }, 60_000);

  it('exit 2 with error: for an unknown package, a missing file and malformed JSON (line:col)', async () => {
    const malformed = join(dir, 'malformed.json');
    await writeFile(malformed, '{\n  "method": "GET",\n  "path": [,]\n}\n');
    const [unknown, missing, broken] = await Promise.all([
      cli(['validate-input', '--package', 'spinnaker.nope', malformed]),
      cli(['validate-input', '--package', 'spinnaker.http.authz', join(dir, 'absent.json')]),
      cli(['validate-input', '--package', 'spinnaker.http.authz', malformed]),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown policy package "spinnaker\.nope"/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: cannot read ${join(dir, 'absent.json')}: no such file\n`);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(new RegExp(`^error: ${malformed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:12: malformed JSON`));
  }, 60_000);
});

describe('policy-engine validate-input (in process)', () => {
  it('--help documents the command and lists the packages, exit 0', async () => {
    const r = await inProcess(['validate-input', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: policy-engine validate-input [options] <file>');
    expect(r.stdout).toContain('spinnaker.execution.stages.before.deployManifest');
    expect(r.stdout).toContain('--package <name>');
  });

  it('a missing --package or FILE is a usage error (exit 2)', async () => {
    expect((await inProcess(['validate-input', join(FIXTURES, 'opa.pipelines.input.json')])).code).toBe(2);
    expect((await inProcess(['validate-input', '--package', 'opa.pipelines'])).code).toBe(2);
  });

  it('resolves parameterised and legacy package names', async () => {
    const file = join(FIXTURES, 'spinnaker.deployment.tasks.before.deployManifest.input.json');
    for (const pkg of ['spinnaker.deployment.tasks.deployManifest', 'spinnaker.deployment.tasks.before.deployManifest']) {
      expect(await inProcess(['validate-input', '--package', pkg, file])).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    }
    const stage = join(FIXTURES, 'spinnaker.execution.stages.before.webhook.input.json');
    expect((await inProcess(['validate-input', '--package', 'spinnaker.execution.stages.after.myPluginStage', stage])).code).toBe(0);
  });
});
