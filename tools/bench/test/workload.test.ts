import { describe, expect, it } from 'vitest';
import { parse } from '@policy-engine/rego-parser';
import { buildCases, chainedPipeline, generatedPolicies, manyRulesPolicy, pipelineWithStages, setPointer } from '../src/index.js';

describe('workload', () => {
  it('builds case inputs from fixtures and JSON-pointer edits', () => {
    const cases = buildCases(
      [{ name: 'n', package: 'p', fixture: 'f.json', edits: [{ path: '/a/b~1c/0', value: 9 }], expect: { allowed: false } }],
      () => ({ a: { 'b/c': [1, 2] } }),
    );
    expect(cases).toEqual([{ name: 'n', pkg: 'p', input: { a: { 'b/c': [9, 2] } }, allowed: false }]);
    expect(() => setPointer({ a: 1 }, '/a/b', 2)).toThrow(/not an object/);
  });
  it('generated policies and the many-rules package are valid Rego v1', () => {
    for (const m of [...generatedPolicies(3), manyRulesPolicy(5)]) {
      const parsed = parse(m.source, { regoVersion: 'v1', file: m.id });
      expect(parsed.module, m.id).toBeDefined();
    }
    expect(new Set(generatedPolicies(100).map((m) => m.source.split('\n')[0])).size).toBe(100);
    expect(manyRulesPolicy(7).source.match(/^deny contains/gm)).toHaveLength(7);
  });
  it('repeats the fixture stages to the asked count without touching the fixture', () => {
    const input = {
      pipeline: {
        name: 'p',
        stages: [
          { type: 'a', name: 'A', refId: '1' },
          { type: 'b', name: 'B', refId: '2' },
        ],
      },
    };
    const out = pipelineWithStages(input, 5) as typeof input;
    expect(out.pipeline.stages.map((s) => s.type)).toEqual(['a', 'b', 'a', 'b', 'a']);
    expect(new Set(out.pipeline.stages.map((s) => s.refId)).size).toBe(5);
    expect(input.pipeline.stages).toHaveLength(2);
    expect(() => pipelineWithStages({}, 3)).toThrow(/no pipeline.stages/);
  });
});

describe('chainedPipeline', () => {
  it('cycles the stages into a chain, each depending on the one before', () => {
    const base = {
      application: 'a',
      name: 'p',
      stages: [
        { type: 'bake', refId: 'x' },
        { type: 'wait', refId: 'y', requisiteStageRefIds: ['x'] },
      ],
    };
    const chain = chainedPipeline(base, 5);
    expect(chain.stages.map((s) => [s['type'], s['refId'], s['requisiteStageRefIds']])).toEqual([
      ['bake', '1', []],
      ['wait', '2', ['1']],
      ['bake', '3', ['2']],
      ['wait', '4', ['3']],
      ['bake', '5', ['4']],
    ]);
    expect(chain.application).toBe('a');
    expect(base.stages[1]?.refId).toBe('y');
    expect(() => chainedPipeline({ stages: [] }, 3)).toThrow(/no stages/);
  });
});
