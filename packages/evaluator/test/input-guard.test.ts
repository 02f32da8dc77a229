import { describe, expect, it } from 'vitest';
import { checkJsonValue, createPolicyEngine, deepFreeze, frozenArrayWith, hasLoneSurrogate, isClientFault } from '@policy-engine/evaluator';
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

  it('reports the first problem in document order, an object checking its keys before its members', () => {
    expect(checkJsonValue([{ a: 'x\ud800' }, nested(5)], { maxDepth: 4 })).toMatchObject({ kind: 'lone-surrogate', path: 'input[0].a' });
    expect(checkJsonValue([nested(5), { a: 'x\ud800' }], { maxDepth: 4 })).toMatchObject({ kind: 'too-deep', path: 'input[0][0][0][0]' });
    expect(checkJsonValue({ a: 'x\ud800', 'k\udfff': 1 })).toMatchObject({ kind: 'lone-surrogate', path: 'input["k\\udfff"]' });
    expect(checkJsonValue({ 'a b': [0, { c: [1, 2, '\udc00'] }] })).toMatchObject({ path: 'input["a b"][1].c[2]' });
    expect(checkJsonValue('\ud800', { root: 'body' })).toMatchObject({ kind: 'lone-surrogate', path: 'body' });
    expect(checkJsonValue(nested(1), { maxDepth: 0 })).toMatchObject({ kind: 'too-deep', path: 'input' });
  });

  it('decides the same beyond the depth it proves clean by recursion (128 levels) and at a fractional maxDepth', () => {
    expect(checkJsonValue({ a: nested(1500) })).toBeUndefined();
    expect(checkJsonValue({ a: [nested(1500), 'x\ud800'] })).toMatchObject({ kind: 'lone-surrogate', path: 'input.a[1]' });
    expect(checkJsonValue(nested(300), { maxDepth: 299 })?.kind).toBe('too-deep');
    expect(checkJsonValue(nested(3), { maxDepth: 3.5 })).toBeUndefined();
    expect(checkJsonValue(nested(4), { maxDepth: 3.5 })).toMatchObject({ kind: 'too-deep', path: 'input[0][0][0]' });
  });

  it('checks own keys only: an inherited enumerable key does not make a clean input invalid', () => {
    const proto = { 'bad\ud800': 'x\udc00' };
    const child: Record<string, unknown> = Object.create(proto) as Record<string, unknown>;
    child['ok'] = 'fine';
    expect(checkJsonValue({ child })).toBeUndefined();
    child['also'] = 'x\ud800';
    expect(checkJsonValue({ child })).toMatchObject({ kind: 'lone-surrogate', path: 'input.child.also' });
  });

  it('finds lone surrogates exactly where a UTF-8 encoder fails', () => {
    const samples = ['', 'a', '\ud800', '\udc00', '\ud800\udc00', '\udc00\ud800', 'x\ud83d', '\ude00y', '\ud83d\ude00\ud83d', 'é😀'];
    for (const s of samples) expect(hasLoneSurrogate(s)).toBe(Buffer.from(s, 'utf8').toString('utf8') !== s);
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

describe('checkJsonValue on deep-frozen parts (checked once, then remembered)', () => {
  it('still refuses a shared frozen part that is clean at one depth but too deep at another', () => {
    const part = deepFreeze({ a: [[1]] }); // height 3
    expect(checkJsonValue({ x: part }, { maxDepth: 4 })).toBeUndefined();
    expect(checkJsonValue({ x: { y: part } }, { maxDepth: 4 })?.kind).toBe('too-deep');
    expect(checkJsonValue({ x: part }, { maxDepth: 4 })).toBeUndefined();
  });

  it('reports a lone surrogate inside a frozen part every time, with its path', () => {
    const part = deepFreeze({ list: ['ok', 'bad \uD800'] });
    for (let i = 0; i < 2; i++) expect(checkJsonValue({ p: part })?.path).toBe('input.p.list[1]');
    const key = deepFreeze({ ['k\uDC00']: 1 });
    expect(checkJsonValue([key])?.kind).toBe('lone-surrogate');
  });

  it('does not trust a frozen object whose value comes from a getter, nor an unfrozen part below a frozen one', () => {
    let value = 'fine';
    const withGetter = Object.freeze(
      Object.defineProperty({}, 'v', {
        get: () => value,
        enumerable: true,
      }),
    );
    expect(checkJsonValue({ g: withGetter })).toBeUndefined();
    value = 'bad \uD800';
    expect(checkJsonValue({ g: withGetter })?.kind).toBe('lone-surrogate');

    const inner = { s: 'fine' };
    const outer = Object.freeze({ inner });
    expect(checkJsonValue(outer)).toBeUndefined();
    inner.s = 'bad \uDBFF';
    expect(checkJsonValue(outer)?.path).toBe('input.inner.s');
  });

  it('reports a frozen cycle as too deep', () => {
    const a: Record<string, unknown> = {};
    a['self'] = a;
    Object.freeze(a);
    expect(checkJsonValue(a, { maxDepth: 50 })?.kind).toBe('too-deep');
  });

  it('deepFreeze freezes every container and returns its argument', () => {
    const doc = { a: [{ b: 1 }], c: { d: [] as unknown[] } };
    expect(deepFreeze(doc)).toBe(doc);
    expect([doc, doc.a, doc.a[0], doc.c, doc.c.d].every((o) => Object.isFrozen(o))).toBe(true);
  });
});

describe('frozenArrayWith (a frozen list where one element changes per input)', () => {
  it('returns a frozen copy with the element replaced or appended, leaving the base as it was', () => {
    const base = deepFreeze([{ n: 1 }, { n: 2 }]);
    const replaced = frozenArrayWith(base, 1, deepFreeze({ n: 20 }));
    const appended = frozenArrayWith(replaced, 2, deepFreeze({ n: 3 }));
    expect(replaced).toEqual([{ n: 1 }, { n: 20 }]);
    expect(appended).toEqual([{ n: 1 }, { n: 20 }, { n: 3 }]);
    expect(base).toEqual([{ n: 1 }, { n: 2 }]);
    expect([replaced, appended].every((a) => Object.isFrozen(a))).toBe(true);
    expect(replaced[0]).toBe(base[0]);
    expect(() => frozenArrayWith(base, 3, deepFreeze({ n: 4 }))).toThrow(RangeError);
    expect(() => frozenArrayWith(base, -1, deepFreeze({ n: 4 }))).toThrow(/outside 0\.\.2/);
  });

  it('reports a bad element put into a clean list, with its path', () => {
    const base = deepFreeze([{ s: 'a' }, { s: 'b' }]);
    expect(checkJsonValue({ list: base })).toBeUndefined();
    const bad = frozenArrayWith(base, 0, deepFreeze({ s: 'bad \uD800' }));
    expect(checkJsonValue({ list: bad })?.path).toBe('input.list[0].s');
    // An unfrozen element can change after the copy was made: it is checked each time.
    const live = { s: 'fine' };
    const withLive = frozenArrayWith(base, 1, live);
    expect(checkJsonValue({ list: withLive })).toBeUndefined();
    live.s = 'bad \uDC00';
    expect(checkJsonValue({ list: withLive })?.path).toBe('input.list[1].s');
  });

  it('keeps the depth limit exact when the new element is higher than the rest', () => {
    const base = deepFreeze([{}, {}]); // height 2
    expect(checkJsonValue({ list: base }, { maxDepth: 3 })).toBeUndefined();
    const higher = frozenArrayWith(base, 0, deepFreeze({ a: { b: {} } })); // height 4
    expect(checkJsonValue({ list: higher }, { maxDepth: 4 })?.path).toBe('input.list[0].a.b');
    expect(checkJsonValue({ list: higher }, { maxDepth: 5 })).toBeUndefined();
    // Back to a low element: an over-estimated height only means a walk, never a wrong verdict.
    const lower = frozenArrayWith(higher, 0, deepFreeze({}));
    expect(checkJsonValue({ list: lower }, { maxDepth: 3 })).toBeUndefined();
  });
});
