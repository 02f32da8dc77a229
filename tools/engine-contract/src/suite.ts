/**
 * The engine contract suite: what every `Engine` must do, as vitest `describe`/`it` blocks. An
 * engine package runs it with one test file:
 * `runEngineContract('wasm', () => wasmEngine({ opaPath: findOpa() }))`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  PolicyCompileError,
  PolicyEngineError,
  createPolicyEngine,
  loadPolicySources,
  type Engine,
  type EngineResult,
  type PolicySet,
} from '@policy-engine/evaluator';
import { unparsedModule } from '@policy-engine/evaluator/testing';
import { EXAMPLE_POLICIES, decisionCases } from '@policy-engine/test-kit';
import { contractCases, type ContractCase } from './cases.js';

/** Makes a fresh engine (one per test, holding nothing of another test's); the suite closes every engine it makes. */
export type EngineFactory = () => Engine | Promise<Engine>;

/** Options of {@link runEngineContract}. */
export interface EngineContractOptions {
  /**
   * Cases this engine cannot pass yet, by test name, each with the reason. Such a test runs as
   * an expected failure (`it.fails`): it fails the suite when the engine starts passing it, so the
   * list stays true. Aim for none.
   */
  readonly expectedFailures?: Readonly<Record<string, string>>;
  /** Extra time an engine may take past a deadline before it must have failed (default 3 000 ms). */
  readonly deadlineSlackMs?: number;
  /**
   * The engine evaluates synchronously on the caller's thread (a capability, not a failure): a
   * signal aborted during its run cannot be observed until it returns. The case "a signal aborted
   * during a runaway evaluation" is then replaced by what such an engine guarantees: a signal
   * aborted before the call is refused before any work, and the deadline alone bounds a runaway
   * (a signal that is not aborted changes nothing).
   */
  readonly synchronous?: boolean;
}

/** A PolicySet of inline modules (package names and versions discovered as the facade does). */
async function policySet(modules: ContractCase['modules'], data?: Record<string, unknown>): Promise<PolicySet> {
  const loaded = await loadPolicySources({ kind: 'inline', modules, ...(data !== undefined ? { data } : {}) });
  return loaded.policySet;
}

/**
 * Runs `start` and settles its promise into its value or its error, with how long it took
 * (timed from the call: a synchronous engine does its work inside it).
 */
async function settle<T>(start: () => Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const started = performance.now();
  try {
    const value = await start();
    return { value, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** Busy for a long time on every engine (hundreds of millions of steps); never finishes within a test. */
const RUNAWAY = {
  id: 'policies/runaway.rego',
  regoVersion: 'v1' as const,
  source:
    'package contract.runaway\n\nspin if {\n  some a in numbers.range(1, 20000)\n  some b in numbers.range(1, 20000)\n  a + b < 0\n}\n',
};

/** Reads the whole input, so an engine that converts input lazily converts all of it. */
const ECHO = { id: 'policies/echo.rego', regoVersion: 'v1' as const, source: 'package contract.echo\n\nseen := input\n' };

/**
 * A PolicySet built without the evaluator's discovery (which would refuse a parse error itself):
 * the engine's own compiler must find the problem.
 */
function unparsedSet(modules: ContractCase['modules']): PolicySet {
  return {
    modules: modules.map((m) => unparsedModule(m.id, m.source, m.regoVersion)),
    data: [],
    revision: `unparsed-${modules.map((m) => m.id).join(',')}-${Math.random().toString(36).slice(2)}`,
  };
}

const QUICK = { id: 'policies/quick.rego', regoVersion: 'v1' as const, source: 'package contract.quick\n\nok := true\n' };

/**
 * Runs the engine contract against the engine `makeEngine` creates: the decision cases of
 * `examples/policy-cases.json` through `createPolicyEngine`; the recorded edge cases and
 * helper-function cases (issue 16) with OPA's answers; compile errors that name the module file
 * and carry OPA's message; atomic reload; the deadline; cancellation; a closed engine; bad input.
 */
export function runEngineContract(name: string, makeEngine: EngineFactory, options: EngineContractOptions = {}): void {
  const expectedFailures = options.expectedFailures ?? {};
  const slack = options.deadlineSlackMs ?? 3000;
  const made: Engine[] = [];
  const fresh = async (): Promise<Engine> => {
    const engine = await makeEngine();
    made.push(engine);
    return engine;
  };
  /** `it`, or `it.fails` with its written reason when the engine lists the test as an expected failure. */
  const titles = new Set<string>();
  const test = (title: string, body: () => Promise<void>, timeout?: number): void => {
    titles.add(title);
    const reason = expectedFailures[title];
    if (reason === undefined) it(title, body, timeout);
    else it.fails(`${title} [expected failure on ${name}: ${reason}]`, body, timeout);
  };
  const { cases, compileErrors } = contractCases();

  describe(`engine contract: ${name}`, () => {
    // Every engine a test made is closed after it (an engine may hold a server or workers).
    afterEach(async () => {
      await Promise.all(made.splice(0).map((e) => e.close().catch(() => undefined)));
    });

    describe('decision cases of examples/policy-cases.json, through createPolicyEngine', () => {
      test('every case gives the expected Decision', async () => {
        const pe = await createPolicyEngine({
          engine: await fresh(),
          policies: { kind: 'directory', path: EXAMPLE_POLICIES, regoVersion: 'auto' },
          options: { logger: { warn: () => undefined, error: () => undefined } },
        });
        try {
          const all = decisionCases();
          expect(all.length).toBeGreaterThan(40);
          for (const c of all) {
            const d = await pe.evaluate(c.package, c.input);
            expect({
              name: c.name,
              allowed: d.allowed,
              policyFound: d.policyFound,
              denies: d.denies,
              message: d.message,
              error: d.error,
            }).toEqual({
              name: c.name,
              ...c.expect,
              error: undefined,
            });
            expect(d.engine).toBe(pe.engineName);
          }
        } finally {
          await pe.close();
        }
      }, 120_000);
    });

    for (const group of ['edge', 'functions'] as const) {
      describe(
        group === 'edge'
          ? 'edge cases (expectations from the real OPA)'
          : 'packages with helper functions, issue 16 (expectations from the real OPA)',
        () => {
          for (const c of cases.filter((x) => x.group === group)) {
            test(
              c.name,
              async () => {
                const engine = await fresh();
                await engine.load(await policySet(c.modules, c.data));
                const result: EngineResult = await engine.evaluate(c.package, c.input);
                expect(result).toEqual(c.expect);
                // An engine answering on the caller's thread too answers the same there.
                if (engine.evaluateSync) expect(engine.evaluateSync(c.package, c.input)).toEqual(c.expect);
              },
              60_000,
            );
          }
        },
      );
    }

    describe('compile errors name the module file and carry OPA’s message', () => {
      for (const c of compileErrors) {
        test(
          c.name,
          async () => {
            const engine = await fresh();
            await engine.load(await policySet([QUICK]));
            const failed = await settle(() => engine.load(unparsedSet(c.modules)));
            expect(failed.error).toBeInstanceOf(PolicyCompileError);
            const error = failed.error as PolicyCompileError;
            expect(error.code).toBe('POLICY_COMPILE_ERROR');
            expect(error.message).toContain(c.expect.file);
            expect(error.message).toContain(c.expect.message);
            expect(error.problems.some((p) => p.location?.file === c.expect.file && p.message.includes(c.expect.message))).toBe(true);
            // The old set stays active.
            expect(await engine.evaluate('contract.quick', {})).toEqual({ defined: true, value: { ok: true } });
          },
          60_000,
        );
      }
    });

    describe('atomic reload', () => {
      test('evaluations during a load see the old set or the new one, never a mix', async () => {
        const engine = await fresh();
        const version = (v: string) =>
          policySet([
            { id: 'policies/a.rego', regoVersion: 'v1', source: `package contract.atomic\n\nfirst := "${v}"\n` },
            { id: 'policies/b.rego', regoVersion: 'v1', source: `package contract.atomic\n\nsecond := "${v}"\n` },
          ]);
        await engine.load(await version('old'));
        const next = await version('new');
        const seen: unknown[] = [];
        let loaded = false;
        const loading = engine.load(next).then(() => (loaded = true));
        const during: Promise<void>[] = [];
        for (let i = 0; i < 40; i++) {
          during.push(
            engine.evaluate('contract.atomic', {}).then((r) => {
              seen.push(r);
            }),
          );
          if (i % 8 === 0) await new Promise((r) => setTimeout(r, 5));
        }
        await Promise.all([loading, ...during]);
        expect(loaded).toBe(true);
        for (const r of seen)
          expect([
            { defined: true, value: { first: 'old', second: 'old' } },
            { defined: true, value: { first: 'new', second: 'new' } },
          ]).toContainEqual(r);
        expect(await engine.evaluate('contract.atomic', {})).toEqual({ defined: true, value: { first: 'new', second: 'new' } });
      }, 60_000);
    });

    describe('deadline and cancellation', () => {
      test(`a runaway policy stops with EVALUATION_TIMEOUT within its deadline plus a bound`, async () => {
        const engine = await fresh();
        await engine.load(await policySet([RUNAWAY, QUICK]));
        const budget = 300;
        const run = await settle(() => engine.evaluate('contract.runaway', {}, { deadline: performance.now() + budget }));
        expect(run.error).toBeInstanceOf(PolicyEngineError);
        expect((run.error as PolicyEngineError).code).toBe('EVALUATION_TIMEOUT');
        expect(run.ms).toBeGreaterThanOrEqual(budget - 5);
        expect(run.ms).toBeLessThan(budget + slack);
        // And it keeps serving.
        expect(await engine.evaluate('contract.quick', {}, { deadline: performance.now() + 10_000 })).toEqual({
          defined: true,
          value: { ok: true },
        });
      }, 60_000);

      test('the facade’s one timeout reaches the engine: a Decision fails with EVALUATION_TIMEOUT', async () => {
        const pe = await createPolicyEngine({
          engine: await fresh(),
          policies: { kind: 'inline', modules: [RUNAWAY] },
          options: { timeoutMs: 300, logger: { warn: () => undefined, error: () => undefined } },
        });
        try {
          const started = performance.now();
          const d = await pe.evaluate('contract.runaway', {});
          expect(performance.now() - started).toBeLessThan(300 + slack);
          expect(d).toMatchObject({ allowed: false, error: { code: 'EVALUATION_TIMEOUT' } });
        } finally {
          await pe.close();
        }
      }, 60_000);

      test('evaluateSync (when the engine has it) throws the errors evaluate rejects with: timeout, cancelled, closed', async () => {
        const engine = await fresh();
        if (!engine.evaluateSync) return;
        await engine.load(await policySet([RUNAWAY, QUICK]));
        const codeOf = (call: () => unknown): string | undefined => {
          try {
            call();
            return undefined;
          } catch (error) {
            expect(error).toBeInstanceOf(PolicyEngineError);
            return (error as PolicyEngineError).code;
          }
        };
        const started = performance.now();
        expect(codeOf(() => engine.evaluateSync?.('contract.runaway', {}, { deadline: performance.now() + 200 }))).toBe(
          'EVALUATION_TIMEOUT',
        );
        expect(performance.now() - started).toBeLessThan(200 + slack);
        const controller = new AbortController();
        controller.abort();
        expect(codeOf(() => engine.evaluateSync?.('contract.quick', {}, { signal: controller.signal }))).toBe('EVALUATION_CANCELLED');
        expect(engine.evaluateSync('contract.quick', {}, { deadline: performance.now() + 10_000 })).toEqual({
          defined: true,
          value: { ok: true },
        });
        await engine.close();
        expect(codeOf(() => engine.evaluateSync?.('contract.quick', {}))).toBe('ENGINE_UNAVAILABLE');
      }, 60_000);

      test('an already aborted signal fails with EVALUATION_CANCELLED', async () => {
        const engine = await fresh();
        await engine.load(await policySet([QUICK]));
        const controller = new AbortController();
        controller.abort();
        const run = await settle(() => engine.evaluate('contract.quick', {}, { signal: controller.signal }));
        expect(run.error).toBeInstanceOf(PolicyEngineError);
        expect((run.error as PolicyEngineError).code).toBe('EVALUATION_CANCELLED');
      });

      if (!options.synchronous) {
        test('a signal aborted during a runaway evaluation stops it with EVALUATION_CANCELLED', async () => {
          const engine = await fresh();
          await engine.load(await policySet([RUNAWAY]));
          const controller = new AbortController();
          setTimeout(() => controller.abort(), 100);
          // The deadline only keeps a failing engine from hanging the suite.
          const run = await settle(() =>
            engine.evaluate('contract.runaway', {}, { signal: controller.signal, deadline: performance.now() + 100 + slack }),
          );
          expect(run.error).toBeInstanceOf(PolicyEngineError);
          expect((run.error as PolicyEngineError).code).toBe('EVALUATION_CANCELLED');
          expect(run.ms).toBeLessThan(100 + slack);
        }, 60_000);
      } else {
        test('a synchronous engine: an aborted signal is refused before the run, and the deadline bounds a runaway', async () => {
          const engine = await fresh();
          await engine.load(await policySet([RUNAWAY]));
          // Aborted before the call: refused at once, no evaluation started.
          const controller = new AbortController();
          controller.abort();
          const refused = await settle(() =>
            engine.evaluate('contract.runaway', {}, { signal: controller.signal, deadline: performance.now() + 10_000 }),
          );
          expect(refused.error).toBeInstanceOf(PolicyEngineError);
          expect((refused.error as PolicyEngineError).code).toBe('EVALUATION_CANCELLED');
          expect(refused.ms).toBeLessThan(100);
          // A live signal with a deadline: the deadline stops the runaway, within its bound.
          const budget = 200;
          const live = new AbortController();
          const run = await settle(() =>
            engine.evaluate('contract.runaway', {}, { signal: live.signal, deadline: performance.now() + budget }),
          );
          expect(run.error).toBeInstanceOf(PolicyEngineError);
          expect((run.error as PolicyEngineError).code).toBe('EVALUATION_TIMEOUT');
          expect(run.ms).toBeGreaterThanOrEqual(budget - 5);
          expect(run.ms).toBeLessThan(budget + slack);
        }, 60_000);
      }
    });

    it('lists as expected failures only tests of the suite', () => {
      expect(Object.keys(expectedFailures).filter((title) => !titles.has(title))).toEqual([]);
    });

    describe('lifecycle and bad input', () => {
      test('a closed engine fails with a typed error (ENGINE_UNAVAILABLE)', async () => {
        const engine = await fresh();
        await engine.load(await policySet([QUICK]));
        await engine.close();
        const run = await settle(() => engine.evaluate('contract.quick', {}));
        expect(run.error).toBeInstanceOf(PolicyEngineError);
        expect((run.error as PolicyEngineError).code).toBe('ENGINE_UNAVAILABLE');
        const set = await policySet([QUICK]);
        const load = await settle(() => engine.load(set));
        expect(load.error).toBeInstanceOf(PolicyEngineError);
        expect((load.error as PolicyEngineError).code).toBe('ENGINE_UNAVAILABLE');
      });

      test('a circular input fails with INVALID_INPUT, and the engine keeps serving', async () => {
        const engine = await fresh();
        await engine.load(await policySet([ECHO]));
        const circular: Record<string, unknown> = { a: 1 };
        circular['self'] = circular;
        const run = await settle(() => engine.evaluate('contract.echo', circular));
        expect(run.error).toBeInstanceOf(PolicyEngineError);
        expect((run.error as PolicyEngineError).code).toBe('INVALID_INPUT');
        expect(await engine.evaluate('contract.echo', { a: [1] })).toEqual({ defined: true, value: { seen: { a: [1] } } });
      });

      test('an input holding a BigInt (not a JSON value) fails with INVALID_INPUT', async () => {
        const engine = await fresh();
        await engine.load(await policySet([ECHO]));
        const run = await settle(() => engine.evaluate('contract.echo', { n: 1n }));
        expect(run.error).toBeInstanceOf(PolicyEngineError);
        expect((run.error as PolicyEngineError).code).toBe('INVALID_INPUT');
      });
    });
  });
}
