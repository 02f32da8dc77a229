import { describe, expect, it } from 'vitest';
import { PipelinesInput } from '@policy-engine/inputs-pipelines';
import {
  DeployManifestStageBeforeInput,
  DeleteManifestStageBeforeInput,
  PipelinesBeforeInput,
  StageBeforeInput,
  buildStageBeforeInput,
} from '@policy-engine/inputs-execution';
import { DeployManifestTaskInput, DeploymentTaskInput, ScaleManifestTaskInput } from '@policy-engine/inputs-deployment';
import { HttpAuthzInput } from '@policy-engine/inputs-http-authz';
import { UiEntitlementsInput } from '@policy-engine/inputs-ui-entitlements';
import { UnknownInputPackage, inputCodecFor, knownPackages, validateInput } from '../src/index.js';
import { fixtureFiles } from './fixtures.js';

describe('inputCodecFor', () => {
  it('resolves exact package names', () => {
    expect(inputCodecFor('opa.pipelines')).toBe(PipelinesInput);
    expect(inputCodecFor('spinnaker.execution.pipelines.before')).toBe(PipelinesBeforeInput);
    expect(inputCodecFor('spinnaker.http.authz')).toBe(HttpAuthzInput);
    expect(inputCodecFor('spinnaker.ui.entitlements.isFeatureEnabled')).toBe(UiEntitlementsInput);
    expect(inputCodecFor('spinnaker.execution.stages.before.deployManifest')).toBe(DeployManifestStageBeforeInput);
    expect(inputCodecFor('spinnaker.execution.stages.before.deleteManifest')).toBe(DeleteManifestStageBeforeInput);
    expect(inputCodecFor('spinnaker.deployment.tasks.before.scaleManifest')).toBe(ScaleManifestTaskInput);
  });

  it('resolves parameterised and legacy names', () => {
    expect(inputCodecFor('spinnaker.execution.stages.after.deployManifest')).toBe(DeployManifestStageBeforeInput);
    expect(inputCodecFor('spinnaker.execution.task.before.deployManifest')).toBe(DeployManifestStageBeforeInput);
    expect(inputCodecFor('spinnaker.deployment.tasks.deployManifest')).toBe(DeployManifestTaskInput);
    expect(inputCodecFor('spinnaker.deployment.tasks.before.deployManifest')).toBe(DeployManifestTaskInput);
    expect(inputCodecFor('spinnaker.persistence.pipelines.before')).toBe(PipelinesInput);
  });

  it('falls back to the generic codecs for unknown stage and task types', () => {
    expect(inputCodecFor('spinnaker.execution.stages.before.myPluginStage')).toBe(StageBeforeInput);
    expect(inputCodecFor('spinnaker.execution.stages.after.myPluginStage')).toBe(StageBeforeInput);
    expect(inputCodecFor('spinnaker.deployment.tasks.before.myTask')).toBe(DeploymentTaskInput);
    const doc = buildStageBeforeInput({ stage: { type: 'myPluginStage', context: { anything: { goes: [1] } } } });
    expect(validateInput('spinnaker.execution.stages.before.myPluginStage', doc)).toEqual({ ok: true, value: doc });
  });

  it('returns undefined for unknown packages', () => {
    for (const name of [
      'spinnaker.unknown',
      'opa.pipelines.extra',
      'spinnaker.execution.stages.before.',
      'spinnaker.execution.stages.before.a.b',
      'spinnaker.deployment.tasks.before',
      'spinnaker.deployment.tasks.',
      '',
    ]) {
      expect(inputCodecFor(name), name).toBeUndefined();
    }
  });
});

describe('knownPackages', () => {
  it('lists every documented package of the fixtures, each resolvable', () => {
    const known = knownPackages();
    const legacy = new Set(['spinnaker.deployment.tasks.deployManifest']);
    for (const { pkg } of fixtureFiles()) if (!legacy.has(pkg)) expect(known).toContain(pkg);
    for (const name of known) expect(inputCodecFor(name), name).toBeDefined();
    expect(new Set(known).size).toBe(known.length);
    expect(known).toHaveLength(2 + 26 + 5 + 2);
  });
});

describe('validateInput', () => {
  it('throws a typed error for an unknown package', () => {
    expect(() => validateInput('nope.nope', {})).toThrow(UnknownInputPackage);
    try {
      validateInput('nope.nope', {});
    } catch (err) {
      expect((err as UnknownInputPackage).code).toBe('UNKNOWN_INPUT_PACKAGE');
    }
  });

  it('reports a non-object document at the root', () => {
    const r = validateInput('spinnaker.http.authz', 'GET /applications');
    expect(r).toEqual({
      ok: false,
      errors: [
        {
          path: 'input',
          expected: 'HttpAuthzInput',
          actual: 'GET /applications',
          message: 'input: expected HttpAuthzInput, got string "GET /applications"',
        },
      ],
    });
  });
});
