import { describe, expect, it } from 'vitest';
import {
  Artifact,
  ConfiguredTrigger,
  DeleteManifestDeploy,
  Execution,
  ExpectedArtifact,
  PipelineConfig,
  Project,
  StageConfig,
  StageExecution,
  StageTask,
  Trigger,
  User,
  buildArtifact,
  buildConfiguredTrigger,
  buildDeleteManifestDeploy,
  buildExecution,
  buildExpectedArtifact,
  buildPipelineConfig,
  buildProject,
  buildStageConfig,
  buildStageExecution,
  buildStageTask,
  buildTrigger,
  buildUser,
} from '../src/index.js';
import { errorsOf } from './helpers.js';

describe('builders', () => {
  it.each([
    ['User', User, buildUser],
    ['Artifact', Artifact, buildArtifact],
    ['ExpectedArtifact', ExpectedArtifact, buildExpectedArtifact],
    ['Trigger', Trigger, buildTrigger],
    ['ConfiguredTrigger', ConfiguredTrigger, buildConfiguredTrigger],
    ['StageTask', StageTask, buildStageTask],
    ['StageExecution', StageExecution, buildStageExecution],
    ['Execution', Execution, buildExecution],
    ['StageConfig', StageConfig, buildStageConfig],
    ['PipelineConfig', PipelineConfig, buildPipelineConfig],
    ['Project', Project, buildProject],
    ['DeleteManifestDeploy', DeleteManifestDeploy, buildDeleteManifestDeploy],
  ] as const)('%s: default output is valid', (_name, codec, build) => {
    expect(errorsOf(codec, build())).toEqual([]);
  });

  it('deep-merge overrides: nested objects merge, arrays replace, other defaults stay', () => {
    const user = buildUser({ isAdmin: true, roles: ['ops'] });
    expect(user).toEqual({ username: 'alice', isAdmin: true, roles: ['ops'] });
    const execution = buildExecution({ authentication: { user: 'bob' }, trigger: { type: 'git' } });
    expect(execution.authentication).toEqual({ user: 'bob', allowedAccounts: ['staging'] });
    expect(execution.trigger).toMatchObject({ type: 'git', user: 'alice' });
    expect(errorsOf(Execution, execution)).toEqual([]);
  });

  it('each call returns a fresh document', () => {
    const a = buildPipelineConfig();
    a.stages?.push(buildStageConfig({ type: 'manualJudgment' }));
    expect(buildPipelineConfig().stages).toHaveLength(1);
  });

  it('a builder override of the wrong type is caught by the codec', () => {
    expect(errorsOf(StageExecution, buildStageExecution({ tasks: [buildStageTask({ status: 3 as unknown as string })] }))).toEqual([
      'input.tasks[0].status <string>',
    ]);
  });
});
