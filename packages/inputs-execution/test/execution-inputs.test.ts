import { describe, expect, it } from 'vitest';
import {
  DOCUMENTED_STAGE_TYPES,
  DeleteManifestStageBeforeInput,
  DeployManifestStageBeforeInput,
  PipelinesBeforeInput,
  ScaleManifestStageBeforeInput,
  StageBeforeInput,
  buildDeleteManifestStageBeforeInput,
  buildDocumentedStageBeforeInput,
  buildPipelinesBeforeInput,
  buildStageBeforeInput,
  stageBeforeInputCodec,
} from '../src/index.js';
import { errorsOf, fixtureInput as fixture } from '@policy-engine/test-kit';

describe('stage hook inputs', () => {
  it('covers the 26 documented stage types', () => {
    expect(DOCUMENTED_STAGE_TYPES).toHaveLength(26);
  });

  it.each(DOCUMENTED_STAGE_TYPES)('%s: the builder default is valid and matches its fixture codec', (stageType) => {
    const codec = stageBeforeInputCodec(stageType);
    expect(errorsOf(codec, buildDocumentedStageBeforeInput(stageType))).toEqual([]);
    expect(errorsOf(codec, fixture(`spinnaker.execution.stages.before.${stageType}.input.json`))).toEqual([]);
  });

  it('unknown stage types use the generic codec; contexts are kept untyped', () => {
    expect(stageBeforeInputCodec('myPluginStage')).toBe(StageBeforeInput);
    const doc = buildStageBeforeInput({ stage: { context: { custom: { any: ['thing'] } } } }, 'myPluginStage');
    expect(doc.stage.type).toBe('myPluginStage');
    expect(errorsOf(StageBeforeInput, doc)).toEqual([]);
  });

  it('typed contexts reject wrong types, including flat dotted keys', () => {
    const deploy = buildStageBeforeInput({ stage: { context: { manifests: 'nope' } } }, 'deployManifest');
    expect(errorsOf(DeployManifestStageBeforeInput, deploy)).toEqual(['input.stage.context.manifests <Array<UnknownRecord>>']);
    const scale = buildStageBeforeInput({ stage: { context: { 'kato.tasks': [{ id: 7 }] } } }, 'scaleManifest');
    expect(errorsOf(ScaleManifestStageBeforeInput, scale)).toEqual(['input.stage.context["kato.tasks"][0].id <string>']);
    // documented string, tolerated number
    const replicas = buildStageBeforeInput({ stage: { context: { replicas: 3 } } }, 'scaleManifest');
    expect(errorsOf(ScaleManifestStageBeforeInput, replicas)).toEqual([]);
  });

  it('stage and pipeline errors carry the full path', () => {
    const doc = buildStageBeforeInput({
      user: { isAdmin: 'yes' as unknown as boolean },
      stage: { tasks: [{ status: 1 as unknown as string }] },
      pipeline: { stages: ['01F5', 2 as unknown as string] },
    });
    expect(errorsOf(StageBeforeInput, doc)).toEqual([
      'input.pipeline.stages[1] <StageExecution | string (stage id)>',
      'input.stage.tasks[0].status <string>',
      'input.user.isAdmin <boolean>',
    ]);
  });

  it('deleteManifest: the documented input.deploy form and the regular stage form are both checked', () => {
    expect(errorsOf(DeleteManifestStageBeforeInput, buildDeleteManifestStageBeforeInput())).toEqual([]);
    expect(errorsOf(DeleteManifestStageBeforeInput, buildStageBeforeInput(undefined, 'deleteManifest'))).toEqual([]);
    expect(
      errorsOf(
        DeleteManifestStageBeforeInput,
        buildDeleteManifestStageBeforeInput({ deploy: { options: { gracePeriodSeconds: '30' as unknown as number } } }),
      ),
    ).toEqual(['input.deploy.options.gracePeriodSeconds <number | null>']);
    expect(errorsOf(DeleteManifestStageBeforeInput, {})).toEqual(['input.pipeline <Execution>', 'input.stage <StageExecution>']);
  });
});

describe('PipelinesBeforeInput', () => {
  it('the builder default and the fixture are valid', () => {
    expect(errorsOf(PipelinesBeforeInput, buildPipelinesBeforeInput())).toEqual([]);
    expect(errorsOf(PipelinesBeforeInput, fixture('spinnaker.execution.pipelines.before.input.json'))).toEqual([]);
  });

  it('rejects a wrong trigger type', () => {
    expect(errorsOf(PipelinesBeforeInput, buildPipelinesBeforeInput({ pipeline: { trigger: { type: 5 as unknown as string } } }))).toEqual([
      'input.pipeline.trigger.type <string>',
    ]);
  });
});
