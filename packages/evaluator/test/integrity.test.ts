/**
 * Decision integrity in the facade: which packages a set may decide (one rule, from the parsed
 * rule heads), an undefined answer for a package the set defines is an engine fault (denied,
 * logged, the set loaded again), and health() reports whether the engine can decide.
 */
import { describe, expect, it } from 'vitest';
import { createPolicyEngine, packageIndex, type EngineReadiness, type PolicyModule } from '@policy-engine/evaluator';
import { defined, recordingLogger, scriptedEngine } from '@policy-engine/evaluator/testing';

const module = (id: string, packageName: string, source: string, regoVersion: 'v0' | 'v1' = 'v1'): PolicyModule => ({
  id,
  packageName,
  regoVersion,
  source: `package ${packageName}\n\n${source}\n`,
});

const inline = (...sources: string[]) => ({ kind: 'inline' as const, modules: sources.map((source, i) => ({ id: `m${i}.rego`, source })) });

describe('packageIndex: may the set decide this package', () => {
  const index = packageIndex([
    module('exec.rego', 'spinnaker.execution', 'stages.before.deployManifest.deny contains msg if { input.x; msg := "no" }'),
    module('dyn.rego', 'spinnaker.deployment', 'tasks.before[op].deny contains op if { some op in input.ops }'),
    module('whole.rego', 'acme', 'rules := {"a": {"deny": ["x"]}}'),
    module('legacy.rego', 'spinnaker.execution.task.before', 'deny[msg] { msg := input.m }', 'v0'),
    module('fn.rego', 'lib', 'checks(x) := x'),
    module('authz.rego', 'spinnaker.http.authz', 'default allow := false'),
  ]);

  it('a declared package', () => {
    expect(index.decides('spinnaker.http.authz')).toBe(true);
    expect(index.declares('spinnaker.http.authz')).toBe(true);
    expect(index.decides('spinnaker.execution.task.before')).toBe(true);
    expect(index.packages).toEqual([
      'acme',
      'lib',
      'spinnaker.deployment',
      'spinnaker.execution',
      'spinnaker.execution.task.before',
      'spinnaker.http.authz',
    ]);
  });

  it('a path a ref-head rule of a parent package reaches, or a package above the rule', () => {
    expect(index.decides('spinnaker.execution.stages.before.deployManifest')).toBe(true);
    expect(index.declares('spinnaker.execution.stages.before.deployManifest')).toBe(false);
    expect(index.declaringPackage('spinnaker.execution.stages.before.deployManifest')).toBe('spinnaker.execution');
    expect(index.decides('spinnaker.execution.stages.before')).toBe(true);
    expect(index.decides('spinnaker.execution.stages.before.deployManifest.deny')).toBe(true);
  });

  it('a path under a rule whose head has a variable part, or under a complete rule holding an object', () => {
    expect(index.declaringPackage('spinnaker.deployment.tasks.before.deployManifest')).toBe('spinnaker.deployment');
    expect(index.declaringPackage('acme.rules.a')).toBe('acme');
  });

  it('not a sibling path that no rule reaches, not a function, not an unrelated name sharing a prefix', () => {
    expect(index.decides('spinnaker.execution.stages.after.deployManifest')).toBe(false);
    expect(index.decides('spinnaker.execution.stages.before.bake')).toBe(false);
    expect(index.decides('spinnaker.deployment.other')).toBe(false);
    expect(index.decides('lib.checks')).toBe(false);
    expect(index.decides('spinnaker.executionX.stages')).toBe(false);
    expect(index.decides('spinnaker')).toBe(false);
    expect(index.declaringPackage('opa.pipelines')).toBeUndefined();
  });
});

describe('hasPolicy is that rule', () => {
  it('follows ref-head rules of parent packages', async () => {
    const pe = await createPolicyEngine({
      engine: scriptedEngine(() => ({ defined: false })),
      policies: inline('package spinnaker.execution\n\nstages.before.deployManifest.deny contains "no" if input.x\n'),
      options: { logger: recordingLogger() },
    });
    expect(pe.hasPolicy('spinnaker.execution.stages.before.deployManifest')).toBe(true);
    expect(pe.hasPolicy('spinnaker.execution.stages.before.bake')).toBe(false);
    expect(pe.hasPolicy('spinnaker.execution')).toBe(true);
    expect(pe.packages()).toEqual(['spinnaker.execution']);
    await pe.close();
  });
});

describe('undefined for a package the set defines is an engine fault', () => {
  it('is denied and logged, the set is loaded into the engine again, and then decisions are right again', async () => {
    let lost = true;
    const engine = scriptedEngine(() => (lost ? { defined: false } : defined({ deny: ['bad'] })));
    const logger = recordingLogger();
    const pe = await createPolicyEngine({
      engine,
      policies: inline('package opa.pipelines\n\ndeny contains "bad" if input.bad\n'),
      options: { logger },
    });
    expect(engine.loads).toHaveLength(1);
    const first = await pe.evaluate('opa.pipelines', { bad: true });
    expect(first).toMatchObject({ allowed: false, policyFound: true, error: { code: 'ENGINE_UNAVAILABLE' } });
    expect(logger.errors.some((m) => m.includes('data.opa.pipelines') && m.includes('lost the policies'))).toBe(true);
    await expect.poll(() => engine.loads.length).toBe(2);
    expect(engine.loads[1]?.revision).toBe(engine.loads[0]?.revision);
    lost = false;
    expect(await pe.evaluate('opa.pipelines', { bad: true })).toMatchObject({ allowed: false, denies: ['bad'], policyFound: true });
    expect((await pe.evaluate('opa.pipelines', { bad: true })).error).toBeUndefined();
    await pe.close();
  });

  it('many faulty decisions at once load the set again once', async () => {
    const engine = scriptedEngine(() => ({ defined: false }));
    const pe = await createPolicyEngine({
      engine,
      policies: inline('package opa.pipelines\n\ndeny contains "bad" if input.bad\n'),
      options: { logger: recordingLogger() },
    });
    const decisions = await Promise.all(Array.from({ length: 5 }, () => pe.evaluate('opa.pipelines', {})));
    expect(decisions.every((d) => !d.allowed && d.error?.code === 'ENGINE_UNAVAILABLE')).toBe(true);
    await pe.close();
    expect(engine.loads).toHaveLength(2);
  });

  it('a path a parent rule defines may be undefined while the parent package is there; not when the parent is gone too', async () => {
    let parentThere = true;
    const engine = scriptedEngine((pkg) => (pkg === 'spinnaker.execution' && parentThere ? defined({ stages: {} }) : { defined: false }));
    const pe = await createPolicyEngine({
      engine,
      policies: inline('package spinnaker.execution\n\nstages.before.deployManifest.deny := ["no"] if input.x\n'),
      options: { logger: recordingLogger() },
    });
    const pkg = 'spinnaker.execution.stages.before.deployManifest';
    expect(await pe.evaluate(pkg, {})).toMatchObject({ allowed: true, policyFound: false });
    expect(engine.calls.map((c) => c.packageName)).toEqual([pkg, 'spinnaker.execution']);
    parentThere = false;
    expect(await pe.evaluate(pkg, {})).toMatchObject({ allowed: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    await pe.close();
  });
});

describe('health()', () => {
  it('is UP for an engine without readiness, DOWN once closed', async () => {
    const pe = await createPolicyEngine({
      engine: scriptedEngine(() => defined({})),
      policies: inline('package a\n'),
      options: { logger: recordingLogger() },
    });
    const up = await pe.health();
    expect(up).toMatchObject({ status: 'UP', engine: 'scripted' });
    expect(up.revision).toMatch(/^[0-9a-f]{64}$/);
    await pe.close();
    expect(await pe.health()).toMatchObject({ status: 'DOWN', detail: 'policy engine is closed' });
  });

  it("reports the engine's readiness, and DOWN when readiness fails", async () => {
    let readiness: () => Promise<EngineReadiness> = () => Promise.resolve({ ready: false, detail: 'no OPA reachable' });
    const engine = Object.assign(
      scriptedEngine(() => defined({})),
      { readiness: () => readiness() },
    );
    const pe = await createPolicyEngine({ engine, policies: inline('package a\n'), options: { logger: recordingLogger() } });
    expect(await pe.health()).toMatchObject({ status: 'DOWN', detail: 'no OPA reachable' });
    readiness = () => Promise.resolve({ ready: true });
    expect(await pe.health()).toMatchObject({ status: 'UP' });
    readiness = () => Promise.reject(new Error('boom'));
    expect(await pe.health()).toMatchObject({ status: 'DOWN', detail: 'engine failed: boom' });
    await pe.close();
  });

  it('is DOWN when the engine does not report its readiness within the timeout', async () => {
    const engine = Object.assign(
      scriptedEngine(() => defined({})),
      { readiness: () => new Promise<EngineReadiness>(() => undefined) },
    );
    const pe = await createPolicyEngine({ engine, policies: inline('package a\n'), options: { logger: recordingLogger(), timeoutMs: 30 } });
    expect(await pe.health()).toMatchObject({ status: 'DOWN', detail: 'the scripted engine did not report its readiness within 30 ms' });
    await pe.close();
  });
});
