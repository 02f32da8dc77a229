/**
 * Acceptance: the example policies (examples/policies) on the real engines — embedded wasm
 * and a real OPA server — stop the right stage, task or operation with their messages while
 * unrelated stages run; packages with no policy never reach the engine.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicyEngine, type Engine, type PolicyEngine } from '@policy-engine/evaluator';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, repoRoot, startOpaServer } from '@policy-engine/opa';
import { createOrcaInterceptor, type PipelineConfig, type StageConfig, type User } from '@policy-engine/orca-adapter';
import { runPipeline, type PipelineRunResult } from '@policy-engine/orca-simulator';
import { countingEngine as counting, type CountingEngine } from '@policy-engine/evaluator/testing';

const examplePolicies = join(repoRoot, 'examples', 'policies');

interface EngineFactory {
  readonly name: string;
  make(): Promise<{ engine: Engine; readonly stop: () => Promise<void> }>;
}

const factories: EngineFactory[] = [
  { name: 'wasm', make: () => Promise.resolve({ engine: wasmEngine({ opaPath: findOpa() }), stop: () => Promise.resolve() }) },
  {
    name: 'opa',
    make: async () => {
      const server = await startOpaServer({ v0Compatible: true });
      return { engine: opaEngine({ baseUrl: server.url }), stop: () => server.stop() };
    },
  },
];

const manifest = (name: string, namespace: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { template: { spec: { containers: [{ name, image }] } } },
});
const deploy = (refId: string, name: string, account: string, image: string, requisiteStageRefIds: string[] = []): StageConfig => ({
  refId,
  requisiteStageRefIds,
  type: 'deployManifest',
  name,
  account,
  cloudProvider: 'kubernetes',
  source: 'text',
  manifests: [manifest('web', 'shop', image)],
  moniker: { app: 'shop' },
});
const bake: StageConfig = { refId: 'b', type: 'bake', name: 'Bake', baseOs: 'ubuntu', region: 'us-east-1' };
const pipeline = (stages: StageConfig[], application = 'shop', name = 'release'): PipelineConfig => ({ application, name, stages });
const alice: User = { username: 'alice', isAdmin: false, roles: [] };

const stageOf = (r: PipelineRunResult, refId: string) => r.execution.stages.find((s) => s.refId === refId)!;
const statuses = (r: PipelineRunResult) => Object.fromEntries(r.execution.stages.map((s) => [s.refId, s.status]));

describe.each(factories)('Orca hooks with examples/policies on the $name engine', (factory) => {
  let engine: CountingEngine;
  let policyEngine: PolicyEngine;
  let stop: () => Promise<void>;
  let tempDir: string;

  beforeAll(async () => {
    const made = await factory.make();
    stop = made.stop;
    engine = counting(made.engine);
    policyEngine = await createPolicyEngine({
      engine,
      policies: { kind: 'directory', path: examplePolicies, regoVersion: 'auto' },
    });
    tempDir = await mkdtemp(join(tmpdir(), 'orca-acceptance-'));
  }, 120_000);

  afterAll(async () => {
    await policyEngine?.close();
    await stop?.();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  const run = (config: PipelineConfig, user: User = alice) =>
    runPipeline(config, { interceptor: createOrcaInterceptor({ policyEngine }), user });

  it('beforePipeline: a frozen application does not start; no stage runs', async () => {
    const r = await run(pipeline([deploy('1', 'Deploy', 'staging', 'acme/web:1.0'), bake], 'payments', 'pay day'));
    expect(r.status).toBe('TERMINAL');
    expect(r.stops).toEqual([
      {
        hook: 'beforePipeline',
        packages: ['spinnaker.execution.pipelines.before'],
        messages: ['application payments is in a change freeze; pipeline "pay day" may not start'],
      },
    ]);
    expect(statuses(r)).toEqual({ '1': 'NOT_STARTED', b: 'NOT_STARTED' });
  });

  it('beforeTask: a prod deploy without the deployers role stops at its first task while the unrelated bake runs', async () => {
    const r = await run(
      pipeline([
        deploy('1', 'Deploy prod', 'prod', 'acme/web:1.0'),
        { refId: '2', type: 'wait', name: 'Soak', requisiteStageRefIds: ['1'] },
        bake,
      ]),
    );
    expect(statuses(r)).toEqual({ '1': 'TERMINAL', '2': 'NOT_STARTED', b: 'SUCCEEDED' });
    expect(r.stops).toEqual([
      {
        hook: 'beforeTask',
        stage: { refId: '1', name: 'Deploy prod', type: 'deployManifest' },
        task: 'resolveDeploySourceManifest',
        packages: ['spinnaker.execution.stages.before.deployManifest'],
        messages: ['user alice may not deploy to production account prod: the deployers role is required'],
      },
    ]);
    expect(stageOf(r, '1').tasks[0]!.status).toBe('TERMINAL');
    expect(stageOf(r, 'b').tasks.map((t) => t.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);

    const deployer = await run(pipeline([deploy('1', 'Deploy prod', 'prod', 'acme/web:1.0')]), {
      ...alice,
      roles: [{ name: 'deployers', source: 'GITHUB_TEAMS' }],
    });
    expect(deployer.status).toBe('SUCCEEDED');
  });

  it('beforeTask: an unapproved base OS stops the bake stage; the unrelated deploy runs', async () => {
    const r = await run(pipeline([{ ...bake, baseOs: 'windows' }, deploy('1', 'Deploy', 'staging', 'acme/web:1.0')]));
    expect(statuses(r)).toEqual({ b: 'TERMINAL', '1': 'SUCCEEDED' });
    expect(r.stops[0]!.messages).toEqual([
      'base OS "windows" is not approved for baking (approved: ["ubuntu", "bionic", "focal", "jammy"])',
    ]);
  });

  it('beforeDeploymentOperation: a :latest image stops the deployManifest task at its operation; the unrelated bake runs', async () => {
    const r = await run(pipeline([deploy('1', 'Deploy latest', 'staging', 'nginx:latest'), bake]));
    expect(statuses(r)).toEqual({ '1': 'TERMINAL', b: 'SUCCEEDED' });
    expect(r.stops).toEqual([
      {
        hook: 'beforeDeploymentOperation',
        stage: { refId: '1', name: 'Deploy latest', type: 'deployManifest' },
        task: 'deployManifest',
        operation: 'deployManifest',
        packages: ['spinnaker.deployment.tasks.before.deployManifest'],
        messages: ['container web uses the mutable tag :latest (nginx:latest)'],
      },
    ]);
    expect(
      stageOf(r, '1')
        .tasks.slice(0, 3)
        .map((t) => t.status),
    ).toEqual(['SUCCEEDED', 'TERMINAL', 'NOT_STARTED']);
  });

  it('beforeDeploymentOperation: scaling above the limit stops the scaleManifest operation', async () => {
    const scale: StageConfig = {
      refId: 's',
      type: 'scaleManifest',
      name: 'Scale',
      account: 'staging',
      location: 'shop',
      manifestName: 'deployment web',
      replicas: '50',
    };
    const r = await run(pipeline([scale, bake]));
    expect(statuses(r)).toEqual({ s: 'TERMINAL', b: 'SUCCEEDED' });
    expect(r.stops[0]).toMatchObject({
      hook: 'beforeDeploymentOperation',
      operation: 'scaleManifest',
      messages: ['scaling deployment web to 50 replicas exceeds the limit of 20'],
    });
  });

  it('afterStage: a too-long wait fails its stage after its task ran; its dependant does not run, the unrelated bake does', async () => {
    const r = await run(
      pipeline([
        { refId: 'w', type: 'wait', name: 'Long wait', waitTime: 7200 },
        deploy('1', 'Deploy', 'staging', 'acme/web:1.0', ['w']),
        bake,
      ]),
    );
    expect(statuses(r)).toEqual({ w: 'TERMINAL', '1': 'NOT_STARTED', b: 'SUCCEEDED' });
    expect(stageOf(r, 'w').tasks.map((t) => t.status)).toEqual(['SUCCEEDED']);
    expect(r.stops).toEqual([
      {
        hook: 'afterStage',
        stage: { refId: 'w', name: 'Long wait', type: 'wait' },
        packages: ['spinnaker.execution.stages.after.wait'],
        messages: ['stage "Long wait" waited 7200 s; a wait may hold a pipeline at most 3600 s'],
      },
    ]);
    // A wait within the limit passes the same hook.
    expect((await run(pipeline([{ refId: 'w', type: 'wait', name: 'Short wait', waitTime: 3600 }]))).status).toBe('SUCCEEDED');
  });

  it('a pipeline every policy allows succeeds', async () => {
    const judgment: StageConfig = {
      refId: 'j',
      type: 'manualJudgment',
      name: 'Judge',
      instructions: 'ok?',
      stageTimeoutMs: 60_000,
      requisiteStageRefIds: ['1'],
    };
    const r = await run(pipeline([bake, deploy('1', 'Deploy', 'staging', 'acme/web:1.0', ['b']), judgment]));
    expect(r.status).toBe('SUCCEEDED');
    expect(r.stops).toEqual([]);
  });

  it('packages with no policy never reach the engine (counted)', async () => {
    engine.reset();
    const config = pipeline([
      bake,
      { refId: 'w', type: 'wait', name: 'Wait', waitTime: 5 },
      { refId: 'e', type: 'evaluateArtifacts', name: 'Evaluate' },
      {
        refId: 's',
        type: 'scaleManifest',
        name: 'Scale',
        account: 'staging',
        location: 'shop',
        manifestName: 'deployment web',
        replicas: '3',
      },
    ]);
    const r = await run(config);
    expect(r.status).toBe('SUCCEEDED');
    const considered = r.events.flatMap((e) => (e.kind === 'hook' ? e.result.checks : []));
    const withoutPolicy = [...new Set(considered.filter((c) => !c.evaluated).map((c) => c.package))].sort();
    expect(withoutPolicy).toEqual([
      'spinnaker.execution.stages.after.bake',
      'spinnaker.execution.stages.after.evaluateArtifacts',
      'spinnaker.execution.stages.after.scaleManifest',
      'spinnaker.execution.stages.before.evaluateArtifacts',
      'spinnaker.execution.stages.before.scaleManifest',
      'spinnaker.execution.stages.before.wait',
    ]);
    for (const pkg of withoutPolicy) expect(engine.counts.get(pkg) ?? 0).toBe(0);
    // packages with a policy: one engine call per check
    expect(Object.fromEntries(engine.counts)).toEqual({
      'spinnaker.execution.pipelines.before': 1,
      'spinnaker.execution.stages.before.bake': 4,
      'spinnaker.execution.stages.after.wait': 1,
      'spinnaker.deployment.tasks.before.scaleManifest': 1,
    });
  });

  it('no decision (engine down) stops the pipeline with the engine error; failOpen lets it run', async () => {
    const config = pipeline([bake]);
    for (const failOpen of [false, true]) {
      const inner = await factory.make();
      const pe = await createPolicyEngine({
        engine: inner.engine,
        policies: { kind: 'directory', path: examplePolicies, regoVersion: 'auto' },
        options: { failOpen },
      });
      try {
        // Take the engine away: the OPA server is stopped; the embedded engine is closed with its policy engine.
        await inner.stop();
        if (factory.name === 'wasm') await pe.close();
        const r = await runPipeline(config, { interceptor: createOrcaInterceptor({ policyEngine: pe }), user: alice });
        if (failOpen) {
          expect(r.status).toBe('SUCCEEDED');
        } else {
          expect(r.status).toBe('TERMINAL');
          expect(r.stops).toHaveLength(1);
          expect(r.stops[0]).toMatchObject({ hook: 'beforePipeline', packages: ['spinnaker.execution.pipelines.before'] });
          expect(r.stops[0]!.messages[0]).toMatch(
            /^policy spinnaker\.execution\.pipelines\.before could not be evaluated \(ENGINE_UNAVAILABLE\): /,
          );
          expect(statuses(r)).toEqual({ b: 'NOT_STARTED' });
        }
      } finally {
        await pe.close();
      }
    }
  }, 120_000);

  it('the package index follows a policy reload: a newly added policy is evaluated, and denies', async () => {
    const dir = join(tempDir, 'policies');
    await cp(examplePolicies, dir, { recursive: true });
    const inner = await factory.make();
    const reloading = counting(inner.engine);
    const pe = await createPolicyEngine({ engine: reloading, policies: { kind: 'directory', path: dir, regoVersion: 'auto' } });
    try {
      const config = pipeline([{ refId: 'w', type: 'wait', name: 'Wait', waitTime: 5 }]);
      const interceptor = createOrcaInterceptor({ policyEngine: pe });
      const first = await runPipeline(config, { interceptor, user: alice });
      expect(first.status).toBe('SUCCEEDED');
      expect(reloading.counts.get('spinnaker.execution.stages.before.wait') ?? 0).toBe(0);

      await writeFile(
        join(dir, 'wait.rego'),
        'package spinnaker.execution.stages.before.wait\n\ndeny["waiting is not allowed today"] {\n  input.stage.type == "wait"\n}\n',
      );
      const reload = await pe.reload();
      expect(reload.ok).toBe(true);
      const second = await runPipeline(config, { interceptor, user: alice });
      expect(second.status).toBe('TERMINAL');
      expect(second.stops[0]!.messages).toEqual(['waiting is not allowed today']);
      expect(reloading.counts.get('spinnaker.execution.stages.before.wait')).toBe(1);
    } finally {
      await pe.close();
      await inner.stop();
    }
  }, 120_000);
});
