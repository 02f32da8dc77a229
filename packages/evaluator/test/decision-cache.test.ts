import { describe, expect, it } from 'vitest';
import {
  NONDETERMINISTIC_BUILTINS,
  createPolicyEngine,
  nondeterministicBuiltins,
  type Decision,
  type DecisionContext,
  type Engine,
  type EngineResult,
  type EvaluationOptions,
  type PolicyEngine,
} from '../src/index.js';
import { countingEngine } from '../src/testing.js';

const AUTHZ = 'spinnaker.http.authz';
const authz = (body: string): string => `package spinnaker.http.authz\n\nimport rego.v1\n\ndefault allow := false\n\n${body}\n`;
const ADMIN_ONLY = authz('allow if input.user == "admin"');

/** An engine that answers `allow` for input.user == "admin", or fails for input.user == "boom"; counted. */
function userEngine(extra: Partial<Engine> = {}): Engine {
  return {
    name: 'fake',
    load: () => Promise.resolve(),
    evaluate: (_pkg, input): Promise<EngineResult> => {
      const user = (input as { user?: unknown }).user;
      if (user === 'boom') return Promise.reject(new Error('engine exploded'));
      return Promise.resolve({ defined: true, value: { allow: user === 'admin', seen: { user } } });
    },
    close: () => Promise.resolve(),
    ...extra,
  };
}

async function open(
  source: string,
  options: Partial<EvaluationOptions> = {},
  extra: Partial<Engine> = {},
): Promise<{
  pe: PolicyEngine;
  engine: ReturnType<typeof countingEngine>;
  logged: [Decision, DecisionContext][];
  setSource: (s: string) => void;
}> {
  const engine = countingEngine(userEngine(extra));
  Object.assign(engine, extra);
  const logged: [Decision, DecisionContext][] = [];
  const modules = [{ id: 'authz.rego', source }];
  const pe = await createPolicyEngine({
    engine,
    policies: { kind: 'inline', modules },
    options: { decisionCache: { packages: [AUTHZ] }, onDecision: (d, c) => logged.push([d, c]), ...options },
  });
  return { pe, engine, logged, setSource: (s) => (modules[0] = { id: 'authz.rego', source: s }) };
}

describe('decision cache', () => {
  it('answers a repeated input of a chosen package without the engine, and still logs every decision', async () => {
    const { pe, engine, logged } = await open(ADMIN_ONLY);
    const first = await pe.evaluate(AUTHZ, { user: 'admin', path: ['applications'] });
    const again = await pe.evaluate(AUTHZ, { path: ['applications'], user: 'admin' }); // other key order: another key
    const third = await pe.evaluate(AUTHZ, { user: 'admin', path: ['applications'] });
    const other = await pe.evaluate(AUTHZ, { user: 'dev', path: ['applications'] });
    await pe.close();
    expect([first.allowed, again.allowed, third.allowed, other.allowed]).toEqual([true, true, true, false]);
    expect(engine.total()).toBe(3);
    expect(logged.map(([d, c]) => [d.allowed, c.cached === true])).toEqual([
      [true, false],
      [true, false],
      [true, true],
      [false, false],
    ]);
    // The logged result of a cached decision is the engine's document for that input.
    expect(logged[2]?.[1].result).toEqual({ allow: true, seen: { user: 'admin' } });
    expect(Object.isFrozen(logged[2]?.[1].result)).toBe(true);
  });

  it('forgets every answer when another policy set is loaded', async () => {
    const { pe, engine, setSource } = await open(ADMIN_ONLY);
    await pe.evaluate(AUTHZ, { user: 'admin' });
    await pe.evaluate(AUTHZ, { user: 'admin' });
    expect(engine.total()).toBe(1);
    setSource(authz('allow if input.user in {"admin", "root"}'));
    const reloaded = await pe.reload();
    expect(reloaded.ok).toBe(true);
    await pe.evaluate(AUTHZ, { user: 'admin' });
    await pe.close();
    expect(engine.total()).toBe(2);
  });

  it('never caches a failure or a long input, nor past ttlMs', async () => {
    const { pe, engine } = await open(ADMIN_ONLY + '\ndeny contains "x" if false\n', {
      decisionCache: { packages: [AUTHZ], ttlMs: 40, maxInputBytes: 64 },
    });
    const failures = [await pe.evaluate(AUTHZ, { user: 'boom' }), await pe.evaluate(AUTHZ, { user: 'boom' })];
    expect(failures.map((d) => [d.allowed, d.error?.code])).toEqual([
      [false, 'EVALUATION_ERROR'],
      [false, 'EVALUATION_ERROR'],
    ]);
    expect(engine.total()).toBe(2);
    const long = { user: 'admin', note: 'x'.repeat(100) };
    await pe.evaluate(AUTHZ, long);
    await pe.evaluate(AUTHZ, long);
    expect(engine.total()).toBe(4);
    await pe.evaluate(AUTHZ, { user: 'admin' });
    await pe.evaluate(AUTHZ, { user: 'admin' });
    expect(engine.total()).toBe(5);
    await new Promise((r) => setTimeout(r, 60));
    await pe.evaluate(AUTHZ, { user: 'admin' });
    expect(engine.total()).toBe(6);
    await pe.close();
  });

  it('stays off for a package not chosen, a set that calls a non-deterministic built-in, and an engine that says its answers may change', async () => {
    const timed = await open(ADMIN_ONLY + '\nnight if time.clock([time.now_ns(), "UTC"])[0] < 6\n');
    await timed.pe.evaluate(AUTHZ, { user: 'admin' });
    await timed.pe.evaluate(AUTHZ, { user: 'admin' });
    await timed.pe.close();
    expect(timed.engine.total()).toBe(2);
    const unchosen = await open(ADMIN_ONLY, { decisionCache: { packages: ['spinnaker.ui.entitlements.isFeatureEnabled'] } });
    await unchosen.pe.evaluate(AUTHZ, { user: 'admin' });
    await unchosen.pe.evaluate(AUTHZ, { user: 'admin' });
    await unchosen.pe.close();
    expect(unchosen.engine.total()).toBe(2);
    const pulling = await open(ADMIN_ONLY, {}, { decisionsCacheable: false });
    await pulling.pe.evaluate(AUTHZ, { user: 'admin' });
    await pulling.pe.evaluate(AUTHZ, { user: 'admin' });
    await pulling.pe.close();
    expect(pulling.engine.total()).toBe(2);
  });

  it('reuses no answer once the engine has failed (it may be down) until it answers again', async () => {
    const { pe, engine } = await open(ADMIN_ONLY);
    await pe.evaluate(AUTHZ, { user: 'admin' });
    await pe.evaluate(AUTHZ, { user: 'admin' });
    expect(engine.total()).toBe(1);
    expect((await pe.evaluate(AUTHZ, { user: 'boom' })).error?.code).toBe('EVALUATION_ERROR');
    await pe.evaluate(AUTHZ, { user: 'admin' });
    await pe.evaluate(AUTHZ, { user: 'admin' });
    await pe.close();
    expect(engine.total()).toBe(3);
  });

  it('keeps at most maxEntries answers, dropping the oldest', async () => {
    const { pe, engine } = await open(ADMIN_ONLY, { decisionCache: { packages: [AUTHZ], maxEntries: 2 } });
    for (const user of ['a', 'b', 'a', 'c', 'b', 'a']) await pe.evaluate(AUTHZ, { user });
    await pe.close();
    // a, b miss; a hits; c misses and drops a; b hits; a misses again.
    expect(engine.total()).toBe(4);
  });

  it('refuses a bad decisionCache option with a ConfigurationError', async () => {
    for (const decisionCache of [{ packages: 'x' }, { packages: [AUTHZ], ttlMs: -1 }, { packages: [AUTHZ], maxEntries: 0.5 }]) {
      await expect(
        createPolicyEngine({
          engine: userEngine(),
          policies: { kind: 'inline', modules: [{ id: 'a.rego', source: ADMIN_ONLY }] },
          options: { decisionCache: decisionCache as unknown as EvaluationOptions['decisionCache'] },
        }),
      ).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR', message: expect.stringContaining('decisionCache.') as unknown });
    }
  });
});

describe('nondeterministicBuiltins', () => {
  it("names OPA's non-deterministic built-ins a set calls or names, and nothing for a set without them", () => {
    const mod = (source: string) => ({ id: 'm.rego', source, regoVersion: 'v1' as const });
    expect(nondeterministicBuiltins([mod(ADMIN_ONLY)])).toEqual([]);
    expect(
      nondeterministicBuiltins([
        mod('package a\n\nx := http.send({"method": "GET", "url": "http://x"})\n\ny := rand.intn("k", 3)\n'),
        mod('package b\n\nz := y if {\n\ty := f(1) with time.now_ns as 1\n}\n\nf(x) := x\n'),
      ]),
    ).toEqual(['http.send', 'rand.intn', 'time.now_ns']);
    expect(NONDETERMINISTIC_BUILTINS).toContain('uuid.rfc4122');
    // A module that does not parse cannot be checked: it counts as naming one.
    expect(nondeterministicBuiltins([mod('package c\n\nx := \n')])).toEqual(['unparsed module m.rego']);
  });
});
