/**
 * The sample pipelines on both real engines: exit codes and the execution log.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '@policy-engine/evaluator';
import { EngineNotAvailableError } from '@policy-engine/engines';
import { InvalidPipelineConfig } from '@policy-engine/orca-adapter';
import { DEFAULT_ENGINE, SAMPLE_PIPELINES_DIR, runPipelineExample, type EngineName } from '@policy-engine/orca-runner';

const sample = (name: string): unknown => JSON.parse(readFileSync(join(SAMPLE_PIPELINES_DIR, `${name}.json`), 'utf8'));

interface Expectation {
  readonly exitCode: 0 | 1;
  readonly stages: Record<string, string>;
  readonly lines: readonly string[];
}

const expectations: Record<string, Expectation> = {
  passes: {
    exitCode: 0,
    stages: { '1': 'SUCCEEDED', '2': 'SUCCEEDED', '3': 'SUCCEEDED', '4': 'SUCCEEDED' },
    lines: [
      '  before pipeline: spinnaker.execution.pipelines.before allowed',
      '    task createBake: spinnaker.execution.stages.before.bake allowed -> SUCCEEDED',
      '      operation deployManifest: spinnaker.deployment.tasks.before.deployManifest allowed',
      '    task monitorScale: no policy (spinnaker.execution.stages.before.scaleManifest not validated) -> SUCCEEDED',
      'pipeline SUCCEEDED',
    ],
  },
  'stopped-at-pipeline-start': {
    exitCode: 1,
    stages: { '1': 'NOT_STARTED' },
    lines: [
      '  before pipeline: spinnaker.execution.pipelines.before DENIED',
      '    - application payments is in a change freeze; pipeline "release payments" may not start',
      '  stage 1 "Deploy payments" (deployManifest) not run: the pipeline was stopped before it started',
      'pipeline TERMINAL',
    ],
  },
  'stopped-at-stage-task': {
    exitCode: 1,
    stages: { '1': 'TERMINAL', '2': 'NOT_STARTED' },
    lines: [
      '    task resolveDeploySourceManifest: spinnaker.execution.stages.before.deployManifest DENIED',
      '        - user alice may not deploy to production account prod: the deployers role is required',
      '  stage 1 "Deploy to prod" -> TERMINAL',
      '  stage 2 "Soak" (wait) not run: upstream stage Deploy to prod (1) did not succeed',
    ],
  },
  'stopped-at-deployment-operation': {
    exitCode: 1,
    stages: { '1': 'TERMINAL', '2': 'NOT_STARTED' },
    lines: [
      '    task deployManifest: spinnaker.execution.stages.before.deployManifest allowed',
      '      operation deployManifest: spinnaker.deployment.tasks.before.deployManifest DENIED',
      '        - container hostname uses the mutable tag :latest (nginx:latest)',
      '      -> TERMINAL',
    ],
  },
  'stopped-after-stage': {
    exitCode: 1,
    stages: { '1': 'TERMINAL', '2': 'NOT_STARTED', '3': 'SUCCEEDED' },
    lines: [
      '    task wait: no policy (spinnaker.execution.stages.before.wait not validated) -> SUCCEEDED',
      '    after stage: spinnaker.execution.stages.after.wait DENIED',
      '      - stage "Hold for the change window" waited 7200 s; a wait may hold a pipeline at most 3600 s',
      '  stage 1 "Hold for the change window" -> TERMINAL',
      '  stage 3 "Bake image" -> SUCCEEDED',
      '  stage 2 "Deploy to staging" (deployManifest) not run: upstream stage Hold for the change window (1) did not succeed',
    ],
  },
  'unrelated-stage-runs': {
    exitCode: 1,
    stages: { '1': 'TERMINAL', '2': 'NOT_STARTED', '3': 'SUCCEEDED', '4': 'SUCCEEDED' },
    lines: [
      '    task webhook: spinnaker.execution.stages.before.webhook DENIED',
      '        - webhook "http://hooks.example.com/release" must use https',
      '  stage 3 "Bake image" -> SUCCEEDED',
      '  stage 4 "Deploy to staging" -> SUCCEEDED',
      '  stage 2 "Wait for acknowledgement" (wait) not run: upstream stage Notify release channel (1) did not succeed',
    ],
  },
};

it('every shipped sample pipeline has an expectation here', () => {
  expect(
    readdirSync(SAMPLE_PIPELINES_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort(),
  ).toEqual(Object.keys(expectations).sort());
});

describe.each(['native', 'wasm', 'opa'] as const)('sample pipelines on the %s engine', (engine: EngineName) => {
  it.each(Object.keys(expectations))('%s', async (name) => {
    const want = expectations[name]!;
    const run = await runPipelineExample(sample(name), { engine, user: 'alice' });
    expect(run.exitCode).toBe(want.exitCode);
    expect(Object.fromEntries(run.result.execution.stages.map((s) => [s.refId, s.status]))).toEqual(want.stages);
    const lines = run.output.split('\n');
    expect(lines[0]).toBe(
      `pipeline "${(sample(name) as { name: string }).name}" (application ${(sample(name) as { application: string }).application}) started by alice, engine ${engine}`,
    );
    for (const line of want.lines) expect(lines).toContain(line);
    // every decision in the log came from the engine asked for
    const engines = new Set(
      run.result.events.flatMap((e) => (e.kind === 'hook' ? e.result.checks.flatMap((c) => (c.decision ? [c.decision.engine] : [])) : [])),
    );
    expect([...engines]).toEqual([engine]);
  });
});

describe('runPipelineExample', () => {
  it('a user with the deployers role may deploy to prod', async () => {
    const run = await runPipelineExample(sample('stopped-at-stage-task'), {
      user: { username: 'bob', isAdmin: false, roles: [{ name: 'deployers', source: 'LDAP' }] },
    });
    expect(run.exitCode).toBe(0);
  });

  it('json format is one parseable document with the stops', async () => {
    const run = await runPipelineExample(sample('stopped-at-deployment-operation'), { format: 'json' });
    const doc = JSON.parse(run.output) as {
      status: string;
      engine: string;
      stops: { messages: string[] }[];
      stages: { refId: string; status: string }[];
    };
    expect(doc.status).toBe('TERMINAL');
    expect(doc.engine).toBe(DEFAULT_ENGINE);
    expect(DEFAULT_ENGINE).toBe('native');
    expect(doc.stops.map((s) => s.messages)).toEqual([['container hostname uses the mutable tag :latest (nginx:latest)']]);
    expect(doc.stages.map((s) => s.status)).toEqual(['TERMINAL', 'NOT_STARTED']);
  });

  it('packages with no policy never reach the engine', async () => {
    const counts = new Map<string, number>();
    const wrapEngine = (inner: Engine): Engine => ({
      name: inner.name,
      load: (p, o) => inner.load(p, o),
      evaluate: (pkg, input, o) => {
        counts.set(pkg, (counts.get(pkg) ?? 0) + 1);
        return inner.evaluate(pkg, input, o);
      },
      close: () => inner.close(),
    });
    const run = await runPipelineExample(sample('passes'), { wrapEngine });
    expect(run.exitCode).toBe(0);
    expect([...counts.keys()].sort()).toEqual([
      'spinnaker.deployment.tasks.before.deployManifest',
      'spinnaker.deployment.tasks.before.scaleManifest',
      'spinnaker.execution.pipelines.before',
      'spinnaker.execution.stages.before.bake',
      'spinnaker.execution.stages.before.deployManifest',
      'spinnaker.execution.stages.before.manualJudgment',
    ]);
    expect(counts.get('spinnaker.execution.stages.before.deployManifest')).toBe(9);
  });

  it('an unknown engine is a typed error', async () => {
    await expect(runPipelineExample(sample('passes'), { engine: 'lua' as EngineName })).rejects.toBeInstanceOf(EngineNotAvailableError);
  });

  it('an invalid pipeline is a typed error', async () => {
    await expect(
      runPipelineExample({ application: 'a', name: 'n', stages: [{ refId: '1', type: 'wait', requisiteStageRefIds: ['x'] }] }),
    ).rejects.toBeInstanceOf(InvalidPipelineConfig);
  });
});
