/**
 * The Orca hooks use the evaluator's one rule for "may the loaded set decide this package":
 * a module `package spinnaker.execution` with a ref-head rule
 * `stages.before.deployManifest.deny contains …` stops the deploy stage on both real engines,
 * and a package no rule reaches is still skipped without an engine call.
 */
import { describe, expect, it } from 'vitest';
import { createPolicyEngine, type Engine } from '@policy-engine/evaluator';
import { countingEngine } from '@policy-engine/evaluator/testing';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, startOpaServer } from '@policy-engine/opa';
import { createOrcaInterceptor, type PipelineConfig } from '@policy-engine/orca-adapter';
import { runPipeline } from '@policy-engine/orca-simulator';

const source =
  'package spinnaker.execution\n\nstages.before.deployManifest.deny contains msg if {\n  input.stage.context.account == "prod"\n  msg := "parent package: no deploys to prod"\n}\n';

const config: PipelineConfig = {
  application: 'shop',
  name: 'release',
  stages: [
    {
      refId: '1',
      type: 'deployManifest',
      name: 'Deploy prod',
      account: 'prod',
      cloudProvider: 'kubernetes',
      source: 'text',
      manifests: [],
    },
    { refId: '2', type: 'wait', name: 'Soak', waitTime: 1 },
  ],
};

const engines: { name: string; make(): Promise<{ engine: Engine; stop(): Promise<void> }> }[] = [
  { name: 'wasm', make: () => Promise.resolve({ engine: wasmEngine({ opaPath: findOpa() }), stop: () => Promise.resolve() }) },
  {
    name: 'opa',
    make: async () => {
      const server = await startOpaServer({ v0Compatible: true });
      return { engine: opaEngine({ baseUrl: server.url }), stop: () => server.stop() };
    },
  },
];

describe.each(engines)('a parent-package policy on the $name engine', (factory) => {
  it('stops the deploy stage; the unrelated wait stage runs and its package never reaches the engine', async () => {
    const made = await factory.make();
    const engine = countingEngine(made.engine);
    const policyEngine = await createPolicyEngine({ engine, policies: { kind: 'inline', modules: [{ id: 'execution.rego', source }] } });
    try {
      const r = await runPipeline(config, {
        interceptor: createOrcaInterceptor({ policyEngine }),
        user: { username: 'alice', isAdmin: false, roles: [] },
      });
      expect(r.status).toBe('TERMINAL');
      expect(r.execution.stages.map((s) => [s.refId, s.status])).toEqual([
        ['1', 'TERMINAL'],
        ['2', 'SUCCEEDED'],
      ]);
      expect(r.stops).toMatchObject([
        {
          hook: 'beforeTask',
          packages: ['spinnaker.execution.stages.before.deployManifest'],
          messages: ['parent package: no deploys to prod'],
        },
      ]);
      expect(engine.counts.get('spinnaker.execution.stages.before.wait')).toBeUndefined();
    } finally {
      await policyEngine.close();
      await made.stop();
    }
  });
});
