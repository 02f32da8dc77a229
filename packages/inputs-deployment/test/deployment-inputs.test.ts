import { describe, expect, it } from 'vitest';
import {
  DOCUMENTED_DEPLOYMENT_TASKS,
  DeployManifestTaskInput,
  DeploymentTaskInput,
  ScaleManifestTaskInput,
  buildDeploymentTaskInput,
  deploymentTaskInputCodec,
} from '../src/index.js';
import { errorsOf, fixtureInput as fixture } from '@policy-engine/test-kit';

describe('deployment task inputs', () => {
  it.each(DOCUMENTED_DEPLOYMENT_TASKS)('%s: builder default and fixture are valid', (task) => {
    const codec = deploymentTaskInputCodec(task);
    expect(errorsOf(codec, buildDeploymentTaskInput(undefined, task))).toEqual([]);
    expect(errorsOf(codec, fixture(`spinnaker.deployment.tasks.before.${task}.input.json`))).toEqual([]);
  });

  it('the extension-era log document is a valid deployManifest input', () => {
    expect(errorsOf(DeployManifestTaskInput, fixture('spinnaker.deployment.tasks.deployManifest.extension-log.input.json'))).toEqual([]);
  });

  it('unknown tasks use the generic codec', () => {
    expect(deploymentTaskInputCodec('myTask')).toBe(DeploymentTaskInput);
    expect(errorsOf(DeploymentTaskInput, buildDeploymentTaskInput(undefined, 'myTask'))).toEqual([]);
    expect(errorsOf(DeploymentTaskInput, {})).toEqual(['input.deploy <DeployDescription>']);
  });

  it('overrides merge into input.deploy and wrong types fail at their path', () => {
    const doc = buildDeploymentTaskInput({ deploy: { account: 'prod' } });
    expect(doc.deploy).toMatchObject({ account: 'prod', credentials: 'staging' });
    expect(errorsOf(DeployManifestTaskInput, doc)).toEqual([]);
    expect(errorsOf(DeployManifestTaskInput, buildDeploymentTaskInput({ deploy: { manifests: {} as unknown as [] } }))).toEqual([
      'input.deploy.manifests <Array<UnknownRecord>>',
    ]);
    expect(errorsOf(ScaleManifestTaskInput, buildDeploymentTaskInput({ deploy: { replicas: 'three' } }, 'scaleManifest'))).toEqual([
      'input.deploy.replicas <number>',
    ]);
  });
});
