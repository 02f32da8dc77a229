import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_TIMEOUT_MS,
  EngineUnavailable,
  EvaluationError,
  createPolicyEngine,
  type Decision,
  type EvaluationOptions,
} from '@policy-engine/evaluator';
import { defined, inlinePackages, recordingLogger, scriptedEngine, type EngineScript as Script } from '@policy-engine/evaluator/testing';

const PIPELINES = 'opa.pipelines';
const AUTHZ = 'spinnaker.http.authz';
const EXEC = 'spinnaker.execution.pipelines.before';

async function decide(
  script: Script,
  pkg: string,
  options: EvaluationOptions = {},
  packages = [PIPELINES, AUTHZ, EXEC],
): Promise<Decision> {
  const engine = scriptedEngine(script);
  const pe = await createPolicyEngine({
    engine,
    policies: inlinePackages(...packages),
    options: { logger: recordingLogger(), ...options },
  });
  const decision = await pe.evaluate(pkg, { some: 'input' });
  await pe.close();
  return decision;
}

describe('deny-set packages', () => {
  it('allows when deny is empty', async () => {
    const d = await decide(() => defined({ deny: [] }), PIPELINES);
    expect(d).toMatchObject({ package: PIPELINES, allowed: true, denies: [], message: null, policyFound: true, engine: 'scripted' });
    expect(d.error).toBeUndefined();
  });

  it('allows when deny is absent and ignores other rules', async () => {
    const d = await decide(() => defined({ helper: 3, default_thing: false, unknownField: { a: 1 } }), PIPELINES);
    expect(d.allowed).toBe(true);
    expect(d.denies).toEqual([]);
  });

  it('denies with the messages in engine order', async () => {
    const d = await decide(() => defined({ deny: ['b second', 'a first'], allow: true }), PIPELINES);
    expect(d.allowed).toBe(false);
    expect(d.denies).toEqual(['b second', 'a first']);
  });

  it('renders non-string deny elements as JSON text', async () => {
    const d = await decide(() => defined({ deny: [{ msg: 'x', severity: 2 }, 7] }), PIPELINES);
    expect(d.allowed).toBe(false);
    expect(d.denies).toEqual(['{"msg":"x","severity":2}', '7']);
  });

  it('falls back to response when deny is absent', async () => {
    const d = await decide(() => defined({ response: { allowed: false, errors: ['no prod on friday'] } }), EXEC);
    expect(d).toMatchObject({ allowed: false, denies: ['no prod on friday'] });
    const ok = await decide(() => defined({ response: { allowed: true, errors: [] } }), EXEC);
    expect(ok.allowed).toBe(true);
  });

  it('takes deny over response when both exist', async () => {
    const d = await decide(() => defined({ deny: [], response: { allowed: false, errors: ['stale'] } }), EXEC);
    expect(d.allowed).toBe(true);
  });

  it('treats a non-object document as an evaluation error (fail-closed)', async () => {
    const d = await decide(() => defined(42), PIPELINES);
    expect(d.allowed).toBe(false);
    expect(d.error?.code).toBe('EVALUATION_ERROR');
  });
});

describe('allow packages', () => {
  it('allows only when allow is true', async () => {
    expect((await decide(() => defined({ allow: true }), AUTHZ)).allowed).toBe(true);
    expect((await decide(() => defined({ allow: false }), AUTHZ)).allowed).toBe(false);
    expect((await decide(() => defined({ allow: 'true' }), AUTHZ)).allowed).toBe(false);
  });

  it('denies when allow is missing (deny-all once a policy exists)', async () => {
    const d = await decide(() => defined({ message: '' }), AUTHZ);
    expect(d).toMatchObject({ allowed: false, policyFound: true, message: null });
  });

  it('passes a non-empty message through and maps "" to null', async () => {
    const d = await decide(() => defined({ allow: false, message: 'need WRITE on app' }), AUTHZ);
    expect(d).toMatchObject({ allowed: false, message: 'need WRITE on app', denies: [] });
    expect((await decide(() => defined({ allow: true, message: '' }), AUTHZ)).message).toBeNull();
  });

  it('honours a configured allowPackages list', async () => {
    const d = await decide(() => defined({ allow: false }), PIPELINES, { allowPackages: [PIPELINES] });
    expect(d.allowed).toBe(false);
    const authzAsDeny = await decide(() => defined({ allow: false }), AUTHZ, { allowPackages: [] });
    expect(authzAsDeny.allowed).toBe(true);
  });
});

describe('missing policies', () => {
  it('does not call the engine for a package without a policy and allows', async () => {
    const engine = scriptedEngine(() => {
      throw new Error('must not be called');
    });
    const pe = await createPolicyEngine({ engine, policies: inlinePackages(AUTHZ), options: { logger: recordingLogger() } });
    expect(pe.hasPolicy(PIPELINES)).toBe(false);
    const d = await pe.evaluate(PIPELINES, {});
    expect(d).toMatchObject({ allowed: true, policyFound: false, denies: [] });
    expect(engine.calls).toEqual([]);
  });

  it('asks the engine when a parent package defines the package with ref-head rules, and only then', async () => {
    const engine = scriptedEngine((pkg) =>
      pkg === 'spinnaker.deployment.tasks.before.deployManifest' ? defined({ deny: ['no'] }) : { defined: false },
    );
    const source = 'package spinnaker.deployment\n\ntasks.before.deployManifest.deny contains "no" if input.x\n';
    const pe = await createPolicyEngine({
      engine,
      policies: { kind: 'inline', modules: [{ id: 'p.rego', source }] },
      options: { logger: recordingLogger() },
    });
    const d = await pe.evaluate('spinnaker.deployment.tasks.before.deployManifest', {});
    const otherOperation = await pe.evaluate('spinnaker.deployment.tasks.before.scaleManifest', {});
    const unrelated = await pe.evaluate('spinnaker.deploymentX.y', {});
    await pe.close();
    expect(d).toMatchObject({ allowed: false, denies: ['no'], policyFound: true });
    expect(otherOperation).toMatchObject({ allowed: true, policyFound: false });
    expect(unrelated).toMatchObject({ allowed: true, policyFound: false });
    // No rule of the parent reaches scaleManifest: the engine is not asked for it.
    expect(engine.calls.map((c) => c.packageName)).toEqual(['spinnaker.deployment.tasks.before.deployManifest']);
  });

  it('warns once when the sources hold no module (all decided by the no-policy rule), again after a non-empty set', async () => {
    const logger = recordingLogger();
    const source = { kind: 'inline' as const, modules: [] as { id: string; source: string }[] };
    const pe = await createPolicyEngine({ engine: scriptedEngine(() => ({ defined: false })), policies: source, options: { logger } });
    expect(logger.warnings).toEqual(['the policy sources hold no Rego module: every package is decided by the no-policy rule']);
    await pe.reload();
    expect(logger.warnings).toHaveLength(1);
    source.modules.push({ id: 'p.rego', source: 'package opa.pipelines\n' });
    await pe.reload();
    source.modules.pop();
    await pe.reload();
    // The removal of opa.pipelines is a warning of its own (reload integrity); the empty set warns again.
    const empty = logger.warnings.filter((w) => w.startsWith('the policy sources hold no Rego module'));
    expect(empty).toHaveLength(2);
    expect(logger.warnings.filter((w) => w.includes('removed package opa.pipelines'))).toHaveLength(1);
    expect(logger.warnings).toHaveLength(3);
    await pe.close();
  });

  it('denies with ENGINE_UNAVAILABLE when the engine says a declared package is undefined (it lost the policies)', async () => {
    const d = await decide(() => ({ defined: false }), PIPELINES);
    expect(d).toMatchObject({ allowed: false, policyFound: true, error: { code: 'ENGINE_UNAVAILABLE' } });
    expect(d.error?.message).toMatch(
      /no document for data\.opa\.pipelines although the loaded policy set .* declares package opa\.pipelines/,
    );
    const open = await decide(() => ({ defined: false }), PIPELINES, { failOpen: true });
    expect(open).toMatchObject({ allowed: true, error: { code: 'ENGINE_UNAVAILABLE' } });
  });

  it("save-time packages with onMissingPolicy 'deny' are denied with a clear message", async () => {
    const d = await decide(() => ({ defined: false }), PIPELINES, { onMissingPolicy: 'deny' }, [AUTHZ]);
    expect(d.allowed).toBe(false);
    expect(d.policyFound).toBe(false);
    expect(d.denies[0]).toMatch(/no policy is loaded for package opa\.pipelines/);
    const legacy = await decide(() => ({ defined: false }), 'spinnaker.persistence.pipelines.before', { onMissingPolicy: 'deny' }, [AUTHZ]);
    expect(legacy.allowed).toBe(false);
  });

  it("onMissingPolicy 'deny' does not touch runtime or authz packages", async () => {
    for (const pkg of [AUTHZ, EXEC, 'spinnaker.deployment.tasks.before.deployManifest']) {
      const d = await decide(() => ({ defined: false }), pkg, { onMissingPolicy: 'deny' }, ['other.pkg']);
      expect(d).toMatchObject({ allowed: true, policyFound: false });
    }
  });

  it("onMissingPolicy 'allow' (default) allows save-time packages", async () => {
    const d = await decide(() => ({ defined: false }), PIPELINES, {}, [AUTHZ]);
    expect(d).toMatchObject({ allowed: true, policyFound: false });
  });
});

describe('engine failures', () => {
  it('fail-closed by default with the error code', async () => {
    const d = await decide(() => {
      throw new EngineUnavailable('connection refused');
    }, PIPELINES);
    expect(d).toMatchObject({ allowed: false, policyFound: true, error: { code: 'ENGINE_UNAVAILABLE', message: 'connection refused' } });
  });

  it('fail-open allows but keeps the error', async () => {
    const d = await decide(
      () => {
        throw new EvaluationError('conflicting rules');
      },
      AUTHZ,
      { failOpen: true },
    );
    expect(d).toMatchObject({ allowed: true, error: { code: 'EVALUATION_ERROR' } });
  });

  it('wraps untyped engine exceptions as EVALUATION_ERROR', async () => {
    const d = await decide(() => Promise.reject(new TypeError('boom')), PIPELINES);
    expect(d.allowed).toBe(false);
    expect(d.error).toEqual({ code: 'EVALUATION_ERROR', message: 'engine failed: boom' });
  });

  it('times out an engine that never answers and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const d = await decide(
      (_p, _i, o) => {
        seen = o?.signal;
        return new Promise(() => undefined);
      },
      PIPELINES,
      { timeoutMs: 50 },
    );
    expect(d).toMatchObject({ allowed: false, error: { code: 'EVALUATION_TIMEOUT' } });
    expect(d.durationMs).toBeGreaterThanOrEqual(45);
    expect(seen?.aborted).toBe(true);
  });

  it('the default timeout is 10 000 ms (Armory opa.timeoutSeconds default)', async () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
    const engine = scriptedEngine(() => new Promise(() => undefined));
    const pe = await createPolicyEngine({ engine, policies: inlinePackages(PIPELINES), options: { logger: recordingLogger() } });
    // The decision's deadline is on the performance.now() clock: fake it with the timers.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      let decision: Decision | undefined;
      const pending = pe.evaluate(PIPELINES, {}).then((d) => (decision = d));
      await vi.advanceTimersByTimeAsync(9_999);
      expect(decision).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      await pending;
      expect(decision).toMatchObject({
        allowed: false,
        error: { code: 'EVALUATION_TIMEOUT', message: 'evaluation did not finish within 10000 ms' },
      });
    } finally {
      vi.useRealTimers();
      await pe.close();
    }
  });

  it('timeout with failOpen allows', async () => {
    const d = await decide(() => new Promise(() => undefined), PIPELINES, { timeoutMs: 20, failOpen: true });
    expect(d).toMatchObject({ allowed: true, error: { code: 'EVALUATION_TIMEOUT' } });
  });

  it('honours the caller signal: cancelled is fail-closed even with failOpen', async () => {
    const engine = scriptedEngine(() => new Promise(() => undefined));
    const pe = await createPolicyEngine({
      engine,
      policies: inlinePackages(PIPELINES),
      options: { failOpen: true, logger: recordingLogger() },
    });
    const controller = new AbortController();
    const pending = pe.evaluate(PIPELINES, {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    const d = await pending;
    expect(d).toMatchObject({ allowed: false, error: { code: 'EVALUATION_CANCELLED' } });
    const already = await pe.evaluate(PIPELINES, {}, { signal: AbortSignal.abort() });
    expect(already.error?.code).toBe('EVALUATION_CANCELLED');
    expect(engine.calls.length).toBe(1);
    await pe.close();
  });

  it('a closed policy engine answers with ENGINE_UNAVAILABLE and closes the engine', async () => {
    const engine = scriptedEngine(() => defined({ deny: [] }));
    const pe = await createPolicyEngine({ engine, policies: inlinePackages(PIPELINES), options: { logger: recordingLogger() } });
    await pe.close();
    expect(engine.closed).toBe(true);
    const d = await pe.evaluate(PIPELINES, {});
    expect(d).toMatchObject({ allowed: false, error: { code: 'ENGINE_UNAVAILABLE' } });
  });
});

describe('decision hook', () => {
  it('calls onDecision once per decision with id, time and input; hook errors are logged', async () => {
    const seen: { pkg: string; id: string; time: string; input: unknown }[] = [];
    const logger = recordingLogger();
    const engine = scriptedEngine(() => defined({ deny: ['no'] }));
    const pe = await createPolicyEngine({
      engine,
      policies: inlinePackages(PIPELINES),
      options: {
        logger,
        onDecision: (d, c) => {
          seen.push({ pkg: d.package, id: c.id, time: c.time, input: c.input });
          throw new Error('hook broke');
        },
      },
    });
    const d = await pe.evaluate(PIPELINES, { n: 1 });
    await pe.evaluate('x.y', { n: 2 });
    expect(d.allowed).toBe(false);
    expect(seen.map((s) => s.input)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(seen[0]?.id).not.toBe(seen[1]?.id);
    expect(Number.isNaN(Date.parse(seen[0]?.time ?? ''))).toBe(false);
    expect(logger.errors.filter((e) => e.includes('hook broke'))).toHaveLength(2);
    await pe.close();
  });
});

describe('initial load', () => {
  it('rejects with the typed error and closes the engine when the first load fails', async () => {
    const engine = scriptedEngine(() => defined({}));
    const error = await createPolicyEngine({
      engine,
      policies: { kind: 'inline', modules: [{ id: 'bad.rego', source: 'package p\n\nallow {\n' }] },
      options: { logger: recordingLogger() },
    }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('POLICY_COMPILE_ERROR');
    expect((error as Error).message).toMatch(/^bad\.rego:\d+:\d+: /);
    expect(engine.closed).toBe(true);
    expect(engine.loads).toEqual([]);
  });

  it('wraps an untyped engine load failure and passes the whole set to the engine', async () => {
    const engine = scriptedEngine(() => defined({}));
    engine.loadError = new Error('disk full');
    const error = await createPolicyEngine({ engine, policies: inlinePackages('a.b'), options: { logger: recordingLogger() } }).catch(
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('EVALUATION_ERROR');
    expect(engine.closed).toBe(true);

    const ok = scriptedEngine(() => defined({}));
    const pe = await createPolicyEngine({
      engine: ok,
      policies: inlinePackages('a.b', 'c.d'),
      data: { x: 1 },
      options: { logger: recordingLogger() },
    });
    expect(ok.loads).toHaveLength(1);
    expect(ok.loads[0]?.modules.map((m) => m.packageName)).toEqual(['a.b', 'c.d']);
    expect(ok.loads[0]?.data).toEqual([{ id: 'options.data', path: [], value: { x: 1 } }]);
    expect(pe.packages()).toEqual(['a.b', 'c.d']);
    expect(pe.modules().map((m) => m.regoVersionSource)).toEqual(['configured', 'configured']);
    await pe.close();
  });

  it('rejects a non-positive timeout as a ConfigurationError', async () => {
    const error = await createPolicyEngine({
      engine: scriptedEngine(() => defined({})),
      policies: inlinePackages('a.b'),
      options: { timeoutMs: 0 },
    }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('CONFIGURATION_ERROR');
  });

  it('rejects bad settings from untyped config with a clear ConfigurationError and closes the engine', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ timeoutMs: '5000' }, 'timeoutMs must be a positive number, got "5000"'],
      [{ timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs must be a positive number, got null'],
      [{ onMissingPolicy: 'block' }, `onMissingPolicy must be 'allow' or 'deny', got "block"`],
      [{ validateInput: true }, `validateInput must be 'off', 'warn' or 'reject', got true`],
      [{ failOpen: 'false' }, 'failOpen must be true or false, got "false"'],
    ];
    for (const [options, message] of bad) {
      const engine = scriptedEngine(() => defined({}));
      const error = await createPolicyEngine({ engine, policies: inlinePackages('a.b'), options: options }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CONFIGURATION_ERROR', message });
      expect(engine.closed).toBe(true);
      expect(engine.loads).toEqual([]);
    }
  });
});
