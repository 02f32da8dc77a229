import { describe, expect, it } from 'vitest';
import { UiEntitlementsInput, buildUiEntitlementsInput } from '../src/index.js';
import { errorsOf, fixtureInput as fixture } from '@policy-engine/test-kit';

describe('UiEntitlementsInput', () => {
  it('the builder default and the fixture are valid', () => {
    expect(errorsOf(UiEntitlementsInput, buildUiEntitlementsInput())).toEqual([]);
    expect(errorsOf(UiEntitlementsInput, fixture('spinnaker.ui.entitlements.isFeatureEnabled.input.json'))).toEqual([]);
  });

  it('the Project Configuration button: GET projects without a body', () => {
    const doc = buildUiEntitlementsInput({ method: 'GET', path: ['projects'] });
    delete doc.body;
    expect(errorsOf(UiEntitlementsInput, doc)).toEqual([]);
  });

  it('rejects wrong types at their path', () => {
    expect(errorsOf(UiEntitlementsInput, buildUiEntitlementsInput({ body: { job: [{ type: 1 as unknown as string }] } }))).toEqual([
      'input.body.job[0].type <string>',
    ]);
    expect(errorsOf(UiEntitlementsInput, buildUiEntitlementsInput({ user: { roles: [3 as unknown as string] } }))).toEqual([
      'input.user.roles[0] <Role (RoleObject | string)>',
    ]);
    expect(errorsOf(UiEntitlementsInput, { method: 'GET' })).toEqual(['input.path <Array<string>>']);
  });
});
