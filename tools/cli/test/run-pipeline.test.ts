import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_PIPELINES_DIR } from '@policy-engine/orca-runner';
import { buildProgram, commands, runProgram, type CliIo } from '../src/index.js';

const BIN = fileURLToPath(new URL('../bin/policy-engine.mjs', import.meta.url));
const sample = (name: string): string => join(SAMPLE_PIPELINES_DIR, `${name}.json`);

/** Runs the real `policy-engine` process. */
function cli(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      resolve({ code, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

/** Runs the program in-process, capturing its output. */
async function inProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t) };
  const code = await runProgram(buildProgram(commands, io), args, io);
  return { code, out, err };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-run-pipeline-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('policy-engine run-pipeline (embedded wasm engine, examples/policies)', () => {
  it.each([
    ['passes', 0, 'pipeline SUCCEEDED'],
    ['stopped-at-pipeline-start', 1, '    - application payments is in a change freeze; pipeline "release payments" may not start'],
    ['stopped-at-stage-task', 1, '        - user anonymous may not deploy to production account prod: the deployers role is required'],
    ['stopped-at-deployment-operation', 1, '        - container hostname uses the mutable tag :latest (nginx:latest)'],
    ['stopped-after-stage', 1, '      - stage "Hold for the change window" waited 7200 s; a wait may hold a pipeline at most 3600 s'],
    ['unrelated-stage-runs', 1, '  stage 4 "Deploy to staging" -> SUCCEEDED'],
  ] as const)('%s exits %i and logs the decision', async (name, code, line) => {
    const r = await inProcess(['run-pipeline', sample(name)]);
    expect(r.err).toBe('');
    expect(r.code).toBe(code);
    expect(r.out.split('\n')).toContain(line);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(code === 0 ? /^pipeline SUCCEEDED$/ : /^ {2}- /);
  });

  it('--user and --role reach input.user', async () => {
    const stopped = await inProcess(['run-pipeline', sample('stopped-at-stage-task'), '--user', 'carol']);
    expect(stopped.out).toContain('user carol may not deploy to production account prod');
    const allowed = await inProcess(['run-pipeline', sample('stopped-at-stage-task'), '--user', 'carol', '--role', 'deployers']);
    expect(allowed.code).toBe(0);
  });

  it('--policy points at another policy directory', async () => {
    const policies = join(dir, 'policies');
    await mkdir(policies, { recursive: true });
    await writeFile(
      join(policies, 'wait.rego'),
      'package spinnaker.execution.stages.before.wait\n\ndeny contains "no waiting" if input.stage.type == "wait"\n',
    );
    const r = await inProcess(['run-pipeline', sample('stopped-at-stage-task'), '--policy', policies]);
    // no deployManifest policy in this directory: the prod deploy passes, the wait stage is stopped
    expect(r.code).toBe(1);
    expect(r.out).toContain('    task wait: spinnaker.execution.stages.before.wait DENIED');
    expect(r.out).toContain('  stage 1 "Deploy to prod" -> SUCCEEDED');
  });
});

describe('policy-engine run-pipeline with a parent-package policy (ref-head rules)', () => {
  it.each(['native', 'wasm', 'opa'])('a package spinnaker.execution module stops the deploy stage on the %s engine', async (engine) => {
    const policies = join(dir, `parent-policies-${engine}`);
    await mkdir(policies, { recursive: true });
    await writeFile(
      join(policies, 'execution.rego'),
      'package spinnaker.execution\n\nstages.before.deployManifest.deny contains msg if {\n  input.stage.context.account == "prod"\n  msg := sprintf("parent package: no deploys to %s", [input.stage.context.account])\n}\n',
    );
    const r = await cli(['run-pipeline', sample('stopped-at-stage-task'), '--policy', policies, '--engine', engine]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('spinnaker.execution.stages.before.deployManifest DENIED');
    expect(r.stdout).toContain('parent package: no deploys to prod');
    expect(r.stdout).not.toContain('"Deploy to prod" -> SUCCEEDED');
  });
});

describe('policy-engine run-pipeline --legacy-package-names', () => {
  it('consults spinnaker.execution.task.before.<task> and spinnaker.deployment.tasks.<operation> only with the flag', async () => {
    const policies = join(dir, 'legacy-policies');
    await mkdir(policies, { recursive: true });
    await writeFile(
      join(policies, 'task.rego'),
      'package spinnaker.execution.task.before.wait\n\ndeny["legacy task hook: no waiting"] {\n  input.stage.type == "wait"\n}\n',
    );
    await writeFile(
      join(policies, 'deploy.rego'),
      'package spinnaker.deployment.tasks.deployManifest\n\ndeny["legacy deployment hook: not today"] {\n  input.deploy.account == "prod"\n}\n',
    );
    // Two independent stages: a prod deploy and a wait.
    const config = JSON.parse(await readFile(sample('stopped-at-stage-task'), 'utf8')) as { stages: { requisiteStageRefIds: string[] }[] };
    for (const stage of config.stages) stage.requisiteStageRefIds = [];
    const file = join(dir, 'legacy-pipeline.json');
    await writeFile(file, JSON.stringify(config));
    const without = await inProcess(['run-pipeline', file, '--policy', policies]);
    expect(without.code).toBe(0);
    expect(without.out).not.toContain('legacy');
    const withFlag = await inProcess(['run-pipeline', file, '--policy', policies, '--legacy-package-names']);
    expect(withFlag.code).toBe(1);
    const lines = withFlag.out.split('\n');
    expect(lines).toContain('      operation deployManifest: spinnaker.deployment.tasks.deployManifest DENIED');
    expect(lines).toContain('        - legacy deployment hook: not today');
    expect(lines).toContain('    task wait: spinnaker.execution.task.before.wait DENIED');
    expect(lines).toContain('        - legacy task hook: no waiting');
  });
});

describe('policy-engine run-pipeline as a process', () => {
  it('runs on a real OPA with --engine opa and prints JSON with --format json', async () => {
    const r = await cli(['run-pipeline', sample('unrelated-stage-runs'), '--engine', 'opa', '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      status: string;
      engine: string;
      stages: { refId: string; status: string }[];
      stops: { messages: string[] }[];
    };
    expect(doc.engine).toBe('opa');
    expect(doc.status).toBe('TERMINAL');
    expect(Object.fromEntries(doc.stages.map((s) => [s.refId, s.status]))).toEqual({
      '1': 'TERMINAL',
      '2': 'NOT_STARTED',
      '3': 'SUCCEEDED',
      '4': 'SUCCEEDED',
    });
    expect(doc.stops.map((s) => s.messages)).toEqual([['webhook "http://hooks.example.com/release" must use https']]);
  });

  it('exit 0 for a passing pipeline read from stdin', async () => {
    const r = await cli(['run-pipeline', '-'], await readFile(sample('passes'), 'utf8'));
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('pipeline SUCCEEDED');
  });

  it('runs on the default engine, native, without --engine', async () => {
    const r = await cli(['run-pipeline', sample('passes'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'SUCCEEDED', engine: 'native' });
  });

  it('exit 2: malformed JSON names file:line:col', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{\n  "application": "a",\n  "stages": [,]\n}\n');
    const r = await cli(['run-pipeline', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: malformed JSON`));
  });

  it('exit 2: an invalid stage graph lists its problems', async () => {
    const file = join(dir, 'cycle.json');
    await writeFile(
      file,
      JSON.stringify({
        application: 'a',
        name: 'n',
        stages: [
          { refId: '1', type: 'wait', requisiteStageRefIds: ['2'] },
          { refId: '2', type: 'wait', requisiteStageRefIds: ['1'] },
        ],
      }),
    );
    const r = await cli(['run-pipeline', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid pipeline configuration');
    expect(r.stderr).toContain('cycle: 1 -> 2 -> 1');
  });

  it('exit 2: a missing file and an unknown engine', async () => {
    const missing = await cli(['run-pipeline', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const unknown = await cli(['run-pipeline', sample('passes'), '--engine', 'v8']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("argument 'v8' is invalid");
  });
});
