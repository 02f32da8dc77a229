import { describe, expect, it } from 'vitest';
import { deploymentInput } from '@policy-engine/orca-adapter';
import {
  deleteManifestDescription,
  deployManifestDescription,
  scaleManifestDescription,
  undoRolloutManifestDescription,
} from '@policy-engine/orca-simulator';
import { at, fixtureInput, isRecord, keys } from '@policy-engine/test-kit';

describe('spinnaker.deployment.tasks.before.* input from simulated stage contexts', () => {
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'hostname', namespace: 'staging' },
    spec: {},
  };
  const cases: [string, Record<string, unknown>][] = [
    [
      'deployManifest',
      deployManifestDescription(
        {
          account: 'spinnaker',
          manifests: [manifest],
          moniker: { app: 'hostname' },
        },
        'hostname',
      ),
    ],
    [
      'scaleManifest',
      scaleManifestDescription({
        account: 'spinnaker',
        location: 'staging',
        manifestName: 'deployment hostname',
        replicas: '10',
      }),
    ],
    [
      'deleteManifest',
      deleteManifestDescription({
        account: 'spinnaker',
        location: 'staging',
        manifestName: 'deployment hostname',
        options: { gracePeriodSeconds: 5 },
      }),
    ],
    [
      'undoRolloutManifest',
      undoRolloutManifestDescription({
        account: 'spinnaker',
        location: 'staging',
        manifestName: 'deployment hostname',
        numRevisionsBack: 1,
      }),
    ],
  ];

  it.each(cases)('%s description has the fixture key sets', (type, description) => {
    const fixture = fixtureInput(`spinnaker.deployment.tasks.before.${type}.input.json`);
    const input = deploymentInput(description);
    expect(keys(input)).toEqual(['deploy']);
    expect(keys(input['deploy'])).toEqual(keys(fixture['deploy']));
    for (const nested of ['moniker', 'labelSelectors', 'options']) {
      const f = at(fixture, `deploy.${nested}`);
      if (isRecord(f)) expect(keys(at(input, `deploy.${nested}`))).toEqual(keys(f));
    }
  });

  it('deployManifest derives moniker.cluster from the first manifest and keeps numbers numeric', () => {
    const d = cases[0]![1];
    expect(d['moniker']).toEqual({
      app: 'hostname',
      cluster: 'deployment hostname',
      detail: null,
      sequence: null,
      stack: null,
    });
    expect(cases[1]![1]['replicas']).toBe(10);
    expect(at(fixtureInput('spinnaker.deployment.tasks.before.deployManifest.input.json'), 'deploy.moniker.cluster')).toBe(
      'deployment hostname',
    );
  });
});
