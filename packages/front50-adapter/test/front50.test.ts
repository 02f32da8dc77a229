import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInput, createPolicyEngine, type PolicyEngine } from '@policy-engine/evaluator';
import { countingEngine } from '@policy-engine/evaluator/testing';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, repoRoot } from '@policy-engine/opa';
import { fixtureInput } from '@policy-engine/test-kit';
import { createFront50Validator } from '@policy-engine/front50-adapter';
import { countingEngine as counting, type CountingEngine } from '@policy-engine/evaluator/testing';

const policiesDir = join(repoRoot, 'examples', 'policies');
const fixturePipeline = fixtureInput('opa.pipelines.input.json')['pipeline'] as Record<string, unknown>;

/** The fixture's pipeline with its stages replaced: `prod` deploy without a Manual Judgment. */
const unguardedProd = {
  ...fixturePipeline,
  id: 'p-unguarded',
  name: 'ship to prod',
  stages: [{ refId: '1', type: 'deployManifest', name: 'Deploy prod', account: 'prod', requisiteStageRefIds: [] }],
};
const PROD_MESSAGE = 'stage "Deploy prod" deploys to production account "prod", but the pipeline has no Manual Judgment stage';

let engine: CountingEngine;
let policyEngine: PolicyEngine;
let noSavePolicyEngine: CountingEngine;
let noSavePolicies: PolicyEngine;

beforeAll(async () => {
  engine = counting(wasmEngine({ opaPath: findOpa() }));
  policyEngine = await createPolicyEngine({
    engine,
    policies: [
      { kind: 'directory', path: policiesDir, regoVersion: 'auto' },
      {
        kind: 'inline',
        modules: [
          {
            id: 'user-check.rego',
            source: 'package opa.pipelines\n\ndeny contains "mallory may not save pipelines" if input.user.username == "mallory"\n',
            regoVersion: 'v1',
          },
          {
            id: 'legacy.rego',
            source:
              'package spinnaker.persistence.pipelines.before\n\ndeny["legacy hook: pipeline names must not start with tmp"] {\n  startswith(input.pipeline.name, "tmp")\n}\n',
            regoVersion: 'v0',
          },
        ],
      },
    ],
  });
  // the example set without the save-time policy
  noSavePolicyEngine = counting(wasmEngine({ opaPath: findOpa() }));
  noSavePolicies = await createPolicyEngine({
    engine: noSavePolicyEngine,
    policies: [
      { kind: 'directory', path: join(policiesDir, 'execution'), regoVersion: 'auto' },
      { kind: 'directory', path: join(policiesDir, 'deployment'), regoVersion: 'auto' },
    ],
    data: JSON.parse(readFileSync(join(policiesDir, 'data.json'), 'utf8')) as Record<string, unknown>,
  });
}, 120_000);

afterAll(async () => {
  await policyEngine?.close();
  await noSavePolicies?.close();
});

describe('validatePipelineSave (embedded wasm engine, examples/policies)', () => {
  it('accepts the documented example pipeline', async () => {
    const v = createFront50Validator({ policyEngine });
    const r = await v.validatePipelineSave(fixturePipeline);
    expect(r).toMatchObject({ valid: true, errors: [], policyFound: true });
    expect(r.decisions.map((d) => [d.package, d.engine, d.allowed])).toEqual([['opa.pipelines', 'wasm', true]]);
  });

  it('rejects a production deploy without a Manual Judgment, with the policy message', async () => {
    const v = createFront50Validator({ policyEngine });
    const r = await v.validatePipelineSave(unguardedProd);
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([PROD_MESSAGE]);
  });

  it('rejects an enabled git trigger on an unprotected branch', async () => {
    const v = createFront50Validator({ policyEngine });
    const triggers = [{ type: 'git', enabled: true, branch: 'feature/x', project: 'acme', slug: 'web' }];
    const r = await v.validatePipelineSave({ ...fixturePipeline, triggers });
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([`git trigger on acme/web fires from branch "feature/x"; only ["master", "main"] are allowed`]);
  });

  it('passes the saving user as input.user', async () => {
    const v = createFront50Validator({ policyEngine });
    expect((await v.validatePipelineSave(fixturePipeline, 'mallory')).errors).toEqual(['mallory may not save pipelines']);
    expect((await v.validatePipelineSave(fixturePipeline, { username: 'alice', roles: ['pipeline-editors'] })).valid).toBe(true);
  });

  it('consults spinnaker.persistence.pipelines.before only with legacyPackageName', async () => {
    const tmp = { ...fixturePipeline, name: 'tmp pipeline' };
    expect((await createFront50Validator({ policyEngine }).validatePipelineSave(tmp)).valid).toBe(true);
    const legacy = await createFront50Validator({ policyEngine, legacyPackageName: true }).validatePipelineSave(tmp);
    expect(legacy.errors).toEqual(['legacy hook: pipeline names must not start with tmp']);
    expect(legacy.decisions.map((d) => d.package)).toEqual(['opa.pipelines', 'spinnaker.persistence.pipelines.before']);
  });

  it('refuses a malformed pipeline with the path of each problem before any policy runs; validateShape: false lets policies see it', async () => {
    const counted = countingEngine(wasmEngine({ opaPath: findOpa() }));
    const pe = await createPolicyEngine({
      engine: counted,
      policies: { kind: 'directory', path: join(policiesDir, 'save-time'), regoVersion: 'auto' },
    });
    try {
      const bad = { ...fixturePipeline, stages: 'nope', triggers: [{ type: 7 }] };
      const r = await createFront50Validator({ policyEngine: pe }).validatePipelineSave(bad);
      expect(r).toMatchObject({ valid: false, policyFound: true, decisions: [] });
      expect(r.errors).toEqual([
        'input.pipeline.stages: expected Array<StageConfig>, got string "nope"',
        'input.pipeline.triggers[0].type: expected string, got number 7',
      ]);
      expect(counted.total()).toBe(0);
      const unchecked = await createFront50Validator({ policyEngine: pe, validateShape: false }).validatePipelineSave(bad);
      expect(unchecked.valid).toBe(true);
      expect(counted.total()).toBe(1);
    } finally {
      await pe.close();
    }
  });

  it('throws InvalidInput for a pipeline that is not an object', async () => {
    const v = createFront50Validator({ policyEngine });
    await expect(v.validatePipelineSave([1, 2])).rejects.toBeInstanceOf(InvalidInput);
  });

  it('rejects an unknown onMissingPolicy value with a ConfigurationError', () => {
    expect(() => createFront50Validator({ policyEngine, onMissingPolicy: 'maybe' as 'allow' })).toThrow(ConfigurationError);
  });
});

describe('onMissingPolicy (no opa.pipelines policy loaded)', () => {
  it('allow (default, the plugin reading): every save passes, without an engine call', async () => {
    const before = noSavePolicyEngine.total();
    const v = createFront50Validator({ policyEngine: noSavePolicies });
    const r = await v.validatePipelineSave(unguardedProd);
    expect(r).toEqual({ valid: true, errors: [], policyFound: false, decisions: [] });
    expect(noSavePolicyEngine.total()).toBe(before);
  });

  it('deny (the extension reading): every save fails closed with a clear message', async () => {
    const v = createFront50Validator({ policyEngine: noSavePolicies, onMissingPolicy: 'deny' });
    const r = await v.validatePipelineSave(fixturePipeline);
    expect(r.valid).toBe(false);
    expect(r.policyFound).toBe(false);
    expect(r.errors).toEqual(["no policy is loaded for opa.pipelines; save-time validation fails closed (onMissingPolicy: 'deny')"]);
  });

  it('deny does not affect saves when a policy exists', async () => {
    const v = createFront50Validator({ policyEngine, onMissingPolicy: 'deny' });
    expect((await v.validatePipelineSave(fixturePipeline)).valid).toBe(true);
  });
});

describe('when no decision can be obtained (the policy engine is closed)', () => {
  const closedEngine = async (failOpen: boolean): Promise<PolicyEngine> => {
    const pe = await createPolicyEngine({
      engine: wasmEngine({ opaPath: findOpa() }),
      policies: { kind: 'directory', path: policiesDir, regoVersion: 'auto' },
      options: { failOpen },
    });
    await pe.close();
    return pe;
  };

  it('refuses the save with the engine error (fail closed), in single and batch mode', async () => {
    const v = createFront50Validator({ policyEngine: await closedEngine(false) });
    const r = await v.validatePipelineSave(fixturePipeline);
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual(['policy opa.pipelines could not be evaluated (ENGINE_UNAVAILABLE): policy engine is closed']);
    const batch = await v.validatePipelines([fixturePipeline, unguardedProd]);
    expect(batch.invalid.map((e) => e.name)).toEqual(['scale deployments', 'ship to prod']);
  });

  it('lets the save through when the policy engine was created with failOpen', async () => {
    const v = createFront50Validator({ policyEngine: await closedEngine(true) });
    const r = await v.validatePipelineSave(unguardedProd);
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.decisions.map((d) => [d.allowed, d.error?.code])).toEqual([[true, 'ENGINE_UNAVAILABLE']]);
  });
});

describe('validatePipelines (batch, Pipelines-as-Code style)', () => {
  it('reports the one bad pipeline among many by name and id; the rest pass', async () => {
    const v = createFront50Validator({ policyEngine });
    const good = Array.from({ length: 7 }, (_, i) => ({ ...fixturePipeline, id: `p-${i}`, name: `service ${i}` }));
    const batch = [...good.slice(0, 4), unguardedProd, ...good.slice(4)];
    const r = await v.validatePipelines(batch);
    expect(r.valid).toBe(false);
    expect(r.total).toBe(8);
    expect(r.invalid).toEqual([
      { index: 4, name: 'ship to prod', id: 'p-unguarded', application: 'hostname', valid: false, errors: [PROD_MESSAGE] },
    ]);
    expect(r.results.filter((e) => e.valid).map((e) => e.name)).toEqual(good.map((p) => p.name));
  });

  it('reports a malformed entry instead of throwing', async () => {
    const v = createFront50Validator({ policyEngine });
    const r = await v.validatePipelines([fixturePipeline, 'not a pipeline']);
    expect(r.results.map((e) => [e.name, e.valid])).toEqual([
      ['scale deployments', true],
      ['#1', false],
    ]);
    expect(r.results[1]!.errors[0]).toContain('pipeline: expected an object');
  });

  it('an all-good batch is valid; with onMissingPolicy deny and no policy every entry fails', async () => {
    const ok = await createFront50Validator({ policyEngine }).validatePipelines([fixturePipeline, fixturePipeline]);
    expect(ok.valid).toBe(true);
    const closed = await createFront50Validator({ policyEngine: noSavePolicies, onMissingPolicy: 'deny' }).validatePipelines([
      fixturePipeline,
      unguardedProd,
    ]);
    expect(closed.invalid.map((e) => e.name)).toEqual(['scale deployments', 'ship to prod']);
  });
});
