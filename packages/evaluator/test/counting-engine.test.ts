import { describe, expect, it } from 'vitest';
import { createPolicyEngine, type Engine, type EngineResult } from '../src/index.js';
import { countingEngine } from '../src/testing.js';

describe('countingEngine', () => {
  it('counts evaluate calls per package and forwards everything', async () => {
    const calls: string[] = [];
    const inner: Engine = {
      name: 'inner',
      load: () => Promise.resolve(void calls.push('load')),
      evaluate: (pkg): Promise<EngineResult> => {
        calls.push(`evaluate ${pkg}`);
        return Promise.resolve({ defined: true, value: { deny: [] } });
      },
      close: () => Promise.resolve(void calls.push('close')),
    };
    const engine = countingEngine(inner);
    const pe = await createPolicyEngine({
      engine,
      policies: { kind: 'inline', modules: [{ id: 'a.rego', source: 'package a\n\ndeny contains "x" if false\n' }] },
    });
    await pe.evaluate('a', {});
    await pe.evaluate('a', {});
    const missing = await pe.evaluate('b', {});
    await pe.close();
    expect(engine.name).toBe('inner');
    expect(missing.policyFound).toBe(false);
    expect([...engine.counts]).toEqual([['a', 2]]);
    expect(engine.total()).toBe(2);
    expect(calls).toEqual(['load', 'evaluate a', 'evaluate a', 'close']);
    engine.reset();
    expect(engine.total()).toBe(0);
  });
});
