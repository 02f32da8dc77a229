/**
 * Cross-check with the inputs-* packages: every document the interceptor sends during a run of
 * the simulated executors decodes with the package's io-ts codec.
 */
import { describe, expect, it } from 'vitest';
import { createPolicyEngine } from '@policy-engine/evaluator';
import { toInputErrors } from '@policy-engine/inputs-common';
import { deploymentTaskInputCodec } from '@policy-engine/inputs-deployment';
import { PipelinesBeforeInput, stageBeforeInputCodec } from '@policy-engine/inputs-execution';
import { createOrcaInterceptor, type PipelineConfig } from '@policy-engine/orca-adapter';
import { runPipeline } from '@policy-engine/orca-simulator';
import { declaring, scriptedEngine } from './support/scripted-engine.js';

const stageTypes = [
  'deployManifest',
  'scaleManifest',
  'deleteManifest',
  'undoRolloutManifest',
  'bake',
  'bakeManifest',
  'manualJudgment',
  'wait',
  'evaluateArtifacts',
  'webhook',
];
const operations = ['deployManifest', 'scaleManifest', 'deleteManifest', 'undoRolloutManifest'];

const config: PipelineConfig = {
  application: 'hostname',
  name: 'everything',
  id: 'cfg-1',
  triggers: [{ type: 'git', enabled: true, branch: 'main', project: 'acme', slug: 'hostname', source: 'github' }],
  stages: [
    { refId: '1', type: 'bake', name: 'Bake', baseOs: 'ubuntu', region: 'us-east-1', vmType: 'hvm', package: 'hostname' },
    {
      refId: '2',
      type: 'bakeManifest',
      name: 'Bake (Manifest)',
      outputName: 'hostname',
      templateRenderer: 'HELM3',
      requisiteStageRefIds: [],
    },
    {
      refId: '3',
      type: 'deployManifest',
      name: 'Deploy',
      account: 'staging',
      cloudProvider: 'kubernetes',
      source: 'text',
      moniker: { app: 'hostname' },
      manifests: [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hostname', namespace: 'staging' }, spec: { replicas: 2 } },
      ],
      requisiteStageRefIds: ['1', '2'],
    },
    { refId: '4', type: 'manualJudgment', name: 'Judge', instructions: 'ok?', stageTimeoutMs: 60000, requisiteStageRefIds: ['3'] },
    {
      refId: '5',
      type: 'scaleManifest',
      name: 'Scale',
      account: 'staging',
      location: 'staging',
      manifestName: 'deployment hostname',
      replicas: '4',
      requisiteStageRefIds: ['4'],
    },
    {
      refId: '6',
      type: 'undoRolloutManifest',
      name: 'Undo',
      account: 'staging',
      location: 'staging',
      manifestName: 'deployment hostname',
      numRevisionsBack: 1,
      requisiteStageRefIds: ['5'],
    },
    {
      refId: '7',
      type: 'deleteManifest',
      name: 'Delete',
      account: 'staging',
      location: 'staging',
      manifestName: 'deployment hostname',
      options: { cascading: true },
      requisiteStageRefIds: ['6'],
    },
    { refId: '8', type: 'wait', name: 'Wait', waitTime: 5 },
    { refId: '9', type: 'evaluateArtifacts', name: 'Evaluate', artifactContents: [] },
    { refId: '10', type: 'webhook', name: 'Hook', url: 'https://example.com', method: 'POST' },
  ],
};

function problems(codec: { decode(u: unknown): { _tag: string; left?: unknown } }, input: unknown): string[] {
  const result = codec.decode(input);
  if (result._tag === 'Right') return [];
  return toInputErrors(result.left as Parameters<typeof toInputErrors>[0]).map((e) => e.message);
}

describe('interceptor inputs decode with the inputs-* codecs', () => {
  it('for every hook of a run over every simulated stage type', async () => {
    const packages = [
      'spinnaker.execution.pipelines.before',
      ...stageTypes.flatMap((t) => [`spinnaker.execution.stages.before.${t}`, `spinnaker.execution.stages.after.${t}`]),
      ...operations.map((o) => `spinnaker.deployment.tasks.before.${o}`),
    ];
    const engine = scriptedEngine(() => []);
    const policyEngine = await createPolicyEngine({ engine, policies: declaring(...packages) });
    const result = await runPipeline(config, {
      interceptor: createOrcaInterceptor({ policyEngine }),
      user: { username: 'alice', isAdmin: false, roles: [{ name: 'deployers', source: 'LDAP' }] },
    });
    expect(result.status).toBe('SUCCEEDED');

    const seen = new Set<string>();
    const failures: string[] = [];
    for (const { packageName, input } of engine.calls) {
      seen.add(packageName);
      const [, , family, phase, kind] = packageName.split('.');
      let codec;
      if (packageName === 'spinnaker.execution.pipelines.before') codec = PipelinesBeforeInput;
      else if (family === 'stages') codec = stageBeforeInputCodec(kind as string);
      else if (family === 'tasks' && phase === 'before') codec = deploymentTaskInputCodec(kind as string);
      else throw new Error(`unexpected package ${packageName}`);
      for (const p of problems(codec, input)) failures.push(`${packageName}: ${p}`);
    }
    expect(failures).toEqual([]);
    // every package was exercised
    expect([...seen].sort()).toEqual([...packages].sort());
  });
});
