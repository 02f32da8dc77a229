import { describe, expect, it } from 'vitest';
import { HttpAuthzInput, buildHttpAuthzInput, buildHttpAuthzPipelineInput, buildHttpAuthzTaskInput } from '../src/index.js';
import { errorsOf, fixtureFiles, fixtureInput as fixture } from '@policy-engine/test-kit';

const httpFixtures = fixtureFiles('spinnaker.http.authz');

describe('HttpAuthzInput', () => {
  it('builder defaults are valid: generic request, POST /pipelines, POST /tasks per task type', () => {
    expect(errorsOf(HttpAuthzInput, buildHttpAuthzInput())).toEqual([]);
    expect(errorsOf(HttpAuthzInput, buildHttpAuthzPipelineInput())).toEqual([]);
    for (const type of [
      'createApplication',
      'updateApplication',
      'upsertProject',
      'deployManifest',
      'deleteManifest',
      'scaleManifest',
      'undoRolloutManifest',
      'other',
    ]) {
      const doc = buildHttpAuthzTaskInput(undefined, type);
      expect(doc.body).toMatchObject({ job: [{ type }] });
      expect(errorsOf(HttpAuthzInput, doc), type).toEqual([]);
    }
  });

  it.each(httpFixtures)('%s is valid', (file) => {
    expect(errorsOf(HttpAuthzInput, fixture(file))).toEqual([]);
  });

  it('keeps undocumented fields, and the TypeScript type allows them', () => {
    const doc: HttpAuthzInput = {
      method: 'GET',
      path: ['applications'],
      headers: { 'x-trace': 'abc' },
      user: { username: 'bob', mfa: true },
    };
    const r = HttpAuthzInput.decode(doc);
    expect(r._tag === 'Right' && r.right).toBe(doc);
    expect(doc.headers).toEqual({ 'x-trace': 'abc' });
  });

  it('rejects isAdmin "yes", a string path, a numeric method', () => {
    expect(errorsOf(HttpAuthzInput, buildHttpAuthzInput({ user: { isAdmin: 'yes' as unknown as boolean } }))).toEqual([
      'input.user.isAdmin <boolean>',
    ]);
    expect(errorsOf(HttpAuthzInput, buildHttpAuthzInput({ path: 'applications' as unknown as string[] }))).toEqual([
      'input.path <Array<string>>',
    ]);
    expect(errorsOf(HttpAuthzInput, buildHttpAuthzInput({ method: 1 as unknown as string }))).toEqual(['input.method <string>']);
  });

  it('types task jobs and pipeline bodies', () => {
    const perms = buildHttpAuthzTaskInput({
      body: { job: [{ type: 'createApplication', application: { permissions: { WRITE: 'x' } } }] },
    } as never);
    expect(errorsOf(HttpAuthzInput, perms)).toEqual(['input.body.job[0].application.permissions.WRITE <Array<string>>']);
    const pipeline = buildHttpAuthzPipelineInput({ body: { stages: [{ type: 7 }] } } as never);
    expect(errorsOf(HttpAuthzInput, pipeline)).toEqual(['input.body.stages[0].type <string>']);
  });
});
