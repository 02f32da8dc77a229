import { describe, expect, it } from 'vitest';
import { PipelinesInput, buildPipelinesInput } from '../src/index.js';
import { errorsOf, fixtureInput as fixture } from '@policy-engine/test-kit';

describe('PipelinesInput', () => {
  it('the builder default is valid', () => {
    expect(errorsOf(PipelinesInput, buildPipelinesInput())).toEqual([]);
  });

  it('overrides deep-merge into the pipeline', () => {
    const doc = buildPipelinesInput({ pipeline: { application: 'payments', stages: [{ type: 'manualJudgment', refId: '2' }] } });
    expect(doc.pipeline.application).toBe('payments');
    expect(doc.pipeline.name).toBe('deploy');
    expect(doc.pipeline.stages).toEqual([{ type: 'manualJudgment', refId: '2' }]);
    expect(errorsOf(PipelinesInput, doc)).toEqual([]);
  });

  it('accepts the opa.pipelines fixture', () => {
    expect(errorsOf(PipelinesInput, fixture('opa.pipelines.input.json'))).toEqual([]);
  });

  it('rejects wrong types at their path', () => {
    expect(errorsOf(PipelinesInput, {})).toEqual(['input.pipeline <PipelineConfig>']);
    expect(errorsOf(PipelinesInput, buildPipelinesInput({ pipeline: { stages: 3 as unknown as [] } }))).toEqual([
      'input.pipeline.stages <Array<StageConfig>>',
    ]);
    expect(
      errorsOf(PipelinesInput, buildPipelinesInput({ pipeline: { stages: [{ requisiteStageRefIds: [1 as unknown as string] }] } })),
    ).toEqual(['input.pipeline.stages[0].requisiteStageRefIds[0] <string>']);
    expect(errorsOf(PipelinesInput, buildPipelinesInput({ pipeline: { limitConcurrent: 'true' as unknown as boolean } }))).toEqual([
      'input.pipeline.limitConcurrent <boolean>',
    ]);
  });
});
