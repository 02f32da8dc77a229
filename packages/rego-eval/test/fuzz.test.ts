/**
 * Fuzz (fast-check, seeded, fixed runs): generated Rego modules and inputs give a value, undefined
 * or one of rego-eval's typed errors (`RegoCompileError`, `RegoEvalError`) — never a raw
 * `TypeError`, `RangeError` or other exception — and no evaluation runs past its deadline by more
 * than a small bound. Runaway policies stop with `eval_cancel_error` near their deadline.
 * `FUZZ_RUNS` sets the number of generated modules (1,500 by default).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, RegoCompileError, RegoEvalError, type PreparedPolicySet } from '../src/index.js';
import { generatedInput, generatedModule } from './support/module-arbs.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? '1500');
const DEADLINE_MS = 100;
/** How far past its deadline an evaluation may end (the deadline is polled every few thousand steps; the machine is shared). */
const SLACK_MS = 100;
const data = { base: { k1: [1, 'two', { three: 3 }], n: 18446744073709551616n.toString() } };

/**
 * Time an evaluation took, ms: the smaller of wall-clock and this process's CPU time, so that a
 * run starved by other processes on a shared machine is not mistaken for one that kept working.
 */
function timed(fn: () => void): number {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  fn();
  const cpu = process.cpuUsage(c0);
  return Math.min(performance.now() - t0, (cpu.user + cpu.system) / 1000);
}

interface Outcome {
  readonly kind: 'compile-error' | 'eval-error' | 'value' | 'undefined';
  readonly code?: string;
}

function untyped(err: unknown, stage: string, src: string): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  return new Error(`${stage} threw an untyped ${e.name}: ${e.message}\n--- module ---\n${src}\n--- stack ---\n${e.stack ?? ''}`);
}

function run(src: string, input: unknown, strict: boolean, late: string[]): Outcome {
  let prepared: PreparedPolicySet;
  try {
    prepared = compile([{ id: 'fuzz.rego', source: src, regoVersion: 'v1' }], { data });
  } catch (err) {
    if (err instanceof RegoCompileError) {
      expect(err.errors.length).toBeGreaterThan(0);
      for (const e of err.errors) expect(e.code).toMatch(/^rego_(parse|compile|unsafe_var|recursion|type)_error$/);
      return { kind: 'compile-error', code: err.code };
    }
    throw untyped(err, 'compile', src);
  }
  let outcome: Outcome | undefined;
  let over = Infinity;
  // A late finish is re-timed (best of 3): a GC pause or the shared machine is not a runaway.
  for (let attempt = 0; attempt < 3 && over > SLACK_MS; attempt++) {
    const ms = timed(() => {
      try {
        const v = prepared.evaluate('data.p', { input, deadline: performance.now() + DEADLINE_MS, strictBuiltinErrors: strict });
        outcome = v === undefined ? { kind: 'undefined' } : { kind: 'value' };
      } catch (err) {
        if (!(err instanceof RegoEvalError)) throw untyped(err, 'evaluate', src);
        outcome = { kind: 'eval-error', code: err.code };
      }
    });
    over = Math.min(over, ms - DEADLINE_MS);
  }
  if (over > SLACK_MS) late.push(`${over.toFixed(0)} ms past the deadline:\n${src}`);
  return outcome as Outcome;
}

describe('fuzzing compile and evaluate', () => {
  it(
    `generated modules and inputs give values or typed errors (${RUNS} runs, seed 11)`,
    () => {
      const counts = new Map<string, number>();
      const late: string[] = [];
      fc.assert(
        fc.property(generatedModule, generatedInput, fc.boolean(), (src, input, strict) => {
          const o = run(src, input, strict, late);
          const key = o.code ? `${o.kind}:${o.code}` : o.kind;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }),
        { numRuns: RUNS, seed: 11 },
      );
      console.log(`fuzz: ${RUNS} modules: ${JSON.stringify(Object.fromEntries([...counts].sort()))}`);
      expect(late).toEqual([]);
      // The grammar must reach evaluation, not only the compiler's error paths.
      expect((counts.get('value') ?? 0) + (counts.get('undefined') ?? 0)).toBeGreaterThan(RUNS / 20);
      expect([...counts.keys()].some((k) => k.startsWith('eval-error'))).toBe(true);
    },
    Math.max(300_000, RUNS * 200),
  ); // ~15 s alone; a loaded 2-core machine runs it several times slower

  const runaways: [string, string][] = [
    ['a huge comprehension over numbers.range', 'n := count([x | some x in numbers.range(1, 100000000)])'],
    [
      'nested iteration',
      'r := [1 | some a in numbers.range(1, 2000); some b in numbers.range(1, 2000); some c in numbers.range(1, 2000); a + b + c < 0]',
    ],
    ['every over a large product', 'ok if { every a in numbers.range(1, 5000) { every b in numbers.range(1, 5000) { a * b > 0 } } }'],
    ['a function called on every element of a large set', 'sq(x) := x * x\nt := sum({sq(x) | some x in numbers.range(1, 100000000)})'],
    ['string growth', 's := concat("", [sprintf("%d", [x]) | some x in numbers.range(1, 100000000)])'],
    [
      'walk over a generated tree',
      'w := count([p | walk([numbers.range(1, 3000), numbers.range(1, 3000), numbers.range(1, 3000)], [p, _]); some q in numbers.range(1, 3000)])',
    ],
  ];
  for (const [name, body] of runaways) {
    it(`stops a runaway policy (${name}) at its deadline`, () => {
      const p = compile([{ id: 'slow.rego', source: `package p\n${body}\n`, regoVersion: 'v1' }]);
      let best = Infinity;
      // Best of 3: the first run also pays for JIT warm-up, and the machine is shared.
      for (let attempt = 0; attempt < 3; attempt++) {
        let caught: unknown;
        const ms = timed(() => {
          try {
            p.evaluate('data.p', { deadline: performance.now() + DEADLINE_MS });
          } catch (err) {
            caught = err;
          }
        });
        best = Math.min(best, ms);
        expect(caught).toBeInstanceOf(RegoEvalError);
        expect((caught as RegoEvalError).code).toBe('eval_cancel_error');
      }
      expect(best).toBeLessThan(DEADLINE_MS + SLACK_MS);
    });
  }

  it('rejects recursion attempts with rego_recursion_error', () => {
    for (const src of ['a := b\nb := a', 'f(x) := f(x + 1)', 'a := count(data.p)', 's contains x if { some x in s }']) {
      const err = (() => {
        try {
          compile([{ id: 'r.rego', source: `package p\n${src}\n`, regoVersion: 'v1' }]);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, src).toBeInstanceOf(RegoCompileError);
      expect((err as RegoCompileError).code, src).toBe('rego_recursion_error');
    }
  });
});
