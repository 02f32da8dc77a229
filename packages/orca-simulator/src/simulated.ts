/**
 * Simulated executors: they touch no cloud, but produce the task lists, context keys and
 * deployment operation descriptions Orca would (shapes as in the fixtures), so that policies
 * see realistic inputs. Useful for users' tests too.
 */
import { randomUUID } from 'node:crypto';
import type { DeploymentOperation, StageExecutor, TaskContext, TaskDefinition, TaskOutcome } from './executors.js';
import type { JsonObject } from '@policy-engine/orca-adapter';

const ORCA = 'com.netflix.spinnaker.orca';

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
}

function task(name: string, implementingClass: string, run: (ctx: TaskContext) => TaskOutcome = () => ({})): TaskDefinition {
  return { name, implementingClass, run };
}

function executor(...tasks: TaskDefinition[]): StageExecutor {
  return { tasks: () => tasks };
}

/** Manifests a deployManifest stage deploys: inline `manifests`, or a placeholder for an artifact source. */
function stageManifests(context: JsonObject): JsonObject[] {
  const manifests = context['manifests'];
  if (Array.isArray(manifests)) return manifests.filter(isRecord);
  const artifactId = str(context['manifestArtifactId'], 'artifact');
  return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `manifest-from-${artifactId}` } }];
}

function manifestRef(manifest: JsonObject): { kind: string; name: string; namespace: string } {
  const metadata = isRecord(manifest['metadata']) ? manifest['metadata'] : {};
  return { kind: str(manifest['kind'], 'Unknown'), name: str(metadata['name'], 'unnamed'), namespace: str(metadata['namespace']) };
}

/** The deployManifest operation description Orca sends for a deployManifest stage context. */
export function deployManifestDescription(context: JsonObject, application: string): JsonObject {
  const manifests = stageManifests(context);
  const first = manifests[0];
  const ref = first ? manifestRef(first) : undefined;
  const traffic = isRecord(context['trafficManagement']) ? context['trafficManagement'] : {};
  const trafficOptions = isRecord(traffic['options']) ? traffic['options'] : {};
  const moniker = isRecord(context['moniker']) ? context['moniker'] : {};
  const account = str(context['account']);
  return {
    account,
    credentials: account,
    enableTraffic: traffic['enabled'] === true ? trafficOptions['enableTraffic'] === true : true,
    events: [],
    manifest: null,
    manifestArtifact: null,
    manifests,
    moniker: {
      app: str(moniker['app'], application),
      cluster: ref ? `${ref.kind.toLowerCase()} ${ref.name}` : null,
      detail: null,
      sequence: null,
      stack: null,
    },
    namespaceOverride: typeof context['namespaceOverride'] === 'string' ? context['namespaceOverride'] : null,
    optionalArtifacts: [],
    requiredArtifacts: [],
    services: null,
    source: 'text',
    strategy: null,
    versioned: null,
  };
}

/** The scaleManifest operation description. */
export function scaleManifestDescription(context: JsonObject): JsonObject {
  const account = str(context['account']);
  const replicas = Number(context['replicas']);
  return {
    account,
    credentials: account,
    events: [],
    location: str(context['location']),
    manifestName: str(context['manifestName']),
    replicas: Number.isFinite(replicas) ? replicas : 0,
  };
}

/** The deleteManifest operation description. */
export function deleteManifestDescription(context: JsonObject): JsonObject {
  const account = str(context['account']);
  const options = isRecord(context['options']) ? context['options'] : {};
  const opt = (key: string): unknown => options[key] ?? null;
  return {
    account,
    allCoordinates: [],
    credentials: account,
    events: [],
    kinds: [],
    labelSelectors: { empty: true, notEmpty: false, selectors: [] },
    location: str(context['location']),
    manifestName: str(context['manifestName']),
    options: {
      apiVersion: opt('apiVersion'),
      dryRun: opt('dryRun'),
      gracePeriodSeconds: opt('gracePeriodSeconds'),
      kind: opt('kind'),
      orphanDependents: opt('orphanDependents'),
      preconditions: opt('preconditions'),
      propagationPolicy: opt('propagationPolicy'),
    },
  };
}

/** The undoRolloutManifest operation description. */
export function undoRolloutManifestDescription(context: JsonObject): JsonObject {
  const account = str(context['account']);
  const back = Number(context['numRevisionsBack']);
  return {
    account,
    credentials: account,
    events: [],
    location: str(context['location']),
    manifestName: str(context['manifestName']),
    numRevisionsBack: Number.isFinite(back) && back > 0 ? back : 1,
    revision: typeof context['revision'] === 'number' ? context['revision'] : null,
  };
}

function submit(type: string, description: JsonObject, context: JsonObject = {}): TaskOutcome {
  const op: DeploymentOperation = { type, description };
  const taskId = randomUUID();
  return {
    operations: [op],
    context: {
      ...context,
      'kato.last.task.id': { id: taskId },
      'kato.result.expected': true,
      'kato.tasks': [
        {
          id: taskId,
          status: { completed: true, failed: false },
          history: [{ phase: 'ORCHESTRATION', status: 'Orchestration completed.' }],
        },
      ],
    },
  };
}

const monitorKato = (name: string): TaskDefinition =>
  task(name, `${ORCA}.clouddriver.tasks.MonitorKatoTask`, () => ({
    context: {
      'kato.task.firstNotFoundRetry': -1,
      'kato.task.lastStatus': 'SUCCEEDED',
      'kato.task.notFoundRetryCount': 0,
      'kato.task.terminalRetryCount': 0,
    },
  }));
const promoteOutputs = task('promoteOutputs', `${ORCA}.clouddriver.tasks.manifest.PromoteManifestKatoOutputsTask`, ({ stage }) => ({
  context: {
    'outputs.boundArtifacts': [],
    'outputs.createdArtifacts': stage.context['artifacts'] ?? [],
    'outputs.manifests': stage.context['manifests'] ?? [],
    'outputs.manifestNamesByNamespace': stage.context['outputs.manifestNamesByNamespace'] ?? {},
  },
  outputs: { manifests: stage.context['manifests'] ?? [], artifacts: stage.context['artifacts'] ?? [] },
}));
const waitForStable = task('waitForManifestToStabilize', `${ORCA}.clouddriver.tasks.manifest.WaitForManifestStableTask`, ({ stage }) => ({
  context: { stableManifests: stage.context['manifests'] ?? [], failedManifests: [], messages: [] },
}));
const bindProducedArtifacts = task('bindProducedArtifacts', `${ORCA}.pipeline.tasks.artifacts.BindProducedArtifactsTask`);

const deployManifest: StageExecutor = executor(
  task('resolveDeploySourceManifest', `${ORCA}.clouddriver.tasks.manifest.ResolveDeploySourceManifestTask`, ({ stage, user }) => ({
    context: { manifests: stageManifests(stage.context), requiredArtifacts: [], optionalArtifacts: [], user: user.username },
  })),
  task('deployManifest', `${ORCA}.clouddriver.tasks.manifest.DeployManifestTask`, ({ stage, execution }) => {
    const description = deployManifestDescription(stage.context, execution.application);
    const manifests = (description['manifests'] as JsonObject[]).map(manifestRef);
    const byNamespace: Record<string, string[]> = {};
    for (const m of manifests) (byNamespace[m.namespace] ??= []).push(`${m.kind.toLowerCase()} ${m.name}`);
    const account = str(stage.context['account']);
    return submit('deployManifest', description, {
      'deploy.account.name': account,
      'deploy.server.groups': {},
      manifestArtifactAccount:
        typeof stage.context['manifestArtifactAccount'] === 'string' ? stage.context['manifestArtifactAccount'] : 'embedded-artifact',
      artifacts: manifests.map((m) => ({
        customKind: false,
        location: m.namespace,
        metadata: { account },
        name: m.name,
        reference: m.name,
        type: `kubernetes/${m.kind.toLowerCase()}`,
        version: '',
      })),
      'outputs.manifestNamesByNamespace': byNamespace,
      relationships: { loadBalancers: [], securityGroups: [] },
    });
  }),
  monitorKato('monitorDeploy'),
  promoteOutputs,
  waitForStable,
  task('cleanupArtifacts', `${ORCA}.clouddriver.tasks.artifacts.CleanupArtifactsTask`),
  monitorKato('monitorCleanup'),
  promoteOutputs,
  bindProducedArtifacts,
);

const scaleManifest: StageExecutor = executor(
  task('scaleManifest', `${ORCA}.clouddriver.tasks.manifest.ScaleManifestTask`, ({ stage }) =>
    submit('scaleManifest', scaleManifestDescription(stage.context)),
  ),
  monitorKato('monitorScale'),
  waitForStable,
);

const deleteManifest: StageExecutor = executor(
  task('deleteManifest', `${ORCA}.clouddriver.tasks.manifest.DeleteManifestTask`, ({ stage }) =>
    submit('deleteManifest', deleteManifestDescription(stage.context)),
  ),
  monitorKato('monitorDelete'),
  task('waitForManifestToDisappear', `${ORCA}.clouddriver.tasks.manifest.WaitForManifestDeletedTask`),
);

const undoRolloutManifest: StageExecutor = executor(
  task('undoRolloutManifest', `${ORCA}.clouddriver.tasks.manifest.UndoRolloutManifestTask`, ({ stage }) =>
    submit('undoRolloutManifest', undoRolloutManifestDescription(stage.context)),
  ),
  monitorKato('monitorUndoRollout'),
  waitForStable,
);

const bake: StageExecutor = executor(
  task('createBake', `${ORCA}.bakery.tasks.CreateBakeTask`, ({ stage }) => ({
    context: { status: { state: 'RUNNING' }, region: stage.context['region'] ?? 'us-east-1' },
  })),
  task('monitorBake', `${ORCA}.bakery.tasks.MonitorBakeTask`, () => ({ context: { status: { state: 'COMPLETED', result: 'SUCCESS' } } })),
  task('completedBake', `${ORCA}.bakery.tasks.CompletedBakeTask`, ({ stage }) => ({
    context: {
      ami: `ami-${stage.id.replace(/[^0-9a-f]/gi, '').slice(0, 8)}`,
      imageId: `ami-${stage.id.replace(/[^0-9a-f]/gi, '').slice(0, 8)}`,
    },
  })),
  bindProducedArtifacts,
);

const bakeManifest: StageExecutor = executor(
  task('createBake', `${ORCA}.bakery.tasks.manifests.CreateBakeManifestTask`, ({ stage }) => ({
    context: { artifacts: [{ type: 'embedded/base64', name: str(stage.context['outputName'], 'baked'), reference: '' }] },
  })),
  bindProducedArtifacts,
);

const manualJudgment: StageExecutor = executor(
  task('waitForJudgment', `${ORCA}.echo.pipeline.ManualJudgmentStage$WaitForManualJudgmentTask`, ({ user }) => ({
    context: { judgmentStatus: 'continue', lastModifiedBy: user.username },
  })),
);

const wait: StageExecutor = executor(
  task('wait', `${ORCA}.pipeline.tasks.WaitTask`, ({ stage }) => ({ context: { waitTime: stage.context['waitTime'] ?? 30 } })),
);

const evaluateArtifacts: StageExecutor = executor(
  task('evaluateArtifacts', `${ORCA}.pipeline.tasks.artifacts.EvaluateArtifactsTask`, ({ stage }) => ({
    outputs: { artifacts: Array.isArray(stage.context['artifactContents']) ? stage.context['artifactContents'] : [] },
  })),
  bindProducedArtifacts,
);

/**
 * Simulated executors for common stage types: `deployManifest`, `scaleManifest`,
 * `deleteManifest`, `undoRolloutManifest` (these submit deployment operations), `bake`,
 * `bakeManifest`, `manualJudgment` (approves), `wait` (does not wait), `evaluateArtifacts`.
 * Other stage types fall back to {@link genericExecutor}.
 */
export const simulatedExecutors: Readonly<Record<string, StageExecutor>> = {
  deployManifest,
  scaleManifest,
  deleteManifest,
  undoRolloutManifest,
  bake,
  bakeManifest,
  manualJudgment,
  wait,
  evaluateArtifacts,
};

/** A one-task executor (task named after the stage type) that succeeds: the fallback for unknown stage types. */
export function genericExecutor(stageType: string): StageExecutor {
  const cls = stageType.charAt(0).toUpperCase() + stageType.slice(1);
  return executor(task(stageType, `simulated.${cls}Task`));
}
