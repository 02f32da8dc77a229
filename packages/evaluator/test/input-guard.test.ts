import { describe, expect, it } from 'vitest';
import { checkJsonValue, createPolicyEngine, hasLoneSurrogate, isClientFault } from '@policy-engine/evaluator';
import { defined, inlinePackages, scriptedEngine } from '@policy-engine/evaluator/testing';

/** `[[[…]]]` nested `depth` levels, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

describe('checkJsonValue', () => {
  it('accepts ordinary documents, paired surrogates and exactly maxDepth levels', () => {
    expect(checkJsonValue({ a: [1, 'x', null, { b: true }], '😀': '😀' })).toBeUndefined();
    expect(checkJsonValue(nested(10), { maxDepth: 10 })).toBeUndefined();
    expect(checkJsonValue('plain')).toBeUndefined();
  });

  it('refuses one level more, and 100,000 levels without overflowing the stack', () => {
    expect(checkJsonValue(nested(11), { maxDepth: 10 })).toMatchObject({ kind: 'too-deep', path: 'input[0][0][0][0][0][0][0][0][0][0]' });
    const deep = checkJsonValue({ body: nested(100_000) });
    expect(deep?.kind).toBe('too-deep');
    expect(deep?.message).toMatch(/nested deeper than 2000 levels$/);
  });

  it('reports a cycle as too deep instead of looping', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(checkJsonValue(cyclic, { maxDepth: 50 })?.kind).toBe('too-deep');
  });

  it('finds lone surrogates in strings and in keys, with the path', () => {
    expect(checkJsonValue({ a: { b: ['ok', 'x\ud800'] } })).toMatchObject({ kind: 'lone-surrogate', path: 'input.a.b[1]' });
    expect(checkJsonValue({ a: { '\udc00k': 1 } }, { root: 'body' })).toMatchObject({ kind: 'lone-surrogate', path: 'body.a["\\udc00k"]' });
    expect(hasLoneSurrogate('\ud83d\ude00')).toBe(false);
    expect(hasLoneSurrogate('\ude00\ud83d')).toBe(true);
  });

  it('classifies INVALID_INPUT as the client fault, engine codes not', () => {
    expect(isClientFault('INVALID_INPUT')).toBe(true);
    expect(isClientFault('ENGINE_UNAVAILABLE')).toBe(false);
    expect(isClientFault(undefined)).toBe(false);
  });
});

describe('the facade refuses hostile inputs before the engine', () => {
  async function evaluate(input: unknown, options = {}) {
    const engine = scriptedEngine(() => defined({ deny: [] }));
    const pe = await createPolicyEngine({ engine, policies: inlinePackages('custom.pkg'), options });
    const decision = await pe.evaluate('custom.pkg', input);
    await pe.close();
    return { decision, calls: engine.calls.length };
  }

  it('denies too-deep and lone-surrogate inputs with INVALID_INPUT, even with failOpen, without calling the engine', async () => {
    for (const input of [{ deep: nested(100_000) }, { s: '\ud800' }]) {
      const { decision, calls } = await evaluate(input, { failOpen: true });
      expect(decision).toMatchObject({ allowed: false, policyFound: true, error: { code: 'INVALID_INPUT' } });
      expect(calls).toBe(0);
    }
  });

  it('honours maxInputDepth and checks it', async () => {
    expect((await evaluate({ d: nested(5) }, { maxInputDepth: 5 })).decision.error?.message).toContain(
      'input.d[0][0][0][0]: nested deeper than 5 levels',
    );
    expect((await evaluate({ d: nested(4) }, { maxInputDepth: 5 })).decision).toMatchObject({ allowed: true });
    await expect(
      createPolicyEngine({ engine: scriptedEngine(() => defined({})), policies: inlinePackages('p'), options: { maxInputDepth: 0 } }),
    ).rejects.toThrow(/maxInputDepth must be a positive integer/);
  });
});
