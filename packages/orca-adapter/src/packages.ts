/** Policy package names of the Orca and deployment hooks. */

/** Evaluated once when an execution starts. */
export const PIPELINE_BEFORE_PACKAGE = 'spinnaker.execution.pipelines.before';

/** `spinnaker.execution.stages.before.<stageType>`: before each task of a stage of that type. */
export function stageBeforePackage(stageType: string): string {
  return `spinnaker.execution.stages.before.${stageType}`;
}

/** `spinnaker.execution.stages.after.<stageType>`: right after a stage of that type ran. */
export function stageAfterPackage(stageType: string): string {
  return `spinnaker.execution.stages.after.${stageType}`;
}

/** `spinnaker.deployment.tasks.before.<operationType>`: before a deployment operation is carried out. */
export function deploymentBeforePackage(operationType: string): string {
  return `spinnaker.deployment.tasks.before.${operationType}`;
}

/** Legacy (usage guide) task hook: `spinnaker.execution.task.before.<taskName>`. */
export function legacyTaskBeforePackage(taskName: string): string {
  return `spinnaker.execution.task.before.${taskName}`;
}

/** Legacy (extension) deployment hook: `spinnaker.deployment.tasks.<operationType>`. */
export function legacyDeploymentPackage(operationType: string): string {
  return `spinnaker.deployment.tasks.${operationType}`;
}
