import { describe, expect, it } from 'vitest';
import { fixtureInput } from '@policy-engine/test-kit';
import { createPolicyEngine, type EvaluationOptions } from '@policy-engine/evaluator';
import { defined, inlinePackages, recordingLogger, scriptedEngine } from '@policy-engine/evaluator/testing';

const AUTHZ = 'spinnaker.http.authz';
const fixture = (name: string): unknown => fixtureInput(name);
const validAuthz = fixture('spinnaker.http.authz.input.json');
const invalidAuthz = { method: 42, path: 'not-an-array', user: { username: 'u', isAdmin: 'yes' } };

async function run(mode: EvaluationOptions['validateInput'], pkg: string, input: unknown, extra: EvaluationOptions = {}) {
  const engine = scriptedEngine(() => defined({ allow: true }));
  const logger = recordingLogger();
  const pe = await createPolicyEngine({
    engine,
    policies: inlinePackages(AUTHZ, 'custom.pkg'),
    options: { logger, validateInput: mode, ...extra },
  });
  const decision = await pe.evaluate(pkg, input);
  await pe.close();
  return { decision, logger, calls: engine.calls.length };
}

describe('validateInput with the real codecs of @policy-engine/inputs', () => {
  it('accepts a documented fixture in every mode', async () => {
    for (const mode of ['off', 'warn', 'reject'] as const) {
      const { decision, logger, calls } = await run(mode, AUTHZ, validAuthz);
      expect(decision).toMatchObject({ allowed: true, policyFound: true });
      expect(decision.error).toBeUndefined();
      expect(logger.warnings).toEqual([]);
      expect(calls).toBe(1);
    }
  });

  it("'off' does not look at the input", async () => {
    const { decision, logger } = await run('off', AUTHZ, invalidAuthz);
    expect(decision.allowed).toBe(true);
    expect(logger.warnings).toEqual([]);
  });

  it("'warn' logs every problem with its path and still evaluates", async () => {
    const { decision, logger, calls } = await run('warn', AUTHZ, invalidAuthz);
    expect(decision).toMatchObject({ allowed: true });
    expect(calls).toBe(1);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('input for spinnaker.http.authz is invalid');
    expect(logger.warnings[0]).toContain('input.method');
    expect(logger.warnings[0]).toContain('input.user.isAdmin');
  });

  it("'reject' denies with INVALID_INPUT without calling the engine, even with failOpen", async () => {
    const { decision, calls } = await run('reject', AUTHZ, invalidAuthz, { failOpen: true });
    expect(decision).toMatchObject({ allowed: false, error: { code: 'INVALID_INPUT' } });
    expect(decision.error?.message).toContain('input.path');
    expect(calls).toBe(0);
  });

  it('packages without a codec are not checked', async () => {
    const { decision, logger } = await run('reject', 'custom.pkg', 'anything');
    expect(decision.error).toBeUndefined();
    expect(logger.warnings).toEqual([]);
  });
});

describe('validateInput and missing policies', () => {
  it('a package without a policy is decided by the no-policy rule, not by validation', async () => {
    const { decision, calls } = await run('reject', 'spinnaker.execution.pipelines.before', { pipeline: 7 });
    expect(decision).toMatchObject({ allowed: true, policyFound: false });
    expect(decision.error).toBeUndefined();
    expect(calls).toBe(0);
  });
});
