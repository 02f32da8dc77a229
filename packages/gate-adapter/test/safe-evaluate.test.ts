// safeEvaluate's own bound: a decision source that does not stop by itself (no facade timeout) is
// aborted after `timeoutSeconds` with a TimeoutError reason, and the caller's signal reaches it too.
import { describe, expect, it } from 'vitest';
import type { Decision } from '@policy-engine/evaluator';
import { resolveGateConfig, safeEvaluate, type DecisionSource } from '@policy-engine/gate-adapter';

/** A source that answers only when its signal aborts: it rejects with the abort reason. */
function hangingSource(seen: unknown[]): DecisionSource {
  return {
    evaluate: (_pkg, _input, options) =>
      new Promise<Decision>((_, reject) => {
        options?.signal?.addEventListener('abort', () => {
          seen.push(options.signal?.reason);
          reject(new Error(`aborted: ${String((options.signal?.reason as Error | undefined)?.name)}`));
        });
      }),
  };
}

describe('safeEvaluate', () => {
  it('aborts a source that hangs after timeoutSeconds, with a TimeoutError reason', async () => {
    const seen: unknown[] = [];
    const started = performance.now();
    const d = await safeEvaluate(hangingSource(seen), 'p', {}, resolveGateConfig({ timeoutSeconds: 0.05 }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(d).toMatchObject({
      allowed: false,
      policyFound: false,
      error: { code: 'ENGINE_UNAVAILABLE', message: 'aborted: TimeoutError' },
    });
    expect((seen[0] as DOMException).name).toBe('TimeoutError');
  });

  it("forwards the caller's abort (already aborted or later) with its reason", async () => {
    const config = resolveGateConfig({ timeoutSeconds: 60 });
    const seen: unknown[] = [];
    const late = new AbortController();
    const pending = safeEvaluate(hangingSource(seen), 'p', {}, config, late.signal);
    late.abort(new Error('client went away'));
    expect((await pending).error?.message).toBe('aborted: Error');
    // An already aborted signal: the source's own signal is aborted before it is called.
    const early = new AbortController();
    early.abort(new Error('gone'));
    const source: DecisionSource = {
      evaluate: (_p, _i, options) => Promise.reject(new Error(`signal aborted: ${String(options?.signal?.aborted)}`)),
    };
    expect((await safeEvaluate(source, 'p', {}, config, early.signal)).error?.message).toBe('signal aborted: true');
    expect((seen[0] as Error).message).toBe('client went away');
  });
});
