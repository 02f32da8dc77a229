import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromJSON, type Value } from '@policy-engine/rego-value';
import { calls, disagreements, ours } from './oracle.js';

const SCHEMA = `
"The root"
type Query {
  hero(episode: Episode = NEWHOPE): Character
  human(id: ID!): Human
  search(text: String, limit: Int = 10, filter: Filter): [SearchResult!]!
}
type Mutation { rate(id: ID!, stars: Int!): Int }
"""
  A character
  in the saga
"""
interface Character { id: ID! name: String friends: [Character] appearsIn: [Episode]! }
type Human implements Character { id: ID! name: String friends: [Character] appearsIn: [Episode]! height(unit: Unit = METER): Float }
type Droid implements Character { id: ID! name: String friends: [Character] appearsIn: [Episode]! primaryFunction: String @deprecated(reason: "no") }
union SearchResult = Human | Droid
enum Episode { NEWHOPE EMPIRE JEDI }
enum Unit { METER FOOT }
input Filter { kind: String!, tags: [String!] = ["a"] }
directive @cached(ttl: Int) repeatable on FIELD | QUERY
scalar Date @specifiedBy(url: "https://example.com")
extend type Query { today: Date }
`;

/** Documents the generated ones start from: every token kind, comments, escapes, block strings. */
const QUERIES = [
  '{hero {name}}',
  '# leading\nquery Q($ep: Episode = EMPIRE, $n: [Int!]! @d) @cached(ttl: 3) {\n  hero(episode: $ep) { # after\n    id, name\n    ... on Human { height(unit: FOOT) }\n    ...F\n  }\n}\nfragment F on Character { friends { name } }',
  'mutation { rate(id: "x\\u00e9\\n\\"", stars: -1) }',
  'subscription S { search(text: """ block\n   text """, filter: {kind: "k", tags: ["a", "b"]}) { __typename } }',
  '{ search(limit: 1.5e3, text: null) { ... { __typename } } today }',
  'query ($a: Int = 0, $b: Float = -0.25E+2, $c: Boolean = true) { human(id: 4) { name } }',
];

const SCHEMAS = [
  SCHEMA,
  'type A { b: String }',
  '# c1\nschema { query: Q } type Q { a(x: [Int!] = [1, 2]): Int }\nextend schema @x',
  'directive @d(a: Int) on FIELD_DEFINITION | ENUM_VALUE\nenum E { A @d(a: 1) B }\ninput I { a: Int = 1 }\nextend enum E { C }',
  '"""\n  multi\n  line\n"""\nscalar S\nextend scalar S @d\nunion U = | A | B',
];

/** Schemas each breaking one of gqlparser's schema rules (its words and locations differ from graphql-js's). */
const BAD_SCHEMAS = [
  'type Query { a: S }',
  'type Query { a: Int @x }',
  'type Query { a: Int } type Query { b: Int }',
  'type Query { a(x: I): Int } type I { a: Int }',
  'type Query implements I { a: Int } interface I { b: Int }',
  'union U = Query | Int type Query { a: Int }',
  'input I { a: Query } type Query { a(i: I): Int }',
  'type Query { a: Int a: Int }',
  'enum E { A A } type Query { a: E }',
  'schema { query: Nope } type Query { a: Int }',
  'type Query { __a: Int }',
  'directive @d on FIELD type Query { a: Int @d }',
  'type Query { a: Int } extend type Query { a: Int }',
  'scalar String type Query { a: Int }',
  'type Query { a(x: Int = "s"): Int }',
  'interface I { a: Int } type Query { a: I } type T implements I { b: Int }',
  'input A { b: B! } input B { a: A! } type Query { a(x: A): Int }',
  'type Query { a: Int } extend interface Query { b: Int }',
];

/** A document with a random edit: a cut, an inserted character, or a truncation. */
function mutated(base: readonly string[]): fc.Arbitrary<string> {
  const chars = fc.constantFrom(
    ...'{}()[]:=!$@|&."#\\, \n\tabxyz019-_eE\'\u00e9\u0001'.split(''),
    '...',
    '"""',
    'on',
    'fragment',
    'query',
    'extend',
  );
  return fc
    .tuple(fc.constantFrom(...base), fc.nat(), fc.nat({ max: 6 }), fc.oneof(chars, fc.constant('')), fc.boolean())
    .map(([doc, at, cut, insert, truncate]) => {
      const i = at % (doc.length + 1);
      return truncate ? doc.slice(0, i) : doc.slice(0, i) + insert + doc.slice(i + cut);
    });
}

/** Queries over SCHEMA built from valid and invalid parts: fields, arguments, variables, fragments. */
const selection: fc.Arbitrary<string> = fc.letrec<{ sel: string }>((tie) => ({
  sel: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('id', 'name', '__typename', 'nope', 'appearsIn', 'height(unit: FOOT)', 'height(unit: 1)', 'friends', 'primaryFunction'),
    fc
      .tuple(fc.constantFrom('friends', 'hero', 'name'), fc.array(tie('sel'), { minLength: 1, maxLength: 3 }))
      .map(([f, xs]) => `${f} { ${xs.join(' ')} }`),
    fc
      .tuple(fc.constantFrom('Human', 'Droid', 'Episode', 'Nope'), fc.array(tie('sel'), { minLength: 1, maxLength: 2 }))
      .map(([t, xs]) => `... on ${t} { ${xs.join(' ')} }`),
    fc.constantFrom('...F', '...G'),
  ),
})).sel;
const root = fc.tuple(
  fc.constantFrom(
    'hero',
    'hero(episode: $ep)',
    'hero(episode: JEDI)',
    'hero(episode: "x")',
    'human(id: $id)',
    'human',
    'human(id: 1, id: 2)',
    'hero(nope: 1)',
    'search(text: $s) { ... on Human { id } }',
    'today',
    'today { x }',
  ),
  fc.array(selection, { minLength: 0, maxLength: 3 }),
);
const query = fc
  .tuple(
    fc.constantFrom('query', 'query Q', 'mutation', 'subscription', ''),
    fc.constantFrom('', '($ep: Episode)', '($ep: Episode!, $id: ID!)', '($id: String)', '($s: String = 1)', '($x: Int)'),
    fc.array(root, { minLength: 1, maxLength: 2 }),
    fc.constantFrom(
      '',
      'fragment F on Character { id }',
      'fragment F on Human { ...F }',
      'fragment F on Nope { id }',
      'fragment G on Droid { id }',
    ),
  )
  .map(([op, vars, roots, frag]) => {
    const body = roots.map(([r, xs]) => (xs.length > 0 && !r.includes('{') ? `${r} { ${xs.join(' ')} }` : r)).join(' ');
    return `${op === '' ? '' : op + vars} { ${body} } ${frag}`;
  });

function call(name: string, ...args: Value[]): Value | string | undefined {
  const o = ours({ name, args });
  return o.kind === 'value' ? o.value : o.kind === 'error' ? o.message : undefined;
}

describe('graphql built-ins', () => {
  it('give gqlparser’s AST under Go field names, pruned as OPA prunes it (expectations from opa eval)', () => {
    // opa eval 'graphql.parse_query("{ a # c2\n b }")'
    expect(call('graphql.parse_query', '# hi\n{ a # c2\n b(x: $v) }')).toEqual(
      fromJSON({
        Operations: [
          {
            Description: '',
            Name: '',
            Operation: 'query',
            SelectionSet: [
              { Alias: 'a', Name: 'a' },
              {
                Alias: 'b',
                Comment: { List: [{ Value: '# c2' }] },
                Name: 'b',
                Arguments: [{ Name: 'x', Value: { ExpectedTypeHasDefault: false, Kind: 0, Raw: 'v' } }],
              },
            ],
          },
        ],
      }),
    );
    expect(call('graphql.parse_schema', 'type A { b: [Int!] }')).toEqual(
      fromJSON({
        Definitions: [
          {
            BuiltIn: false,
            Description: '',
            Fields: [{ Description: '', Name: 'b', Type: { Elem: { NamedType: 'Int', NonNull: true }, NamedType: '', NonNull: false } }],
            Kind: 'OBJECT',
            Name: 'A',
          },
        ],
      }),
    );
  });

  it('word errors as OPA does (gqlparser’s text, location, validation lists joined)', () => {
    expect(call('graphql.parse_query', '{')).toBe('graphql.parse_query: Expected Name, found <EOF> in GraphQL string at location 1:2');
    expect(call('graphql.parse_schema', 'type A {}')).toBe(
      'graphql.parse_schema: expected at least one definition, found } in GraphQL string at location 1:9',
    );
    expect(call('graphql.parse', '{a}', 'type X { a: Int }')).toBe(
      'graphql.parse: Schema does not support operation type "query"\n in GraphQL string at location 1:1',
    );
    expect(call('graphql.parse', '{a(x: 1)}', 'type Query { a(y: Int): Int }')).toBe(
      'graphql.parse: Unknown argument "x" on field "Query.a". Did you mean "y"?\n in GraphQL string at location 1:2',
    );
    expect(call('graphql.parse_query', 1)).toBe('graphql.parse_query: operand 1 must be string but got number');
    expect(call('graphql.is_valid', 1, SCHEMA)).toBe(false);
    expect(call('graphql.parse_and_verify', '{nope}', SCHEMA)).toEqual(fromJSON([false, {}, {}]));
  });

  it('agree with OPA on the documents and 400 generated edits of them (fast-check, seeded)', async () => {
    const queries = [...QUERIES, ...fc.sample(mutated(QUERIES), { seed: 12, numRuns: 200 })];
    const schemas = [...SCHEMAS, ...fc.sample(mutated(SCHEMAS), { seed: 13, numRuns: 200 })];
    const cases = [
      ...calls(
        'graphql.parse_query',
        queries.map((q): Value[] => [q]),
      ),
      ...calls(
        'graphql.parse_schema',
        schemas.map((s): Value[] => [s]),
      ),
      ...calls(
        'graphql.schema_is_valid',
        schemas.map((s): Value[] => [s]),
      ),
      ...calls(
        'graphql.parse',
        [...BAD_SCHEMAS, ...schemas].map((s): Value[] => ['{ __typename }', s]),
      ),
      ...calls(
        'graphql.is_valid',
        queries.map((q): Value[] => [q, SCHEMA]),
      ),
      ...calls(
        'graphql.parse_and_verify',
        QUERIES.map((q): Value[] => [q, SCHEMA]),
      ),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 300_000);

  it('read AST objects as Go reads them into gqlparser’s structs (against OPA)', async () => {
    const schemaAST = call('graphql.parse_schema', SCHEMA) as Value;
    const asts = QUERIES.map((q) => call('graphql.parse_query', q) as Value);
    const cases = [
      ...calls(
        'graphql.is_valid',
        asts.map((q): Value[] => [q, schemaAST]),
      ),
      ...calls(
        'graphql.parse',
        asts.map((q): Value[] => [q, schemaAST]),
      ),
      ...calls('graphql.schema_is_valid', [
        [schemaAST],
        [fromJSON({ definitions: [{ kind: 'OBJECT', name: 'Query', fields: [{ name: 'a', type: { namedType: 'Int' } }] }] })],
      ]),
      ...calls('graphql.parse', [
        [
          fromJSON({
            Operations: [{ Operation: 'query', SelectionSet: [{ Name: 'hero', Alias: 'hero', SelectionSet: [{ Name: 'id' }] }] }],
          }),
          SCHEMA,
        ],
        [fromJSON({ Operations: [{ Operation: 'query', SelectionSet: [{ Name: 5 }] }] }), SCHEMA],
        [fromJSON({ Operations: 'x' }), SCHEMA],
      ]),
    ];
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 120_000);

  // graphql.parse's error text is compared on the hand-written cases above only: gqlparser walks
  // a document post-order and stops at unknown fragments and types, so where a query has several
  // errors its list (joined into OPA's message) is ordered and counted differently from graphql-js's.
  it('validate 300 generated queries against a schema as OPA does (fast-check, seeded)', async () => {
    const queries = fc.sample(query, { seed: 14, numRuns: 300 });
    const cases = calls(
      'graphql.is_valid',
      queries.map((q): Value[] => [q, SCHEMA]),
    );
    expect((await disagreements(cases)).join('\n')).toBe('');
  }, 300_000);
});
