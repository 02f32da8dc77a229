/**
 * Save-time validation asks the evaluator's one rule ("may the loaded set decide this package"):
 * a module of the parent package `opa` whose ref-head rule defines `data.opa.pipelines.deny`
 * is evaluated, not skipped as "no policy".
 */
import { describe, expect, it } from 'vitest';
import { createPolicyEngine } from '@policy-engine/evaluator';
import { countingEngine } from '@policy-engine/evaluator/testing';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa } from '@policy-engine/opa';
import { createFront50Validator } from '@policy-engine/front50-adapter';

describe('a parent package that defines opa.pipelines with a ref-head rule', () => {
  it('rejects the save with its message (embedded wasm engine)', async () => {
    const engine = countingEngine(wasmEngine({ opaPath: findOpa() }));
    const source =
      'package opa\n\npipelines.deny contains msg if {\n  startswith(input.pipeline.name, "tmp")\n  msg := sprintf("pipeline %q: temporary names are not saved", [input.pipeline.name])\n}\n';
    const policyEngine = await createPolicyEngine({ engine, policies: { kind: 'inline', modules: [{ id: 'opa.rego', source }] } });
    try {
      const validator = createFront50Validator({ policyEngine, onMissingPolicy: 'allow' });
      const rejected = await validator.validatePipelineSave({ application: 'shop', name: 'tmp-1', stages: [] });
      expect(rejected).toMatchObject({ valid: false, policyFound: true, errors: ['pipeline "tmp-1": temporary names are not saved'] });
      const accepted = await validator.validatePipelineSave({ application: 'shop', name: 'release', stages: [] });
      expect(accepted).toMatchObject({ valid: true, policyFound: true, errors: [] });
      expect(engine.counts.get('opa.pipelines')).toBe(2);
    } finally {
      await policyEngine.close();
    }
  });
});
