import { describe, expect, it } from 'vitest';
import { createPolicyEngine } from '@policy-engine/evaluator';
import { InvalidPipelineConfig, createOrcaInterceptor, type PipelineConfig, type StageExecution } from '@policy-engine/orca-adapter';
import { runPipeline, type ExecutionEvent } from '@policy-engine/orca-simulator';
import { at, fixtureInput, keys } from '@policy-engine/test-kit';
import { declaring, scriptedEngine, type DenyScript } from './support/scripted-engine.js';

async function setup(packages: string[], script: DenyScript, legacyPackageNames = false) {
  const engine = scriptedEngine(script);
  const policyEngine = await createPolicyEngine({ engine, policies: declaring(...packages) });
  return { engine, interceptor: createOrcaInterceptor({ policyEngine, legacyPackageNames }) };
}

const stage = (result: { execution: { stages: StageExecution[] } }, refId: string): StageExecution =>
  result.execution.stages.find((s) => s.refId === refId)!;

const prodDeploy: PipelineConfig = {
  application: 'shop',
  name: 'release',
  stages: [
    {
      refId: 'a',
      type: 'deployManifest',
      name: 'Deploy prod',
      account: 'prod',
      manifests: [{ kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }],
    },
    { refId: 'c', type: 'wait', name: 'After deploy', requisiteStageRefIds: ['a'] },
    { refId: 'b', type: 'wait', name: 'Unrelated', waitTime: 1 },
  ],
};

describe('runPipeline', () => {
  it('stops the denied stage at its first task, skips its dependants and still runs the unrelated branch', async () => {
    const { interceptor } = await setup(['spinnaker.execution.stages.before.deployManifest'], (_pkg, input) =>
      at(input, 'stage.context.account') === 'prod' ? ['no prod deploys'] : [],
    );
    const result = await runPipeline(prodDeploy, { interceptor, user: 'alice' });
    expect(result.status).toBe('TERMINAL');
    expect(stage(result, 'a').status).toBe('TERMINAL');
    expect(stage(result, 'a').tasks.map((t) => t.status)).toEqual(['TERMINAL', ...Array<string>(8).fill('NOT_STARTED')]);
    expect(stage(result, 'b').status).toBe('SUCCEEDED');
    expect(stage(result, 'c').status).toBe('NOT_STARTED');
    expect(stage(result, 'a').context['exception']).toMatchObject({
      details: { errors: ['no prod deploys'] },
      operation: 'resolveDeploySourceManifest',
    });
    expect(stage(result, 'b').context['exception']).toBeUndefined();
    expect(result.stops).toEqual([
      {
        hook: 'beforeTask',
        stage: { refId: 'a', name: 'Deploy prod', type: 'deployManifest' },
        task: 'resolveDeploySourceManifest',
        packages: ['spinnaker.execution.stages.before.deployManifest'],
        messages: ['no prod deploys'],
      },
    ]);
    const notRun = result.events.filter((e): e is Extract<ExecutionEvent, { kind: 'stage.notRun' }> => e.kind === 'stage.notRun');
    expect(notRun.map((e) => e.stage.refId)).toEqual(['c']);
    expect(notRun[0]!.reason).toContain('Deploy prod (a)');
  });

  it('checks the stage before every task, with the task statuses of that moment', async () => {
    const { engine, interceptor } = await setup(['spinnaker.execution.stages.before.deployManifest'], () => []);
    const deployStage = { ...prodDeploy.stages[0]!, cloudProvider: 'kubernetes', source: 'text', moniker: { app: 'shop' } };
    const result = await runPipeline({ ...prodDeploy, stages: [deployStage] }, { interceptor });
    expect(result.status).toBe('SUCCEEDED');
    const calls = engine.calls.filter((c) => c.packageName === 'spinnaker.execution.stages.before.deployManifest');
    const taskCount = stage(result, 'a').tasks.length;
    expect(taskCount).toBe(9);
    expect(calls).toHaveLength(taskCount);
    calls.forEach((call, i) => {
      const statuses = (at(call.input, 'stage.tasks') as { status: string }[]).map((t) => t.status);
      expect(statuses).toEqual([...Array<string>(i).fill('SUCCEEDED'), 'RUNNING', ...Array<string>(taskCount - i - 1).fill('NOT_STARTED')]);
      expect(at(call.input, 'stage.status')).toBe('RUNNING');
      expect(at(call.input, 'user.username')).toBe('anonymous');
    });
    // the check before cleanupArtifacts (the moment the docs' example was captured) sees what
    // earlier tasks wrote, with the fixture's context keys, flat dotted keys included
    expect((at(calls[5]!.input, 'stage.tasks') as { name: string }[])[5]!.name).toBe('cleanupArtifacts');
    const ctx = at(calls[5]!.input, 'stage.context') as Record<string, unknown>;
    const fixtureContext = at(fixtureInput('spinnaker.execution.stages.before.deployManifest.input.json'), 'stage.context');
    expect(Object.keys(ctx).sort()).toEqual(expect.arrayContaining(keys(fixtureContext)));
    expect(Object.keys(ctx)).toEqual(expect.arrayContaining(['deploy.account.name', 'kato.tasks', 'outputs.manifestNamesByNamespace']));
    expect(ctx['outputs.manifestNamesByNamespace']).toEqual({ shop: ['deployment web'] });
  });

  it('a denied deployment operation fails its task; the operation description is input.deploy', async () => {
    const { engine, interceptor } = await setup(['spinnaker.deployment.tasks.before.deployManifest'], (_pkg, input) =>
      at(input, 'deploy.account') === 'prod' ? ['operation denied'] : [],
    );
    const result = await runPipeline(prodDeploy, { interceptor });
    expect(
      stage(result, 'a')
        .tasks.map((t) => `${t.name}:${t.status}`)
        .slice(0, 3),
    ).toEqual(['resolveDeploySourceManifest:SUCCEEDED', 'deployManifest:TERMINAL', 'monitorDeploy:NOT_STARTED']);
    expect(result.stops[0]).toMatchObject({
      hook: 'beforeDeploymentOperation',
      task: 'deployManifest',
      operation: 'deployManifest',
      messages: ['operation denied'],
    });
    expect(engine.calls).toHaveLength(1);
    expect(at(engine.calls[0]!.input, 'deploy.credentials')).toBe('prod');
    // context of the failed task is not merged
    expect(stage(result, 'a').context['deploy.account.name']).toBeUndefined();
    expect(stage(result, 'b').status).toBe('SUCCEEDED');
  });

  it('afterStage sees the finished tasks and can fail the stage', async () => {
    const { engine, interceptor } = await setup(['spinnaker.execution.stages.after.wait'], (_pkg, input) =>
      at(input, 'stage.context.waitTime') === 1 ? ['waited too little'] : [],
    );
    const result = await runPipeline(prodDeploy, { interceptor });
    expect(stage(result, 'b').status).toBe('TERMINAL');
    expect(stage(result, 'b').tasks.map((t) => t.status)).toEqual(['SUCCEEDED']);
    expect(result.stops.map((s) => [s.hook, s.stage?.refId, s.messages])).toEqual([['afterStage', 'b', ['waited too little']]]);
    // checked once per finished wait stage: a, c also ran (deployManifest has no after policy)
    expect(engine.calls.map((c) => at(c.input, 'stage.refId'))).toEqual(['c', 'b']);
  });

  it('continuePipeline: true lets dependants run after a denial (FAILED_CONTINUE)', async () => {
    const { interceptor } = await setup(['spinnaker.execution.stages.before.deployManifest'], () => ['no']);
    const config = { ...prodDeploy, stages: [{ ...prodDeploy.stages[0]!, continuePipeline: true }, ...prodDeploy.stages.slice(1)] };
    const result = await runPipeline(config, { interceptor });
    expect(stage(result, 'a').status).toBe('FAILED_CONTINUE');
    expect(stage(result, 'c').status).toBe('SUCCEEDED');
    expect(result.status).toBe('SUCCEEDED');
  });

  it('a denial at pipeline start runs no stage', async () => {
    const { engine, interceptor } = await setup(
      ['spinnaker.execution.pipelines.before', 'spinnaker.execution.stages.before.wait'],
      (pkg) => (pkg === 'spinnaker.execution.pipelines.before' ? ['frozen'] : []),
    );
    const result = await runPipeline(prodDeploy, { interceptor });
    expect(result.status).toBe('TERMINAL');
    expect(result.execution.stages.every((s) => s.status === 'NOT_STARTED')).toBe(true);
    expect(result.stops).toEqual([{ hook: 'beforePipeline', packages: ['spinnaker.execution.pipelines.before'], messages: ['frozen'] }]);
    expect(engine.calls.map((c) => c.packageName)).toEqual(['spinnaker.execution.pipelines.before']);
    expect(result.events.at(-1)).toEqual({ kind: 'pipeline.end', status: 'TERMINAL', messages: ['frozen'] });
  });

  it('runs stages in graph order (fan-out, fan-in)', async () => {
    const { interceptor } = await setup([], () => []);
    const config: PipelineConfig = {
      application: 'a',
      name: 'graph',
      stages: [
        { refId: '4', type: 'wait', requisiteStageRefIds: ['2', '3'] },
        { refId: '3', type: 'wait', requisiteStageRefIds: ['1'] },
        { refId: '2', type: 'wait', requisiteStageRefIds: ['1'] },
        { refId: '1', type: 'wait' },
      ],
    };
    const result = await runPipeline(config, { interceptor });
    const order = result.events.flatMap((e) => (e.kind === 'stage.start' ? [e.stage.refId] : []));
    expect(order).toEqual(['1', '3', '2', '4']);
    expect(result.status).toBe('SUCCEEDED');
  });

  it('consults legacy package names only when asked', async () => {
    const script: DenyScript = (pkg) =>
      pkg.startsWith('spinnaker.execution.task.before.') || pkg === 'spinnaker.deployment.tasks.deployManifest' ? [`legacy ${pkg}`] : [];
    const packages = ['spinnaker.execution.task.before.wait', 'spinnaker.deployment.tasks.deployManifest'];
    const off = await setup(packages, script);
    const offResult = await runPipeline(prodDeploy, { interceptor: off.interceptor });
    expect(offResult.status).toBe('SUCCEEDED');
    expect(off.engine.calls).toHaveLength(0);

    const on = await setup(packages, script, true);
    const onResult = await runPipeline(prodDeploy, { interceptor: on.interceptor });
    expect(onResult.stops.map((s) => [s.hook, s.stage?.refId, s.messages[0]])).toEqual([
      ['beforeDeploymentOperation', 'a', 'legacy spinnaker.deployment.tasks.deployManifest'],
      ['beforeTask', 'b', 'legacy spinnaker.execution.task.before.wait'],
    ]);
  });

  it('stage types named like Object.prototype members run the generic executor', async () => {
    const { interceptor } = await setup([], () => []);
    const config = {
      application: 'a',
      name: 'n',
      stages: ['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((type, i) => ({ refId: String(i), type })),
    };
    const result = await runPipeline(config, { interceptor });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.execution.stages.map((s) => [s.type, s.tasks.map((t) => t.name)])).toEqual([
      ['constructor', ['constructor']],
      ['toString', ['toString']],
      ['__proto__', ['__proto__']],
      ['hasOwnProperty', ['hasOwnProperty']],
    ]);
  });

  it('a task that throws fails its stage with the error message', async () => {
    const { interceptor } = await setup([], () => []);
    const result = await runPipeline(prodDeploy, {
      interceptor,
      executors: {
        wait: {
          tasks: () => [
            {
              name: 'boom',
              implementingClass: 'x',
              run: () => {
                throw new Error('kaput');
              },
            },
          ],
        },
      },
    });
    expect(stage(result, 'a').status).toBe('SUCCEEDED');
    expect(stage(result, 'b').status).toBe('TERMINAL');
    expect(stage(result, 'c').status).toBe('TERMINAL');
    expect(result.stops.map((s) => [s.hook, s.stage?.refId, s.messages[0]])).toEqual([
      ['task', 'c', 'task boom failed: kaput'],
      ['task', 'b', 'task boom failed: kaput'],
    ]);
  });

  it.each([
    [
      { application: 'a', name: 'n', stages: [{ refId: '1', type: 'wait', requisiteStageRefIds: ['9'] }] },
      'stages[0].requisiteStageRefIds: unknown refId "9"',
    ],
    [
      {
        application: 'a',
        name: 'n',
        stages: [
          { refId: '1', type: 'wait', requisiteStageRefIds: ['2'] },
          { refId: '2', type: 'wait', requisiteStageRefIds: ['1'] },
        ],
      },
      'cycle: 1 -> 2 -> 1',
    ],
    [
      { application: 'a', name: 'n', stages: [{ refId: '1' }, { refId: '1', type: 'wait' }] },
      'stages[0].type: expected a non-empty string',
    ],
    [
      {
        application: 'a',
        name: 'n',
        stages: [
          { refId: '1', type: 'wait' },
          { refId: '1', type: 'wait' },
        ],
      },
      'duplicate refId "1"',
    ],
    [{ name: 'n', stages: 'x' }, 'stages: expected an array'],
    [[], 'pipeline: expected an object'],
  ])('rejects an invalid configuration (%#)', async (config, problem) => {
    const { interceptor } = await setup([], () => []);
    const run = runPipeline(config as unknown as PipelineConfig, { interceptor });
    await expect(run).rejects.toBeInstanceOf(InvalidPipelineConfig);
    await expect(run).rejects.toThrow(problem);
  });
});
