import type * as t from 'io-ts';
import {
  DeleteManifestDeploy,
  Execution,
  StageExecution,
  User,
  buildDeleteManifestDeploy,
  deepMerge,
  dispatch,
  isJsonObject,
  openObject,
  type DeepPartial,
} from '@policy-engine/inputs-common';
import { StageBeforeInput } from './stage-before.js';

/** The documented shape of the deleteManifest stage hook: `input.deploy` (the delete operation). */
export const DeleteManifestDeployInput = openObject(
  'DeleteManifestDeployInput',
  { deploy: DeleteManifestDeploy },
  { pipeline: Execution, stage: StageExecution, user: User },
);
/** The TypeScript type of {@link DeleteManifestDeployInput}. */
export type DeleteManifestDeployInput = t.TypeOf<typeof DeleteManifestDeployInput>;

/**
 * Input of `spinnaker.execution.stages.before.deleteManifest`. Unlike the rest of the
 * family its docs and example carry `input.deploy` (same as the Clouddriver
 * deleteManifest package) and no pipeline/stage/user. A document with a `deploy` key is
 * checked as that; one without is checked as a regular stage-hook input.
 */
export const DeleteManifestStageBeforeInput = dispatch<DeleteManifestDeployInput | t.TypeOf<typeof StageBeforeInput>>(
  'DeleteManifestStageBeforeInput',
  (u) => (isJsonObject(u) && 'deploy' in u ? DeleteManifestDeployInput : StageBeforeInput),
);
/** The TypeScript type of {@link DeleteManifestStageBeforeInput}. */
export type DeleteManifestStageBeforeInput = t.TypeOf<typeof DeleteManifestStageBeforeInput>;

/** A valid deleteManifest stage-hook input as documented (`input.deploy` only), deep-merged with `overrides`. */
export function buildDeleteManifestStageBeforeInput(overrides?: DeepPartial<DeleteManifestDeployInput>): DeleteManifestDeployInput {
  return deepMerge<DeleteManifestDeployInput>({ deploy: buildDeleteManifestDeploy() }, overrides);
}
