import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStageConfig } from '@policy-engine/inputs-common';
import { buildPipelinesInput } from '@policy-engine/inputs-pipelines';
import { policyFixture, policyMatchers, type PolicyFixture } from '@policy-engine/testing';

expect.extend(policyMatchers);

const policy = `
package opa.pipelines

deny contains msg if {
	some stage in input.pipeline.stages
	stage.type == "deployManifest"
	not stage.account
	msg := sprintf("stage %s has no account", [stage.name])
}
`;

describe('opa.pipelines: deploy stages need an account', () => {
  let fixture: PolicyFixture;
  beforeAll(async () => {
    fixture = await policyFixture('opa.pipelines', policy);
  });
  afterAll(() => fixture.close());

  it('allows a deploy stage with an account', async () => {
    const stage = buildStageConfig({ type: 'deployManifest', name: 'Deploy', account: 'prod' });
    expect(await fixture.decide(buildPipelinesInput({ pipeline: { stages: [stage] } }))).toBeAllowed();
  });

  it('denies a deploy stage without one', async () => {
    const stage = buildStageConfig({ type: 'deployManifest', name: 'Deploy' });
    delete stage.account;
    const decision = await fixture.decide(buildPipelinesInput({ pipeline: { stages: [stage] } }));
    expect(decision).toBeDeniedWith(/stage Deploy has no account/);
    expect(decision).not.toBeAllowed();
  });
});
