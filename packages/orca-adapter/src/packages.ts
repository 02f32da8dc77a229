/**
 * Policy package names of the Orca and deployment hooks. They are spelled once, in
 * `@policy-engine/inputs-execution` and `@policy-engine/inputs-deployment`; the adapter
 * re-exports them so an integration needs one import.
 */
import { EXECUTION_PIPELINES_BEFORE } from '@policy-engine/inputs-execution';

export { legacyTaskBeforePackage, stageAfterPackage, stageBeforePackage } from '@policy-engine/inputs-execution';
export { deploymentBeforePackage, legacyDeploymentPackage } from '@policy-engine/inputs-deployment';

/** Evaluated once when an execution starts (`EXECUTION_PIPELINES_BEFORE` of inputs-execution). */
export const PIPELINE_BEFORE_PACKAGE: typeof EXECUTION_PIPELINES_BEFORE = EXECUTION_PIPELINES_BEFORE;
