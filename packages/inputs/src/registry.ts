import type * as t from 'io-ts';
import { OPA_PIPELINES, PERSISTENCE_PIPELINES_BEFORE, PipelinesInput } from '@policy-engine/inputs-pipelines';
import {
  DOCUMENTED_STAGE_TYPES,
  EXECUTION_PIPELINES_BEFORE,
  PipelinesBeforeInput,
  STAGES_AFTER_PREFIX,
  STAGES_BEFORE_PREFIX,
  TASK_BEFORE_PREFIX,
  stageBeforeInputCodec,
} from '@policy-engine/inputs-execution';
import {
  DEPLOYMENT_TASKS_BEFORE_PREFIX,
  DEPLOYMENT_TASKS_LEGACY_PREFIX,
  DOCUMENTED_DEPLOYMENT_TASKS,
  deploymentTaskInputCodec,
} from '@policy-engine/inputs-deployment';
import { HTTP_AUTHZ, HttpAuthzInput } from '@policy-engine/inputs-http-authz';
import { UI_ENTITLEMENTS_IS_FEATURE_ENABLED, UiEntitlementsInput } from '@policy-engine/inputs-ui-entitlements';

/** Any input codec of the registry. */
export type InputCodec = t.Mixed;

const exact: ReadonlyMap<string, InputCodec> = new Map<string, InputCodec>([
  [OPA_PIPELINES, PipelinesInput],
  [PERSISTENCE_PIPELINES_BEFORE, PipelinesInput],
  [EXECUTION_PIPELINES_BEFORE, PipelinesBeforeInput],
  [HTTP_AUTHZ, HttpAuthzInput],
  [UI_ENTITLEMENTS_IS_FEATURE_ENABLED, UiEntitlementsInput],
]);

/** A non-empty last name segment (a stage or task type), without further dots. */
function suffix(packageName: string, prefix: string): string | undefined {
  if (!packageName.startsWith(prefix)) return undefined;
  const rest = packageName.slice(prefix.length);
  return rest !== '' && !rest.includes('.') ? rest : undefined;
}

/**
 * The input codec for a policy package, or `undefined` for an unknown package. Resolves
 * exact names and parameterised ones: `spinnaker.execution.stages.before|after.<stageType>`
 * (unknown stage types fall back to the generic stage codec), the legacy
 * `spinnaker.execution.task.before.<task>`, `spinnaker.deployment.tasks.before.<task>` and
 * the extension's `spinnaker.deployment.tasks.<task>`, and
 * `spinnaker.persistence.pipelines.before` (→ the opa.pipelines codec).
 */
export function inputCodecFor(packageName: string): InputCodec | undefined {
  const direct = exact.get(packageName);
  if (direct) return direct;
  for (const prefix of [STAGES_BEFORE_PREFIX, STAGES_AFTER_PREFIX, TASK_BEFORE_PREFIX]) {
    const stageType = suffix(packageName, prefix);
    if (stageType !== undefined) return stageBeforeInputCodec(stageType);
  }
  for (const prefix of [DEPLOYMENT_TASKS_BEFORE_PREFIX, DEPLOYMENT_TASKS_LEGACY_PREFIX]) {
    const task = suffix(packageName, prefix);
    // `spinnaker.deployment.tasks.before` alone is the family, not a task named "before".
    if (task !== undefined && task !== 'before') return deploymentTaskInputCodec(task);
  }
  return undefined;
}

/**
 * The documented exact package names (sections 2–6 of the package reference): one per
 * package page, `spinnaker.http.authz` once. Legacy aliases are resolved but not listed.
 */
export function knownPackages(): string[] {
  return [
    OPA_PIPELINES,
    EXECUTION_PIPELINES_BEFORE,
    ...DOCUMENTED_STAGE_TYPES.map((s) => `${STAGES_BEFORE_PREFIX}${s}`),
    ...DOCUMENTED_DEPLOYMENT_TASKS.map((s) => `${DEPLOYMENT_TASKS_BEFORE_PREFIX}${s}`),
    HTTP_AUTHZ,
    UI_ENTITLEMENTS_IS_FEATURE_ENABLED,
  ];
}
