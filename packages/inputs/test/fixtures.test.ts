import { describe, expect, it } from 'vitest';
import { formatPath, type PathSegment } from '@policy-engine/inputs-common';
import { inputCodecFor, validateInput } from '../src/index.js';
import { fixtureFiles, loadFixture } from './fixtures.js';
import { typedLeaves, wrongValueFor } from './walk.js';

const fixtures = fixtureFiles();

describe('every shared fixture', () => {
  it('there are 45 of them', () => {
    expect(fixtures).toHaveLength(45);
  });

  it.each(fixtures)('$file is a valid $pkg input, returned unchanged (extra keys kept)', ({ file, pkg }) => {
    const doc = loadFixture(file);
    const snapshot = JSON.stringify(doc);
    const r = validateInput(pkg, doc);
    expect(r.ok ? [] : r.errors).toEqual([]);
    expect(r.ok && r.value).toBe(doc);
    expect(JSON.stringify(doc)).toBe(snapshot);
  });

  it.each(fixtures)('$file: each typed leaf set to a wrong type fails at exactly its path', ({ file, pkg }) => {
    const doc = loadFixture(file);
    const codec = inputCodecFor(pkg);
    if (!codec) throw new Error(`no codec for ${pkg}`);
    const leaves = typedLeaves(codec, doc);
    expect(leaves.length).toBeGreaterThan(0);
    // Big executions have thousands of leaves: check an evenly spread sample of at most 150.
    const step = Math.max(1, Math.floor(leaves.length / 150));
    let checked = 0;
    for (let i = 0; i < leaves.length; i += step) {
      const leaf = leaves[i];
      if (!leaf) continue;
      const wrong = wrongValueFor(leaf);
      if (wrong === undefined) continue;
      const container = leaf.container as Record<string | number, unknown>;
      const original = container[leaf.key];
      container[leaf.key] = wrong;
      const r = validateInput(pkg, doc);
      container[leaf.key] = original;
      const path = formatPath(leaf.segments);
      expect(r.ok ? [] : r.errors.map((e) => e.path), `mutating ${path}`).toEqual([path]);
      if (!r.ok) expect(r.errors[0]?.actual).toBe(wrong);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
    expect(validateInput(pkg, doc).ok).toBe(true);
  });
});

describe('named mutations of fixtures', () => {
  /** Sets (or with `undefined`, deletes) the value at `path` in a fixture, then validates it. */
  const mutate = (file: string, pkg: string, path: PathSegment[], value: unknown) => {
    const doc = loadFixture(file);
    let node: unknown = doc;
    for (const seg of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[seg];
    const last = path[path.length - 1] as string | number;
    if (value === undefined) delete (node as Record<string | number, unknown>)[last];
    else (node as Record<string | number, unknown>)[last] = value;
    const r = validateInput(pkg, doc);
    return r.ok ? [] : r.errors.map((e) => `${e.path} <${e.expected}>`);
  };

  it('user.isAdmin "yes" fails at input.user.isAdmin', () => {
    expect(mutate('spinnaker.http.authz.input.json', 'spinnaker.http.authz', ['user', 'isAdmin'], 'yes')).toEqual([
      'input.user.isAdmin <boolean>',
    ]);
  });

  it('http.authz path must be an array of strings, method a string', () => {
    expect(mutate('spinnaker.http.authz.input.json', 'spinnaker.http.authz', ['path'], 'applications')).toEqual([
      'input.path <Array<string>>',
    ]);
    expect(mutate('spinnaker.http.authz.input.json', 'spinnaker.http.authz', ['path'], ['applications', 3])).toEqual([
      'input.path[1] <string>',
    ]);
    expect(mutate('spinnaker.http.authz.input.json', 'spinnaker.http.authz', ['method'], undefined)).toEqual(['input.method <string>']);
  });

  it('a role that is a number fails at its index; a role name that is a number at .name', () => {
    expect(mutate('spinnaker.http.authz.input.json', 'spinnaker.http.authz', ['user', 'roles', 0], 7)).toEqual([
      'input.user.roles[0] <Role (RoleObject | string)>',
    ]);
    expect(mutate('spinnaker.http.authz.input.json', 'spinnaker.http.authz', ['user', 'roles', 0, 'name'], 7)).toEqual([
      'input.user.roles[0].name <string>',
    ]);
  });

  it('stage.tasks[0].status number and pipeline.stages number fail at their paths', () => {
    const pkg = 'spinnaker.execution.stages.before.bake';
    const file = 'spinnaker.execution.stages.before.bake.input.json';
    expect(mutate(file, pkg, ['stage', 'tasks', 0, 'status'], 1)).toEqual(['input.stage.tasks[0].status <string>']);
    expect(mutate(file, pkg, ['pipeline', 'stages'], 3)).toEqual(['input.pipeline.stages <Array<StageExecution | string (stage id)>>']);
    expect(mutate(file, pkg, ['pipeline', 'stages', 0, 'tasks', 1, 'status'], 1)).toEqual([
      'input.pipeline.stages[0].tasks[1].status <string>',
    ]);
  });

  it('flat dotted context keys are typed as single keys', () => {
    const file = 'spinnaker.execution.stages.before.deployManifest.input.json';
    const pkg = 'spinnaker.execution.stages.before.deployManifest';
    expect(mutate(file, pkg, ['stage', 'context', 'kato.tasks', 0, 'status', 'completed'], 'no')).toEqual([
      'input.stage.context["kato.tasks"][0].status.completed <boolean>',
    ]);
    expect(mutate(file, pkg, ['stage', 'context', 'deploy.account.name'], 5)).toEqual([
      'input.stage.context["deploy.account.name"] <string>',
    ]);
  });

  it('nullable fields accept null but not other kinds; numeric-string timestamps must be numeric', () => {
    const file = 'spinnaker.execution.stages.before.bake.input.json';
    const pkg = 'spinnaker.execution.stages.before.bake';
    expect(mutate(file, pkg, ['pipeline', 'description'], null)).toEqual([]);
    expect(mutate(file, pkg, ['pipeline', 'description'], 5)).toEqual(['input.pipeline.description <string | null>']);
    expect(mutate('opa.pipelines.input.json', 'opa.pipelines', ['pipeline', 'updateTs'], 1620677311000)).toEqual([]);
    expect(mutate('opa.pipelines.input.json', 'opa.pipelines', ['pipeline', 'updateTs'], 'yesterday')).toEqual([
      'input.pipeline.updateTs <Timestamp (number | numeric string)>',
    ]);
  });

  it('stage lists may hold ids or objects', () => {
    const file = 'spinnaker.execution.stages.before.jenkins.input.json';
    const pkg = 'spinnaker.execution.stages.before.jenkins';
    const stages = (loadFixture(file).pipeline as { stages: unknown[] }).stages;
    const stageObject = stages.find((s) => typeof s === 'object');
    expect(stageObject).toBeDefined();
    expect(stages.some((s) => typeof s === 'string')).toBe(true);
    expect(mutate(file, pkg, ['pipeline', 'stages'], ['01F5GQ0V3NQ6W7ZB7X9Y8K2M4P', stageObject])).toEqual([]);
    expect(mutate(file, pkg, ['pipeline', 'stages'], [true])).toEqual(['input.pipeline.stages[0] <StageExecution | string (stage id)>']);
  });

  it('the usage-guide example (body.jobs, string roles) is typed too', () => {
    const file = 'spinnaker.http.authz.tasks.usage-guide-example.input.json';
    expect(mutate(file, 'spinnaker.http.authz', ['body', 'jobs', 0, 'type'], 1)).toEqual(['input.body.jobs[0].type <string>']);
    expect(mutate(file, 'spinnaker.http.authz', ['user', 'roles'], 'admins')).toEqual([
      'input.user.roles <Array<Role (RoleObject | string)>>',
    ]);
  });

  it('a missing required object is reported as missing', () => {
    const r = validateInput('spinnaker.deployment.tasks.before.deployManifest', {});
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual(['input.deploy: missing required field (expected DeployManifestDeploy)']);
  });
});
