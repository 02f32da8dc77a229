import type * as t from 'io-ts';
import { buildDeleteManifestDeploy, deepMerge, openObject, type DeepPartial } from '@policy-engine/inputs-common';
import {
  CleanupArtifactsDeploy,
  DeleteManifestDeploy,
  DeployDescription,
  DeployManifestDeploy,
  ScaleManifestDeploy,
  UndoRolloutManifestDeploy,
} from './descriptions.js';

/** Package prefix of runtime deployment checks (plugin naming). */
export const DEPLOYMENT_TASKS_BEFORE_PREFIX = 'spinnaker.deployment.tasks.before.';
/** Package prefix used by the pre-plugin extension (`spinnaker.deployment.tasks.<task>`). */
export const DEPLOYMENT_TASKS_LEGACY_PREFIX = 'spinnaker.deployment.tasks.';

/** `spinnaker.deployment.tasks.before.<operationType>`: before a deployment operation is carried out. */
export function deploymentBeforePackage(operationType: string): string {
  return DEPLOYMENT_TASKS_BEFORE_PREFIX + operationType;
}

/** Legacy (extension) deployment hook: `spinnaker.deployment.tasks.<operationType>`. */
export function legacyDeploymentPackage(operationType: string): string {
  return DEPLOYMENT_TASKS_LEGACY_PREFIX + operationType;
}

/** Generic deployment-task input: `input.deploy` only (task types without a page). */
export const DeploymentTaskInput = openObject('DeploymentTaskInput', { deploy: DeployDescription }, {});
/** The TypeScript type of {@link DeploymentTaskInput}. */
export type DeploymentTaskInput = t.TypeOf<typeof DeploymentTaskInput>;

/** Input of `spinnaker.deployment.tasks.before.cleanupArtifacts`. */
export const CleanupArtifactsTaskInput = openObject('CleanupArtifactsTaskInput', { deploy: CleanupArtifactsDeploy }, {});
/** Input of `spinnaker.deployment.tasks.before.deleteManifest`. */
export const DeleteManifestTaskInput = openObject('DeleteManifestTaskInput', { deploy: DeleteManifestDeploy }, {});
/** Input of `spinnaker.deployment.tasks.before.deployManifest` (and the extension's `spinnaker.deployment.tasks.deployManifest`). */
export const DeployManifestTaskInput = openObject('DeployManifestTaskInput', { deploy: DeployManifestDeploy }, {});
/** Input of `spinnaker.deployment.tasks.before.scaleManifest`. */
export const ScaleManifestTaskInput = openObject('ScaleManifestTaskInput', { deploy: ScaleManifestDeploy }, {});
/** Input of `spinnaker.deployment.tasks.before.undoRolloutManifest`. */
export const UndoRolloutManifestTaskInput = openObject('UndoRolloutManifestTaskInput', { deploy: UndoRolloutManifestDeploy }, {});

const common = { account: 'staging', credentials: 'staging', events: [] };
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'myapp', namespace: 'staging' },
  spec: { replicas: 2 },
};

const table: Readonly<Record<string, { codec: t.Mixed; deploy: () => Record<string, unknown> }>> = {
  cleanupArtifacts: { codec: CleanupArtifactsTaskInput, deploy: () => ({ ...common, manifests: [structuredClone(deployment)] }) },
  deleteManifest: { codec: DeleteManifestTaskInput, deploy: () => buildDeleteManifestDeploy() },
  deployManifest: {
    codec: DeployManifestTaskInput,
    deploy: () => ({
      ...common,
      enableTraffic: true,
      manifest: null,
      manifestArtifact: null,
      manifests: [structuredClone(deployment)],
      moniker: { app: 'myapp', cluster: 'deployment myapp', detail: null, stack: null, sequence: null },
      namespaceOverride: null,
      services: null,
      source: 'text',
      strategy: null,
      versioned: null,
      optionalArtifacts: [],
      requiredArtifacts: [],
    }),
  },
  scaleManifest: {
    codec: ScaleManifestTaskInput,
    deploy: () => ({ ...common, location: 'staging', manifestName: 'deployment myapp', replicas: 3 }),
  },
  undoRolloutManifest: {
    codec: UndoRolloutManifestTaskInput,
    deploy: () => ({ ...common, location: 'staging', manifestName: 'deployment myapp', numRevisionsBack: 1, revision: null }),
  },
};

/** Task types that have a `spinnaker.deployment.tasks.before.<task>` package page. */
export const DOCUMENTED_DEPLOYMENT_TASKS: readonly string[] = Object.keys(table);

/** The input codec for a deployment task type; {@link DeploymentTaskInput} for undocumented ones. */
export function deploymentTaskInputCodec(task: string): t.Mixed {
  return Object.hasOwn(table, task) ? (table[task]?.codec ?? DeploymentTaskInput) : DeploymentTaskInput;
}

/**
 * A valid deployment-task input for `task` (default `deployManifest`) targeting account
 * `staging`; deep-merged with `overrides`.
 */
export function buildDeploymentTaskInput(overrides?: DeepPartial<DeploymentTaskInput>, task = 'deployManifest'): DeploymentTaskInput {
  const deploy = Object.hasOwn(table, task) ? (table[task]?.deploy() ?? { ...common }) : { ...common };
  return deepMerge<DeploymentTaskInput>({ deploy }, overrides);
}

/** The TypeScript type of {@link CleanupArtifactsTaskInput}. */
export type CleanupArtifactsTaskInput = t.TypeOf<typeof CleanupArtifactsTaskInput>;

/** The TypeScript type of {@link DeleteManifestTaskInput}. */
export type DeleteManifestTaskInput = t.TypeOf<typeof DeleteManifestTaskInput>;

/** The TypeScript type of {@link DeployManifestTaskInput}. */
export type DeployManifestTaskInput = t.TypeOf<typeof DeployManifestTaskInput>;

/** The TypeScript type of {@link ScaleManifestTaskInput}. */
export type ScaleManifestTaskInput = t.TypeOf<typeof ScaleManifestTaskInput>;

/** The TypeScript type of {@link UndoRolloutManifestTaskInput}. */
export type UndoRolloutManifestTaskInput = t.TypeOf<typeof UndoRolloutManifestTaskInput>;
