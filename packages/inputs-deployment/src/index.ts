/**
 * @policy-engine/inputs-deployment — typed input documents for runtime deployment checks
 * (`spinnaker.deployment.tasks.before.<task>`, extension naming `spinnaker.deployment.tasks.<task>`).
 * @packageDocumentation
 */
export {
  CleanupArtifactsDeploy,
  DeleteManifestDeploy,
  DeployDescription,
  DeployManifestDeploy,
  ScaleManifestDeploy,
  UndoRolloutManifestDeploy,
} from './descriptions.js';
export {
  CleanupArtifactsTaskInput,
  DEPLOYMENT_TASKS_BEFORE_PREFIX,
  DEPLOYMENT_TASKS_LEGACY_PREFIX,
  deploymentBeforePackage,
  legacyDeploymentPackage,
  DOCUMENTED_DEPLOYMENT_TASKS,
  DeleteManifestTaskInput,
  DeployManifestTaskInput,
  DeploymentTaskInput,
  ScaleManifestTaskInput,
  UndoRolloutManifestTaskInput,
  buildDeploymentTaskInput,
  deploymentTaskInputCodec,
} from './task-input.js';
