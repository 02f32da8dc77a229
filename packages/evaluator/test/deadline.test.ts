// The facade's one timeout reaches every engine call as EngineEvaluateOptions.deadline.
import { describe, expect, it } from 'vitest';
import { createPolicyEngine, type Engine, type EngineEvaluateOptions } from '../src/index.js';
import { deadlineExceeded } from '../src/engine-kit.js';

const quiet = { warn: () => undefined, error: () => undefined };

describe('the deadline of an evaluation', () => {
  it('is performance.now() + timeoutMs at the decision, on every engine call of it', async () => {
    const seen: EngineEvaluateOptions[] = [];
    const engine: Engine = {
      name: 'recording',
      load: () => Promise.resolve(),
      evaluate: (_pkg, _input, options) => {
        seen.push(options ?? {});
        return Promise.resolve({ defined: true, value: { allow: true } });
      },
      close: () => Promise.resolve(),
    };
    const pe = await createPolicyEngine({
      engine,
      policies: { kind: 'inline', modules: [{ id: 'a.rego', source: 'package a\n\nimport rego.v1\n\nallow := true\n' }] },
      options: { timeoutMs: 1234, logger: quiet },
    });
    const before = performance.now();
    await pe.evaluate('a', {});
    const after = performance.now();
    await pe.close();
    expect(seen).toHaveLength(1);
    const deadline = seen[0]?.deadline ?? Number.NaN;
    expect(deadline).toBeGreaterThanOrEqual(before + 1234);
    expect(deadline).toBeLessThanOrEqual(after + 1234);
    expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
  });

  it('an engine stopping at it gives a Decision with EVALUATION_TIMEOUT and the facade’s timeout', async () => {
    const engine: Engine = {
      name: 'stopping',
      load: () => Promise.resolve(),
      evaluate: (_pkg, _input, options) =>
        new Promise((_, reject) => {
          const deadline = options?.deadline ?? performance.now();
          setTimeout(() => reject(deadlineExceeded(deadline, performance.now())), Math.max(0, deadline - performance.now()));
        }),
      close: () => Promise.resolve(),
    };
    const pe = await createPolicyEngine({
      engine,
      policies: { kind: 'inline', modules: [{ id: 'a.rego', source: 'package a\n' }] },
      options: { timeoutMs: 50, logger: quiet },
    });
    const d = await pe.evaluate('a', {});
    await pe.close();
    expect(d).toMatchObject({ allowed: false, error: { code: 'EVALUATION_TIMEOUT' } });
  });
});
