import { describe, expect, it } from 'vitest';
import {
  createExecution,
  freezeStage,
  pipelineBeforeInput,
  stageInput,
  toUser,
  type PipelineConfig,
  type StageExecution,
  type Trigger,
} from '@policy-engine/orca-adapter';
import { at, fixtureFiles, fixtureInput, isRecord, keys } from '@policy-engine/test-kit';

const minimal: PipelineConfig = {
  application: 'hostname',
  name: 'deploy',
  stages: [
    { refId: '1', type: 'deployManifest', name: 'Deploy', account: 'staging', manifests: [] },
    { refId: '2', type: 'wait', name: 'Wait', requisiteStageRefIds: ['1'] },
  ],
};

describe('spinnaker.execution.pipelines.before input', () => {
  const fixture = fixtureInput('spinnaker.execution.pipelines.before.input.json');
  const fixturePipeline = fixture['pipeline'] as Record<string, unknown>;

  it('has exactly the key sets of the fixture for a minimal configuration', () => {
    const input = pipelineBeforeInput(createExecution(minimal, { user: 'alice' }), toUser('alice'));
    expect(keys(input)).toEqual(keys(fixture));
    expect(keys(input['pipeline'])).toEqual(keys(fixturePipeline));
    expect(keys(at(input, 'pipeline.trigger'))).toEqual(keys(fixturePipeline['trigger']));
    expect(keys(input['user'])).toEqual(keys(fixture['user']));
  });

  it('reproduces the fixture document exactly from the same configuration, trigger and user', () => {
    const { executionId, trigger, receivedArtifacts: _received, ...config } = fixturePipeline;
    const raw = trigger as Record<string, unknown>;
    const overrides: Partial<Trigger> = {
      type: raw['type'] as string,
      user: raw['user'] as string,
      parameters: raw['parameters'] as Record<string, unknown>,
      artifacts: raw['artifacts'] as unknown[],
      expectedArtifacts: raw['expectedArtifacts'] as unknown[],
      resolvedExpectedArtifacts: raw['resolvedExpectedArtifacts'] as unknown[],
      dryRun: raw['dryRun'] as boolean,
      rebake: raw['rebake'] as boolean,
      enabled: raw['enabled'] as boolean,
      preferred: raw['preferred'] as boolean,
      eventId: raw['eventId'] as string,
      executionId: raw['executionId'] as string,
    };
    const ids = [executionId as string];
    const execution = createExecution(config as unknown as PipelineConfig, {
      trigger: overrides,
      newId: () => ids.shift() ?? 'stage-id',
    });
    const user = fixture['user'] as { username: string; isAdmin: boolean; roles: [] };
    const input = pipelineBeforeInput(execution, user);
    // receivedArtifacts are the trigger's artifacts; the docs' example was captured with none received.
    const expected = structuredClone(fixture);
    (expected['pipeline'] as Record<string, unknown>)['receivedArtifacts'] = raw['artifacts'];
    expect(input).toEqual(expected);
  });
});

describe('spinnaker.execution.stages.before.* input', () => {
  const config: PipelineConfig = {
    ...minimal,
    stages: [
      { refId: '1', type: 'bake', name: 'Bake', baseOs: 'ubuntu' },
      { refId: '2', type: 'deployManifest', name: 'Deploy', account: 'staging', requisiteStageRefIds: ['1'] },
    ],
  };
  const execution = createExecution(config, { user: 'alice', now: () => 1_620_752_502_018 });
  execution.status = 'RUNNING';
  execution.startTime = 1_620_752_502_041;
  const stage = execution.stages[1]!;
  stage.status = 'RUNNING';
  stage.startTime = 1_620_752_502_100;
  stage.tasks = [
    {
      id: '1',
      name: 'deployManifest',
      implementingClass: 'x.DeployManifestTask',
      status: 'RUNNING',
      startTime: 1_620_752_502_114,
      endTime: null,
      stageStart: true,
      stageEnd: true,
      loopStart: false,
      loopEnd: false,
    },
  ];
  const built = stageInput(execution, stage, toUser('alice'));

  const files = fixtureFiles('spinnaker.execution.stages.before.').filter((f) => isRecord(fixtureInput(f)['pipeline']));

  it.each(files)('matches the key sets of %s', (file) => {
    const fixture = fixtureInput(file);
    expect(keys(built)).toEqual(keys(fixture));
    expect(keys(built['pipeline'])).toEqual(keys(fixture['pipeline']));
    expect(keys(built['stage'])).toEqual(keys(fixture['stage']));
    expect(keys(at(built, 'pipeline.trigger'))).toEqual(keys(at(fixture, 'pipeline.trigger')));
    expect(keys(built['user'])).toEqual(keys(fixture['user']));
    const fixtureTasks = at(fixture, 'stage.tasks') as unknown[];
    for (const t of fixtureTasks) expect(keys((at(built, 'stage.tasks') as unknown[])[0])).toEqual(keys(t));
    // trigger.other: the fuller of the two shapes seen in the fixtures (a superset of the other).
    const other = keys(at(built, 'pipeline.trigger.other'));
    expect(other).toEqual(expect.arrayContaining(keys(at(fixture, 'pipeline.trigger.other'))));
    // stage objects in pipeline.stages[] have the stage's key set
    for (const s of at(fixture, 'pipeline.stages') as unknown[]) {
      if (isRecord(s)) for (const b of at(built, 'pipeline.stages') as unknown[]) expect(keys(b)).toEqual(keys(s));
    }
  });

  it('uses epoch-millisecond numbers and nulls for times, as the fixtures do', () => {
    expect(at(built, 'pipeline.buildTime')).toBe(1_620_752_502_018);
    expect(at(built, 'pipeline.startTime')).toBe(1_620_752_502_041);
    expect(at(built, 'pipeline.endTime')).toBeNull();
    expect(at(built, 'stage.startTime')).toBe(1_620_752_502_100);
    expect(at(built, 'stage.endTime')).toBeNull();
    expect(at(built, 'stage.type')).toBe('deployManifest');
  });

  it('emits stage ids instead of objects when asked (the other form the fixtures show)', () => {
    const ids = stageInput(execution, stage, toUser('alice'), 'ids');
    expect(at(ids, 'pipeline.stages')).toEqual(execution.stages.map((s) => s.id));
  });

  it('is a snapshot: later changes to the execution do not show in an input already built', () => {
    const input = stageInput(execution, stage, toUser('alice'));
    stage.context['account'] = 'changed';
    expect(at(input, 'stage.context.account')).toBe('staging');
    stage.context['account'] = 'staging';
  });
});

describe('input.pipeline.stages across the steps of a run', () => {
  const config: PipelineConfig = {
    ...minimal,
    stages: [
      { refId: '1', type: 'bake', name: 'Bake' },
      { refId: '2', type: 'wait', name: 'Wait', requisiteStageRefIds: ['1'] },
      { refId: '3', type: 'wait', name: 'Wait more', requisiteStageRefIds: ['2'] },
    ],
  };
  const user = toUser('alice');
  const stagesOf = (input: Record<string, unknown>): Record<string, unknown>[] =>
    (input['pipeline'] as { stages: Record<string, unknown>[] }).stages;

  it('shares frozen stages between inputs and shows each change of the running stage in the next input only', () => {
    const execution = createExecution(config, { user: 'alice', now: () => 1 });
    execution.stages = execution.stages.map(freezeStage);
    const live: StageExecution = structuredClone(execution.stages[1] as StageExecution);
    execution.stages[1] = live;
    live.status = 'RUNNING';
    const first = stageInput(execution, live, user);
    live.context = { ...live.context, note: 'changed while running' };
    const second = stageInput(execution, live, user);

    // The running stage: its own document is the one in the list, rebuilt when it may have changed.
    expect(first['stage']).toBe(stagesOf(first)[1]);
    expect(second['stage']).toBe(stagesOf(second)[1]);
    expect((stagesOf(first)[1]?.['context'] as Record<string, unknown>)['note']).toBeUndefined();
    expect((stagesOf(second)[1]?.['context'] as Record<string, unknown>)['note']).toBe('changed while running');
    expect(stagesOf(second)[1]?.['status']).toBe('RUNNING');
    // Frozen stages: one shared document; the list itself is frozen.
    expect(stagesOf(second)[0]).toBe(stagesOf(first)[0]);
    expect(stagesOf(second)[2]).toBe(stagesOf(first)[2]);
    expect(Object.isFrozen(stagesOf(second))).toBe(true);

    // The stage ends (a frozen copy takes its place) and the next one starts.
    live.status = 'SUCCEEDED';
    execution.stages[1] = freezeStage(live);
    const next: StageExecution = structuredClone(execution.stages[2] as StageExecution);
    next.status = 'RUNNING';
    execution.stages[2] = next;
    const third = stageInput(execution, next, user);
    expect(stagesOf(third).map((s) => s['status'])).toEqual(['NOT_STARTED', 'SUCCEEDED', 'RUNNING']);
    expect(third['stage']).toBe(stagesOf(third)[2]);
    expect(stagesOf(second).map((s) => s['status'])).toEqual(['NOT_STARTED', 'RUNNING', 'NOT_STARTED']);
  });

  it('builds every document afresh, unfrozen, for an execution whose stages are all live', () => {
    const execution = createExecution(config, { user: 'alice', now: () => 1 });
    const stage = execution.stages[0] as StageExecution;
    const first = stageInput(execution, stage, user);
    stage.status = 'RUNNING';
    const second = stageInput(execution, stage, user);
    expect(stagesOf(first)[0]?.['status']).toBe('NOT_STARTED');
    expect(stagesOf(second)[0]?.['status']).toBe('RUNNING');
    expect(stagesOf(second)[1]).not.toBe(stagesOf(first)[1]);
    expect(Object.isFrozen(stagesOf(second))).toBe(false);
    expect(second['stage']).toEqual(stagesOf(second)[0]);
  });
});
