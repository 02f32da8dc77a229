import * as t from 'io-ts';
import { User, buildUser, deepMerge, oneOfKinds, openObject, type DeepPartial } from '@policy-engine/inputs-common';

/** The UI entitlement package Deck asks before showing Create/Configure Application/Project buttons. */
export const UI_ENTITLEMENTS_IS_FEATURE_ENABLED = 'spinnaker.ui.entitlements.isFeatureEnabled';

/** `input.body.job[]`: the task the button would create (`type` e.g. `createApplication`). */
export const UiEntitlementsJob = openObject('UiEntitlementsJob', {}, { type: t.string });

/** `input.body` (only for the tasks path). */
export const UiEntitlementsBody = openObject('UiEntitlementsBody', {}, { job: t.array(UiEntitlementsJob) });

/**
 * Input of `spinnaker.ui.entitlements.isFeatureEnabled`: shaped like the http.authz request
 * the button would send — `method`, `path[]`, `user`, and `body.job[].type` for tasks.
 */
export const UiEntitlementsInput = openObject(
  'UiEntitlementsInput',
  { method: t.string, path: t.array(t.string) },
  {
    user: User,
    body: oneOfKinds('UiEntitlementsBody | null', { object: UiEntitlementsBody, null: t.null }),
  },
);
/** The TypeScript type of {@link UiEntitlementsInput}. */
export type UiEntitlementsInput = t.TypeOf<typeof UiEntitlementsInput>;

/** A valid "Create Application" button check (POST /tasks, createApplication) by `alice`, deep-merged with `overrides`. */
export function buildUiEntitlementsInput(overrides?: DeepPartial<UiEntitlementsInput>): UiEntitlementsInput {
  return deepMerge<UiEntitlementsInput>(
    { method: 'POST', path: ['tasks'], user: buildUser(), body: { job: [{ type: 'createApplication' }] } },
    overrides,
  );
}

/** The TypeScript type of {@link UiEntitlementsJob}. */
export type UiEntitlementsJob = t.TypeOf<typeof UiEntitlementsJob>;

/** The TypeScript type of {@link UiEntitlementsBody}. */
export type UiEntitlementsBody = t.TypeOf<typeof UiEntitlementsBody>;
