/**
 * fast-check arbitraries for fuzzing the compiler and evaluator: small Rego v1 modules from a
 * grammar of rules (complete, default, partial set and object, functions, else chains), bodies
 * (assignments, comparisons, `some … in`, `every`, `not`, `with`), comprehensions, references
 * between rules (so recursion is attempted), and built-in calls with arguments of any type.
 */
import fc from 'fast-check';

const ruleNames = ['a', 'b', 'c', 's', 'o'] as const;
const funcNames = ['f', 'g'] as const;
const vars = ['x', 'y', 'z', 'k', 'v'] as const;

/** Built-ins with their arities; called with arguments of any type. */
const builtins: readonly [string, number][] = [
  ['count', 1],
  ['sum', 1],
  ['max', 1],
  ['min', 1],
  ['sort', 1],
  ['concat', 2],
  ['sprintf', 2],
  ['split', 2],
  ['upper', 1],
  ['trim_space', 1],
  ['startswith', 2],
  ['endswith', 2],
  ['contains', 2],
  ['substring', 3],
  ['indexof', 2],
  ['to_number', 1],
  ['format_int', 2],
  ['abs', 1],
  ['round', 1],
  ['floor', 1],
  ['numbers.range', 2],
  ['object.get', 3],
  ['object.keys', 1],
  ['object.union', 2],
  ['object.remove', 2],
  ['array.concat', 2],
  ['array.slice', 3],
  ['json.marshal', 1],
  ['json.unmarshal', 1],
  ['json.filter', 2],
  ['json.patch', 2],
  ['base64.decode', 1],
  ['hex.decode', 1],
  ['union', 1],
  ['intersection', 1],
  ['bits.and', 2],
  ['bits.lsh', 2],
  ['is_number', 1],
  ['type_name', 1],
  ['walk', 1],
  ['units.parse_bytes', 1],
  ['strings.replace_n', 2],
  ['regex.match', 2],
  ['time.now_ns', 0],
  ['no_such_builtin', 1],
];

const scalar = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '2.5',
    '1e400',
    '18446744073709551616',
    '3.50',
    'true',
    'false',
    'null',
    '""',
    '"a"',
    '"1"',
    '"%v %d"',
    '"a,b"',
    '"\\u00e9"',
  ),
  fc.integer({ min: -5, max: 20 }).map(String),
);

interface Ctx {
  /** Variables a literal may use (bound earlier in the body or function arguments). */
  readonly bound: readonly string[];
}

const term = (depth: number, ctx: Ctx): fc.Arbitrary<string> => {
  const leaves: fc.Arbitrary<string>[] = [
    scalar,
    // Fixed rules (ba, bs, bo, bf, bg) always exist; the generated ones (a, b, c, s, o, f, g) may not, or may recurse.
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'input',
          'input.a',
          'input.b[0]',
          'input.xs',
          'data.base',
          'ba',
          'bs',
          'bo',
          'bo.k1',
          'data.p.ba',
          'data.p.bo["k1"]',
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('data.p.a', 'data.p.s', 'data.p.o', 'data.p', 'data.p.o.k1', 'a', 'b', 's', 'o["k"]') },
    ),
  ];
  // A variable: bound ones; rarely an unbound one, so the safety check speaks too.
  if (ctx.bound.length > 0) leaves.push(fc.constantFrom(...ctx.bound));
  const vars_ = fc.oneof({ weight: 400, arbitrary: fc.oneof(...leaves) }, { weight: 1, arbitrary: fc.constant('w') });
  if (depth <= 0) return vars_;
  const sub = term(depth - 1, ctx);
  const inner = { bound: [...ctx.bound, 'q'] };
  return fc.oneof(
    { weight: 6, arbitrary: vars_ },
    { weight: 1, arbitrary: fc.array(sub, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`) },
    { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((xs) => `{${xs.join(', ')}}`) },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(sub, sub), { maxLength: 3 }).map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...builtins), fc.array(sub, { minLength: 3, maxLength: 3 }))
        .map(([[name, n], args]) => `${name}(${args.slice(0, n).join(', ')})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...funcNames), sub, sub, fc.boolean())
        .map(([f, x, y, two]) => (two ? `${f}(${x}, ${y})` : `${f}(${x})`)),
    },
    { weight: 1, arbitrary: fc.tuple(sub, sub, fc.boolean()).map(([x, y, two]) => (two ? `bg(${x}, ${y})` : `bf(${x})`)) },
    {
      weight: 1,
      arbitrary: fc.tuple(sub, fc.constantFrom('+', '-', '*', '/', '%', '|', '&'), sub).map(([l, op, r]) => `(${l} ${op} ${r})`),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('input', 'input.a', 'data.p', 'data.base', 'o', ...ctx.bound), sub).map(([x, y]) => `${x}[${y}]`),
    },
    { weight: 1, arbitrary: fc.tuple(sub, term(depth - 1, inner)).map(([coll, e]) => `[${e} | some q in ${coll}]`) },
    { weight: 1, arbitrary: fc.tuple(sub, term(depth - 1, inner)).map(([coll, e]) => `{${e} | some q in ${coll}}`) },
    { weight: 1, arbitrary: fc.tuple(sub, term(depth - 1, inner)).map(([coll, e]) => `{q: ${e} | some q in ${coll}}`) },
  );
};

const literal = (depth: number, ctx: Ctx): fc.Arbitrary<{ text: string; binds: string[] }> => {
  const t = term(depth, ctx);
  const fresh = fc.constantFrom(...vars);
  const plain = (a: fc.Arbitrary<string>) => a.map((text) => ({ text, binds: [] as string[] }));
  const options: fc.Arbitrary<{ text: string; binds: string[] }>[] = [
    fc.tuple(fresh, t).map(([v, e]) => ({ text: `${v} := ${e}`, binds: [v] })),
    fc.tuple(fresh, t).map(([v, e]) => ({ text: `${v} = ${e}`, binds: [v] })),
    plain(fc.tuple(t, fc.constantFrom('==', '!=', '<', '>=', '='), t).map(([l, op, r]) => `${l} ${op} ${r}`)),
    plain(t),
    fc.tuple(fresh, t).map(([v, coll]) => ({ text: `some ${v} in ${coll}`, binds: [v] })),
    fc.tuple(t).map(([coll]) => ({ text: `some k, v in ${coll}`, binds: ['k', 'v'] })),
    plain(fc.tuple(t, term(depth, { bound: [...ctx.bound, 'e'] })).map(([coll, cond]) => `every e in ${coll} { ${cond} }`)),
    plain(t.map((e) => `not ${e}`)),
    plain(
      fc
        .tuple(t, fc.constantFrom('input', 'input.a', 'data.p.a', 'data.base', 'count', 'f', 'upper', 'data.p.f'), t)
        .map(([e, target, v]) => `${e} with ${target} as ${v}`),
    ),
  ];
  return fc.oneof(...options);
};

const bodyWith = (depth: number, args: readonly string[]): fc.Arbitrary<{ text: string; bound: string[] }> =>
  fc.array(fc.nat(), { minLength: 1, maxLength: 4 }).chain((seeds) => {
    // Each literal sees the variables bound by the ones before it.
    let acc: fc.Arbitrary<{ lits: string[]; bound: string[] }> = fc.constant({ lits: [], bound: [...args] });
    for (let i = 0; i < seeds.length; i++) {
      acc = acc.chain(({ lits, bound }) =>
        literal(depth, { bound }).map((l) => ({ lits: [...lits, l.text], bound: [...bound, ...l.binds] })),
      );
    }
    return acc.map(({ lits, bound }) => ({ text: lits.join('\n\t'), bound }));
  });
const body = (depth: number, args: readonly string[]): fc.Arbitrary<string> => bodyWith(depth, args).map((b) => b.text);
/** A rule whose head may use the variables its body binds. */
const headed = (depth: number, args: readonly string[], make: (head: string, b: string) => string): fc.Arbitrary<string> =>
  bodyWith(depth, args).chain((b) => term(1, { bound: b.bound }).map((h) => make(h, b.text)));

const rule: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ruleNames).chain((n) => headed(2, [], (v, b) => `${n} := ${v} if {\n\t${b}\n}`)),
  fc.tuple(fc.constantFrom(...ruleNames), body(2, [])).map(([n, b]) => `${n} if {\n\t${b}\n}`),
  fc.tuple(fc.constantFrom(...ruleNames), scalar).map(([n, v]) => `default ${n} := ${v}`),
  fc.constantFrom(...ruleNames).chain((n) => headed(2, [], (v, b) => `${n} contains ${v} if {\n\t${b}\n}`)),
  fc
    .tuple(fc.constantFrom(...ruleNames), term(1, { bound: [] }), term(1, { bound: [] }), body(2, []))
    .map(([n, k, v, b]) => `${n}[${k}] := ${v} if {\n\t${b}\n}`),
  fc.constantFrom(...funcNames).chain((n) => headed(2, ['x'], (v, b) => `${n}(x) := ${v} if {\n\t${b}\n}`)),
  fc
    .tuple(fc.constantFrom(...funcNames), term(2, { bound: ['x', 'y'] }), body(1, ['x', 'y']))
    .map(([n, v, b]) => `${n}(x, y) := ${v} if {\n\t${b}\n}`),
  fc
    .tuple(fc.constantFrom(...ruleNames), term(1, { bound: [] }), body(1, []), term(1, { bound: [] }), body(1, []))
    .map(([n, v1, b1, v2, b2]) => `${n} := ${v1} if {\n\t${b1}\n} else := ${v2} if {\n\t${b2}\n}`),
  fc.tuple(fc.constantFrom(...ruleNames), term(2, { bound: [] })).map(([n, v]) => `${n} := ${v}`),
);

/** A Rego v1 module in `package p`: a few fixed rules and functions, then 1–6 generated rules. */
const fixedRules = [
  'ba := input.a',
  'bs contains x if some x in input.xs',
  'bo[k] := v if some k, v in data.base',
  'bf(x) := [x]',
  'bg(x, y) := x if x == y',
  'bg(x, y) := y if x != y',
].join('\n');
/** Generated modules (see fixedRules). */
export const generatedModule: fc.Arbitrary<string> = fc
  .array(rule, { minLength: 1, maxLength: 6 })
  .map((rules) => `package p\n\n${fixedRules}\n\n${rules.join('\n\n')}\n`);

/** An input document for the generated modules. */
export const generatedInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      a: fc.jsonValue({ maxDepth: 2 }),
      b: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), { maxLength: 3 }),
      xs: fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 4 }),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
