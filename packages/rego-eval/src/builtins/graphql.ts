/**
 * OPA's `graphql.*` built-ins (`topdown/graphql.go`): `graphql.parse_query`, `parse_schema`,
 * `parse`, `parse_and_verify`, `is_valid` and `schema_is_valid`.
 *
 * Documents are parsed by `gqlparser.ts` (a port of gqlparser's parser: its AST under Go's
 * struct field names, its error texts) and pruned as OPA prunes them (no `Position`, no null or
 * empty values). An AST object given instead of a string is read as Go's `encoding/json` reads
 * it into gqlparser's structs (field names matched case-insensitively, unknown keys ignored,
 * every selection read as a field first). Schemas are checked and queries validated by
 * graphql-js (`buildASTSchema`, `validateSchema`, `validate` with its specified rules, which
 * gqlparser's `validator/rules` port), after gqlparser's own schema merging: extensions of
 * undeclared types declare them, no `Query` root is required, prelude types cannot be
 * redeclared. Errors read `<message> in GraphQL string at location <line>:<col>` as OPA's.
 */
import {
  GraphQLError,
  GraphQLSchema,
  Kind,
  KnownDirectivesRule,
  KnownTypeNamesRule,
  UniqueArgumentDefinitionNamesRule,
  UniqueArgumentNamesRule,
  UniqueDirectiveNamesRule,
  UniqueDirectivesPerLocationRule,
  UniqueEnumValueNamesRule,
  UniqueFieldDefinitionNamesRule,
  UniqueInputFieldNamesRule,
  UniqueOperationTypesRule,
  buildASTSchema,
  specifiedRules,
  validate,
  validateSchema,
  type ASTVisitor,
  type ConstValueNode,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type NamedTypeNode,
  type SelectionNode,
  type TypeNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { RObject, fromJSON, toJSON, type Value } from '@policy-engine/rego-value';
import { GqlError, parseQueryDocument, parseSchemaDocument, ValueKind, type GoJSON, type GoObject } from './gqlparser.js';
import { BuiltinError, type BuiltinDef } from './registry.js';
import { typeErrorOf } from './util.js';

// ---- pruning (pruneIrrelevantGraphQLASTNodes) ----

function isEmpty(v: GoJSON): boolean {
  return (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

/** OPA's pruning: drops `Position` keys, nulls, and arrays/objects that are empty once pruned. */
function prune(v: GoJSON): GoJSON {
  if (Array.isArray(v)) {
    const out: GoJSON[] = [];
    for (const x of v) {
      if (x === null) continue;
      const p = prune(x);
      if (typeof x === 'object' && isEmpty(p)) continue;
      out.push(p);
    }
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const out: GoObject = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Position' || x === null) continue;
      const p = prune(x);
      if (typeof x === 'object' && isEmpty(p)) continue;
      out[k] = p;
    }
    return out;
  }
  return v;
}

// ---- Go's encoding/json into gqlparser's structs ----

/** A Go field type. */
type GoType = 'string' | 'bool' | 'int' | 'ignore' | { ptr: string } | { slice: GoType } | { selections: true };

const S: GoType = 'string';
const B: GoType = 'bool';
const ptr = (name: string): GoType => ({ ptr: name });
const slice = (t: GoType): GoType => ({ slice: t });
const SELECTIONS: GoType = { selections: true };

/** gqlparser's AST structs (the marshalled fields; `Position` is `json:"-"` except in custom decoders). */
const STRUCTS: Record<string, Record<string, GoType>> = {
  QueryDocument: {
    Operations: slice(ptr('OperationDefinition')),
    Fragments: slice(ptr('FragmentDefinition')),
    Comment: ptr('CommentGroup'),
  },
  SchemaDocument: {
    Schema: slice(ptr('SchemaDefinition')),
    SchemaExtension: slice(ptr('SchemaDefinition')),
    Directives: slice(ptr('DirectiveDefinition')),
    DirectiveExtensions: slice(ptr('DirectiveDefinition')),
    Definitions: slice(ptr('Definition')),
    Extensions: slice(ptr('Definition')),
    Comment: ptr('CommentGroup'),
  },
  CommentGroup: { List: slice(ptr('Comment')) },
  Comment: { Value: S, Position: 'ignore' },
  OperationDefinition: {
    Description: S,
    Operation: S,
    Name: S,
    VariableDefinitions: slice(ptr('VariableDefinition')),
    Directives: slice(ptr('Directive')),
    SelectionSet: SELECTIONS,
    Comment: ptr('CommentGroup'),
  },
  VariableDefinition: {
    Description: S,
    Variable: S,
    Type: ptr('Type'),
    DefaultValue: ptr('Value'),
    Directives: slice(ptr('Directive')),
    Comment: ptr('CommentGroup'),
    Definition: ptr('Definition'),
    Used: B,
  },
  Type: { NamedType: S, Elem: ptr('Type'), NonNull: B },
  Value: {
    Raw: S,
    Children: slice(ptr('ChildValue')),
    Kind: 'int',
    Comment: ptr('CommentGroup'),
    Definition: ptr('Definition'),
    VariableDefinition: ptr('VariableDefinition'),
    ExpectedType: ptr('Type'),
    ExpectedTypeHasDefault: B,
  },
  ChildValue: { Name: S, Value: ptr('Value'), Comment: ptr('CommentGroup') },
  Field: {
    Alias: S,
    Name: S,
    Arguments: slice(ptr('Argument')),
    Directives: slice(ptr('Directive')),
    SelectionSet: SELECTIONS,
    Comment: ptr('CommentGroup'),
    Definition: ptr('FieldDefinition'),
    ObjectDefinition: ptr('Definition'),
  },
  Argument: { Name: S, Value: ptr('Value'), Comment: ptr('CommentGroup') },
  Directive: {
    Name: S,
    Arguments: slice(ptr('Argument')),
    ParentDefinition: ptr('Definition'),
    Definition: ptr('DirectiveDefinition'),
    Location: S,
  },
  FragmentSpread: {
    Name: S,
    Directives: slice(ptr('Directive')),
    ObjectDefinition: ptr('Definition'),
    Definition: ptr('FragmentDefinition'),
    Comment: ptr('CommentGroup'),
  },
  InlineFragment: {
    TypeCondition: S,
    Directives: slice(ptr('Directive')),
    SelectionSet: SELECTIONS,
    ObjectDefinition: ptr('Definition'),
    Comment: ptr('CommentGroup'),
  },
  FragmentDefinition: {
    Description: S,
    Name: S,
    VariableDefinition: slice(ptr('VariableDefinition')),
    TypeCondition: S,
    Directives: slice(ptr('Directive')),
    SelectionSet: SELECTIONS,
    Definition: ptr('Definition'),
    Comment: ptr('CommentGroup'),
  },
  SchemaDefinition: {
    Description: S,
    Directives: slice(ptr('Directive')),
    OperationTypes: slice(ptr('OperationTypeDefinition')),
    BeforeDescriptionComment: ptr('CommentGroup'),
    AfterDescriptionComment: ptr('CommentGroup'),
    EndOfDefinitionComment: ptr('CommentGroup'),
  },
  OperationTypeDefinition: { Operation: S, Type: S, Comment: ptr('CommentGroup') },
  Definition: {
    Kind: S,
    Description: S,
    Name: S,
    Directives: slice(ptr('Directive')),
    Interfaces: slice(S),
    Fields: slice(ptr('FieldDefinition')),
    Types: slice(S),
    EnumValues: slice(ptr('EnumValueDefinition')),
    BuiltIn: B,
    BeforeDescriptionComment: ptr('CommentGroup'),
    AfterDescriptionComment: ptr('CommentGroup'),
    EndOfDefinitionComment: ptr('CommentGroup'),
  },
  FieldDefinition: {
    Description: S,
    Name: S,
    Arguments: slice(ptr('ArgumentDefinition')),
    DefaultValue: ptr('Value'),
    Type: ptr('Type'),
    Directives: slice(ptr('Directive')),
    BeforeDescriptionComment: ptr('CommentGroup'),
    AfterDescriptionComment: ptr('CommentGroup'),
  },
  ArgumentDefinition: {
    Description: S,
    Name: S,
    DefaultValue: ptr('Value'),
    Type: ptr('Type'),
    Directives: slice(ptr('Directive')),
    BeforeDescriptionComment: ptr('CommentGroup'),
    AfterDescriptionComment: ptr('CommentGroup'),
  },
  EnumValueDefinition: {
    Description: S,
    Name: S,
    Directives: slice(ptr('Directive')),
    BeforeDescriptionComment: ptr('CommentGroup'),
    AfterDescriptionComment: ptr('CommentGroup'),
  },
  DirectiveDefinition: {
    Description: S,
    Name: S,
    Arguments: slice(ptr('ArgumentDefinition')),
    Directives: slice(ptr('Directive')),
    Locations: slice(S),
    IsRepeatable: B,
    BeforeDescriptionComment: ptr('CommentGroup'),
    AfterDescriptionComment: ptr('CommentGroup'),
  },
};

/** Types whose custom `UnmarshalJSON` matches keys exactly and reads only some of them. */
const CUSTOM_KEYS: Record<string, readonly string[]> = {
  OperationDefinition: ['Operation', 'Name', 'VariableDefinitions', 'Directives', 'SelectionSet'],
  Field: ['Alias', 'Name', 'Arguments', 'Directives', 'SelectionSet', 'Definition', 'ObjectDefinition'],
  InlineFragment: ['TypeCondition', 'Directives', 'SelectionSet', 'ObjectDefinition'],
  FragmentDefinition: ['Name', 'VariableDefinition', 'TypeCondition', 'Directives', 'SelectionSet', 'Definition'],
};

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

class DecodeError extends Error {}

function zero(t: GoType): GoJSON {
  return t === 'string' ? '' : t === 'bool' ? false : t === 'int' ? 0 : null;
}

function decode(t: GoType, v: unknown, where: string): GoJSON {
  const mismatch = (): never => {
    throw new DecodeError(`json: cannot unmarshal ${jsonType(v)} into Go ${where}`);
  };
  if (t === 'ignore') return null;
  if (v === null) return zero(t);
  if (t === 'string') return typeof v === 'string' ? v : mismatch();
  if (t === 'bool') return typeof v === 'boolean' ? v : mismatch();
  if (t === 'int') return typeof v === 'number' && Number.isInteger(v) ? v : mismatch();
  if ('slice' in t) return Array.isArray(v) ? v.map((x) => decode(t.slice, x, where)) : mismatch();
  if ('selections' in t) {
    if (!Array.isArray(v)) return mismatch();
    const out: GoJSON[] = [];
    for (const item of v) {
      for (const name of ['Field', 'FragmentSpread', 'InlineFragment']) {
        try {
          out.push(decodeStruct(name, item));
          break;
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }
    }
    return out;
  }
  return decodeStruct(t.ptr, v);
}

/** Go's name of a field's type, as `encoding/json` prints it in a type error. */
function goTypeName(struct: string, field: string, t: GoType): string {
  const special: Record<string, string> = {
    Operation: 'ast.Operation',
    'Definition.Kind': 'ast.DefinitionKind',
    'Directive.Location': 'ast.DirectiveLocation',
    'Value.Kind': 'ast.ValueKind',
    SelectionSet: 'ast.SelectionSet',
    Interfaces: '[]string',
    Types: '[]string',
    Locations: '[]ast.DirectiveLocation',
    'CommentGroup.List': '[]*ast.Comment',
    'SchemaDocument.Directives': 'ast.DirectiveDefinitionList',
    'SchemaDocument.DirectiveExtensions': 'ast.DirectiveDefinitionList',
    Fields: 'ast.FieldList',
    EnumValues: 'ast.EnumValueList',
    Children: 'ast.ChildValueList',
    Operations: 'ast.OperationList',
  };
  const named = special[`${struct}.${field}`] ?? special[field];
  if (named !== undefined) return named;
  if (typeof t === 'string') return t === 'int' ? 'int' : t;
  if ('ptr' in t) return `ast.${t.ptr}`;
  if ('slice' in t && typeof t.slice === 'object' && 'ptr' in t.slice) return `ast.${t.slice.ptr}List`;
  return 'ast.SelectionSet';
}

function decodeStruct(name: string, v: unknown): GoObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new DecodeError(`json: cannot unmarshal ${jsonType(v)} into Go value of type ast.${name}`);
  const fields = STRUCTS[name] as Record<string, GoType>;
  const out: GoObject = {};
  for (const [k, t] of Object.entries(fields)) if (t !== 'ignore') out[k] = zero(t);
  const custom = CUSTOM_KEYS[name];
  const entries = Object.entries(v as Record<string, unknown>);
  for (const [key, x] of entries) {
    let field: string | undefined;
    if (custom !== undefined) field = custom.includes(key) ? key : undefined;
    else field = key in fields ? key : Object.keys(fields).find((f) => f.toLowerCase() === key.toLowerCase());
    if (field === undefined) continue;
    const t = fields[field] as GoType;
    if (t === 'ignore') continue;
    out[field] = decode(t, x, `struct field ${name}.${field} of type ${goTypeName(name, field, t)}`);
  }
  return out;
}

// ---- gqlparser AST → graphql-js AST (for validation) ----

function str(o: GoObject, k: string): string {
  const v = o[k];
  return typeof v === 'string' ? v : '';
}

function objs(o: GoObject, k: string): GoObject[] {
  const v = o[k];
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null && !Array.isArray(x)) as GoObject[]) : [];
}

function obj(o: GoObject, k: string): GoObject | undefined {
  const v = o[k];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

/** Where each converted node came from, for error locations. */
type Positions = WeakMap<object, { line: number; column: number }>;

class ToGraphQL {
  /** The field or directive each argument belongs to (gqlparser reports unknown arguments there). */
  readonly owners: Positions = new WeakMap();

  constructor(readonly positions: Positions) {}

  private at<N extends object>(node: N, from: GoObject): N {
    const p = obj(from, 'Position');
    if (p !== undefined && typeof p.Line === 'number' && typeof p.Column === 'number')
      this.positions.set(node, { line: p.Line, column: p.Column });
    return node;
  }

  private name(value: string): { kind: Kind.NAME; value: string } {
    return { kind: Kind.NAME, value };
  }

  private named(value: string): NamedTypeNode {
    return { kind: Kind.NAMED_TYPE, name: this.name(value) };
  }

  type(t: GoObject | undefined): TypeNode {
    if (t === undefined) return this.named('');
    const elem = obj(t, 'Elem');
    const inner: NamedTypeNode | TypeNode =
      str(t, 'NamedType') !== '' || elem === undefined
        ? this.at(this.named(str(t, 'NamedType')), t)
        : { kind: Kind.LIST_TYPE, type: this.type(elem) };
    const node = t.NonNull === true ? { kind: Kind.NON_NULL_TYPE, type: inner as NamedTypeNode } : inner;
    return this.at(node as TypeNode, t);
  }

  /** The type of a field or argument definition, which gqlparser reports at the definition. */
  private ownedType(t: GoObject | undefined, owner: GoObject): TypeNode {
    const node = this.type(t);
    const [line, column] = positionOf(owner);
    if (line !== undefined && column !== undefined) this.owners.set(node, { line, column });
    return node;
  }

  value(v: GoObject | undefined): ValueNode {
    if (v === undefined) return { kind: Kind.NULL };
    const raw = str(v, 'Raw');
    let node: ValueNode;
    switch (v.Kind) {
      case ValueKind.Variable:
        node = { kind: Kind.VARIABLE, name: this.name(raw) };
        break;
      case ValueKind.IntValue:
        node = { kind: Kind.INT, value: raw };
        break;
      case ValueKind.FloatValue:
        node = { kind: Kind.FLOAT, value: raw };
        break;
      case ValueKind.StringValue:
        node = { kind: Kind.STRING, value: raw };
        break;
      case ValueKind.BlockValue:
        node = { kind: Kind.STRING, value: raw, block: true };
        break;
      case ValueKind.BooleanValue:
        node = { kind: Kind.BOOLEAN, value: raw === 'true' };
        break;
      case ValueKind.NullValue:
        node = { kind: Kind.NULL };
        break;
      case ValueKind.EnumValue:
        node = { kind: Kind.ENUM, value: raw };
        break;
      case ValueKind.ListValue:
        node = { kind: Kind.LIST, values: objs(v, 'Children').map((c) => this.value(obj(c, 'Value'))) };
        break;
      case ValueKind.ObjectValue:
        node = {
          kind: Kind.OBJECT,
          fields: objs(v, 'Children').map((c) =>
            this.at({ kind: Kind.OBJECT_FIELD, name: this.name(str(c, 'Name')), value: this.value(obj(c, 'Value')) }, c),
          ),
        };
        break;
      default:
        node = { kind: Kind.NULL };
    }
    return this.at(node, v);
  }

  private args(o: GoObject): { kind: Kind.ARGUMENT; name: { kind: Kind.NAME; value: string }; value: ValueNode }[] {
    const [line, column] = positionOf(o);
    return objs(o, 'Arguments').map((a) => {
      const node = this.at({ kind: Kind.ARGUMENT as const, name: this.name(str(a, 'Name')), value: this.value(obj(a, 'Value')) }, a);
      if (line !== undefined && column !== undefined) this.owners.set(node, { line, column });
      return node;
    });
  }

  directives(o: GoObject): DirectiveNode[] {
    return objs(o, 'Directives').map((d) => this.at({ kind: Kind.DIRECTIVE, name: this.name(str(d, 'Name')), arguments: this.args(d) }, d));
  }

  private selections(o: GoObject): { kind: Kind.SELECTION_SET; selections: SelectionNode[] } {
    const selections = objs(o, 'SelectionSet').map((s): SelectionNode => {
      if ('Alias' in s) {
        const alias = str(s, 'Alias');
        const name = str(s, 'Name');
        const sub = objs(s, 'SelectionSet');
        return this.at(
          {
            kind: Kind.FIELD,
            ...(alias !== '' && alias !== name ? { alias: this.name(alias) } : {}),
            name: this.name(name),
            arguments: this.args(s),
            directives: this.directives(s),
            ...(sub.length > 0 ? { selectionSet: this.selections(s) } : {}),
          },
          s,
        );
      }
      if ('TypeCondition' in s) {
        const tc = str(s, 'TypeCondition');
        return this.at(
          {
            kind: Kind.INLINE_FRAGMENT,
            ...(tc !== '' ? { typeCondition: this.named(tc) } : {}),
            directives: this.directives(s),
            selectionSet: this.selections(s),
          },
          s,
        );
      }
      return this.at({ kind: Kind.FRAGMENT_SPREAD, name: this.name(str(s, 'Name')), directives: this.directives(s) }, s);
    });
    return { kind: Kind.SELECTION_SET, selections };
  }

  private variables(list: GoObject[]): VariableDefinitionNode[] {
    return list.map((v) => {
      const dv = obj(v, 'DefaultValue');
      return this.at(
        {
          kind: Kind.VARIABLE_DEFINITION,
          variable: { kind: Kind.VARIABLE, name: this.name(str(v, 'Variable')) },
          type: this.type(obj(v, 'Type')),
          ...(dv !== undefined ? { defaultValue: this.value(dv) as ConstValueNode } : {}),
          directives: this.directives(v) as never,
        },
        v,
      );
    });
  }

  query(doc: GoObject): DocumentNode {
    const definitions: DefinitionNode[] = [];
    for (const op of objs(doc, 'Operations')) {
      const name = str(op, 'Name');
      const operation = str(op, 'Operation');
      definitions.push(
        this.at(
          {
            kind: Kind.OPERATION_DEFINITION,
            operation: (operation === 'mutation' || operation === 'subscription' ? operation : 'query') as never,
            ...(name !== '' ? { name: this.name(name) } : {}),
            variableDefinitions: this.variables(objs(op, 'VariableDefinitions')),
            directives: this.directives(op),
            selectionSet: this.selections(op),
          },
          op,
        ),
      );
    }
    for (const f of objs(doc, 'Fragments')) {
      const vars = objs(f, 'VariableDefinition');
      definitions.push(
        this.at(
          {
            kind: Kind.FRAGMENT_DEFINITION,
            name: this.name(str(f, 'Name')),
            ...(vars.length > 0 ? { variableDefinitions: this.variables(vars) } : {}),
            typeCondition: this.named(str(f, 'TypeCondition')),
            directives: this.directives(f),
            selectionSet: this.selections(f),
          },
          f,
        ),
      );
    }
    return { kind: Kind.DOCUMENT, definitions };
  }

  private inputValue(a: GoObject): InputValueDefinitionNode {
    const dv = obj(a, 'DefaultValue');
    const desc = str(a, 'Description');
    return this.at(
      {
        kind: Kind.INPUT_VALUE_DEFINITION,
        ...(desc !== '' ? { description: { kind: Kind.STRING, value: desc } } : {}),
        name: this.at(this.name(str(a, 'Name')), a),
        type: this.ownedType(obj(a, 'Type'), a),
        ...(dv !== undefined ? { defaultValue: this.value(dv) as ConstValueNode } : {}),
        directives: this.directives(a) as never,
      },
      a,
    );
  }

  private field(f: GoObject): FieldDefinitionNode {
    return this.at(
      {
        kind: Kind.FIELD_DEFINITION,
        name: this.at(this.name(str(f, 'Name')), f),
        arguments: objs(f, 'Arguments').map((a) => this.inputValue(a)),
        type: this.ownedType(obj(f, 'Type'), f),
        directives: this.directives(f) as never,
      },
      f,
    );
  }

  /** A merged type definition (gqlparser's `Definition`). */
  definition(d: GoObject): DefinitionNode {
    const name = this.name(str(d, 'Name'));
    const directives = this.directives(d) as never;
    const strings = (k: string): string[] => {
      const v = d[k];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    };
    let node: DefinitionNode;
    switch (str(d, 'Kind')) {
      case 'SCALAR':
        node = { kind: Kind.SCALAR_TYPE_DEFINITION, name, directives };
        break;
      case 'OBJECT':
      case 'INTERFACE':
        node = {
          kind: d.Kind === 'OBJECT' ? Kind.OBJECT_TYPE_DEFINITION : Kind.INTERFACE_TYPE_DEFINITION,
          name,
          interfaces: strings('Interfaces').map((i) => this.named(i)),
          directives,
          fields: objs(d, 'Fields').map((f) => this.field(f)),
        };
        break;
      case 'UNION':
        node = { kind: Kind.UNION_TYPE_DEFINITION, name, directives, types: strings('Types').map((t) => this.named(t)) };
        break;
      case 'ENUM':
        node = {
          kind: Kind.ENUM_TYPE_DEFINITION,
          name,
          directives,
          values: objs(d, 'EnumValues').map((e) =>
            this.at(
              { kind: Kind.ENUM_VALUE_DEFINITION, name: this.at(this.name(str(e, 'Name')), e), directives: this.directives(e) as never },
              e,
            ),
          ),
        };
        break;
      default:
        node = { kind: Kind.INPUT_OBJECT_TYPE_DEFINITION, name, directives, fields: objs(d, 'Fields').map((f) => this.inputValue(f)) };
    }
    return this.at(node, d);
  }

  directiveDefinition(d: GoObject): DefinitionNode {
    const locations = Array.isArray(d.Locations) ? d.Locations.filter((x): x is string => typeof x === 'string') : [];
    return this.at(
      {
        kind: Kind.DIRECTIVE_DEFINITION,
        name: this.name(str(d, 'Name')),
        arguments: objs(d, 'Arguments').map((a) => this.inputValue(a)),
        repeatable: d.IsRepeatable === true,
        locations: locations.map((l) => this.name(l)),
      },
      d,
    );
  }
}

// ---- schemas (validator.ValidateSchemaDocument over graphql-js) ----

/** The types gqlparser's prelude declares (they cannot be declared again). */
const PRELUDE_TYPES = new Set([
  'Int',
  'Float',
  'String',
  'Boolean',
  'ID',
  '__Schema',
  '__Type',
  '__Field',
  '__InputValue',
  '__EnumValue',
  '__TypeKind',
  '__Directive',
  '__DirectiveLocation',
]);

/** A validated schema with the positions of its nodes. */
interface Schema {
  readonly schema: GraphQLSchema;
}

function schemaError(message: string, line?: number, column?: number): GqlError {
  return new GqlError(message, line, column);
}

function positionOf(o: GoObject): [number | undefined, number | undefined] {
  const p = obj(o, 'Position');
  return p !== undefined && typeof p.Line === 'number' && typeof p.Column === 'number' ? [p.Line, p.Column] : [undefined, undefined];
}

/** Builds and checks a schema as gqlparser's `ValidateSchemaDocument` does, with graphql-js's checks. */
function convertSchema(doc: GoObject): Schema {
  const types = new Map<string, GoObject>();
  const order: GoObject[] = [];
  for (const def of objs(doc, 'Definitions')) {
    const name = str(def, 'Name');
    if (types.has(name) || PRELUDE_TYPES.has(name)) throw schemaError(`Cannot redeclare type ${name}.`, ...positionOf(def));
    const copy = { ...def };
    types.set(name, copy);
    order.push(copy);
  }
  for (const ext of objs(doc, 'Extensions')) {
    const name = str(ext, 'Name');
    let def = types.get(name);
    if (def === undefined) {
      def = { Kind: ext.Kind ?? '', Name: name, Position: ext.Position ?? null };
      types.set(name, def);
      order.push(def);
    }
    if (def.Kind !== ext.Kind)
      throw schemaError(
        `Cannot extend type ${name} because the base type is a ${str(def, 'Kind')}, not ${str(ext, 'Kind')}.`,
        ...positionOf(ext),
      );
    for (const k of ['Directives', 'Interfaces', 'Fields', 'Types', 'EnumValues']) {
      const add = ext[k];
      const base = def[k];
      if (Array.isArray(add) && add.length > 0) def[k] = [...(Array.isArray(base) ? base : []), ...add];
    }
  }
  const directives = new Map<string, GoObject>();
  for (const dir of objs(doc, 'Directives')) {
    const name = str(dir, 'Name');
    if (directives.has(name)) throw schemaError(`Cannot redeclare directive ${name}.`, ...positionOf(dir));
    directives.set(name, dir);
  }
  for (const ext of objs(doc, 'DirectiveExtensions')) {
    if (!directives.has(str(ext, 'Name')))
      throw schemaError(`Cannot extend directive @${str(ext, 'Name')} because it is not defined.`, ...positionOf(ext));
  }
  const schemas = objs(doc, 'Schema');
  if (schemas.length > 1)
    throw schemaError(
      'Cannot have multiple schema entry points, consider schema extensions instead.',
      ...positionOf(schemas[1] as GoObject),
    );
  const roots = new Map<string, string>();
  for (const s of [...schemas, ...objs(doc, 'SchemaExtension')]) {
    for (const op of objs(s, 'OperationTypes')) {
      const operation = str(op, 'Operation');
      if (roots.has(operation)) throw schemaError(`There can be only one ${operation} type in schema.`, ...positionOf(op));
      if (!types.has(str(op, 'Type')))
        throw schemaError(`Schema root ${operation} refers to a type ${str(op, 'Type')} that does not exist.`, ...positionOf(op));
      roots.set(operation, str(op, 'Type'));
    }
  }
  if (schemas.length === 0)
    for (const [op, name] of [
      ['query', 'Query'],
      ['mutation', 'Mutation'],
      ['subscription', 'Subscription'],
    ] as const)
      if (!roots.has(op) && types.has(name)) roots.set(op, name);

  const positions: Positions = new WeakMap();
  const to = new ToGraphQL(positions);
  const definitions: DefinitionNode[] = [
    ...order.map((d) => to.definition(d)),
    ...[...directives.values()].map((d) => to.directiveDefinition(d)),
  ];
  const schemaDirectives = [...schemas, ...objs(doc, 'SchemaExtension')].flatMap((d) => to.directives(d));
  if (roots.size > 0 || schemaDirectives.length > 0) {
    definitions.push({
      kind: Kind.SCHEMA_DEFINITION,
      directives: schemaDirectives as never,
      operationTypes: [...roots].map(([operation, type]) => ({
        kind: Kind.OPERATION_TYPE_DEFINITION,
        operation: operation as never,
        type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type } },
      })),
    });
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions };
  const reword = (e: GraphQLError): GqlError => schemaProblem(e, positions, to.owners, types);
  // graphql-js's SDL rules (known types and directives, directive locations, unique names) run
  // through `validate` over an empty schema: they read the definitions from the document.
  const sdl = validate(new GraphQLSchema({ assumeValid: true }), document, SDL_RULES);
  // gqlparser checks the schema's own directives before the types.
  const onSchema = new Set<object>(schemaDirectives);
  const firstSDL = sdl.find((e) => e.nodes?.some((n) => onSchema.has(n)) === true) ?? sdl[0];
  if (firstSDL !== undefined) throw reword(firstSDL);
  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema(document, { assumeValidSDL: true });
  } catch (e) {
    throw schemaError(e instanceof Error ? e.message : String(e));
  }
  // gqlparser has no query-root requirement.
  const problems = validateSchema(schema).filter((e) => e.message !== 'Query root type must be provided.');
  if (problems[0] !== undefined) throw reword(problems[0]);
  // Checked above; `assumeValid` keeps `validate` from asserting the query root again
  // (set on the config: `buildASTSchema` drops its options for a document with no definitions).
  return { schema: new GraphQLSchema({ ...schema.toConfig(), assumeValid: true }) };
}

/** graphql-js's SDL rules that gqlparser's schema validation also applies. */
const SDL_RULES = [
  KnownTypeNamesRule,
  KnownDirectivesRule,
  UniqueDirectivesPerLocationRule,
  UniqueArgumentNamesRule,
  UniqueInputFieldNamesRule,
  UniqueOperationTypesRule,
  UniqueEnumValueNamesRule,
  UniqueFieldDefinitionNamesRule,
  UniqueArgumentDefinitionNamesRule,
  UniqueDirectiveNamesRule,
] as unknown as ValidationRule[];

/** The named type of a type text such as `[Int!]!`. */
function namedType(text: string): string {
  return text.replace(/[[\]!]/g, '');
}

/**
 * A schema problem under gqlparser's words and location (`validator/schema.go`); texts not
 * listed keep graphql-js's words.
 */
function schemaProblem(e: GraphQLError, positions: Positions, owners: Positions, types: ReadonlyMap<string, GoObject>): GqlError {
  const nodes = (e.nodes ?? []).filter((n) => positions.has(n));
  const at = (n: object | undefined, message: string): GqlError => {
    const p = n !== undefined ? (owners.get(n) ?? positions.get(n)) : undefined;
    return new GqlError(message, p?.line, p?.column);
  };
  const atType = (name: string, message: string): GqlError => {
    const [line, column] = positionOf(types.get(name) ?? {});
    return new GqlError(message, line, column);
  };
  const kindOf = (name: string): string => str(types.get(namedType(name)) ?? {}, 'Kind') || 'SCALAR';
  const m = e.message;
  let r: RegExpExecArray | null;
  if ((r = /^Unknown type "(.+?)"\./.exec(m))) {
    const p = positions.get(nodes[0] as object);
    return new GqlError(`Undefined type ${r[1] as string}.`, p?.line, p?.column);
  }
  if ((r = /^Unknown directive "@(.+?)"\./.exec(m))) return at(nodes[0], `Undefined directive ${r[1] as string}.`);
  if ((r = /^Directive "@(.+?)" may not be used on (\w+)\./.exec(m)))
    return at(nodes[0], `Directive ${r[1] as string} is not applicable on ${r[2] as string}.`);
  if ((r = /^(Field|Enum value) "(.+?)" can only be defined once\./.exec(m)))
    return at(nodes[nodes.length - 1], `${r[1] as string} ${r[2] as string} can only be defined once.`);
  if ((r = /^(?:Type|Enum type|Union type|Input Object type) (\w+) must define one or more /.exec(m))) {
    const kind = kindOf(r[1] as string);
    const what = { INPUT_OBJECT: 'input fields', ENUM: 'unique enum values', UNION: 'member types' }[kind] ?? 'fields';
    return atType(r[1] as string, `${kind} ${r[1] as string}: must define one or more ${what}.`);
  }
  if ((r = /^Interface field (\w+)\.(\w+) expected but (\w+) does not provide it\./.exec(m)))
    return atType(r[3] as string, `For ${r[3] as string} to implement ${r[1] as string} it must have a field called ${r[2] as string}.`);
  if ((r = /^Union type (\w+) can only include Object types, it cannot include (.+)\./.exec(m)))
    return atType(r[1] as string, `UNION type "${r[2] as string}" must be OBJECT.`);
  if ((r = /^The type of \w+\.(\w+)\((\w+):\) must be Input Type but got: (.+)\./.exec(m)))
    return at(
      nodes[0],
      `cannot use ${r[3] as string} as argument ${r[2] as string} because ${kindOf(r[3] as string)} is not a valid input type`,
    );
  if ((r = /^The type of \w+\.(\w+) must be Input Type but got: (.+)\./.exec(m)))
    return at(nodes[0], `${kindOf(r[2] as string)} ${r[1] as string}: field must be one of SCALAR, ENUM, INPUT_OBJECT.`);
  return at(nodes[0], m);
}

/**
 * A graphql-js error at gqlparser's location: the first located node, except that gqlparser
 * puts unknown arguments at their field or directive, and variables in a disallowed position
 * or duplicate arguments at the last node (the use, the repeat).
 */
function located(e: GraphQLError, positions: Positions, owners?: Positions): GqlError {
  const nodes = (e.nodes ?? []).filter((n) => positions.has(n));
  let p = positions.get(nodes[0] as object);
  if (/^Variable "\$.*" of type ".*" used in position expecting/.test(e.message) || /^There can be only one argument named/.test(e.message))
    p = positions.get(nodes[nodes.length - 1] as object);
  if (owners !== undefined && e.message.startsWith('Unknown argument ')) p = owners.get(nodes[0] as object) ?? p;
  return new GqlError(e.message, p?.line, p?.column);
}

/** gqlparser's `KnownRootTypeRule`: an operation needs its root type. */
function knownRootType(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      const schema = context.getSchema();
      const operation: string = node.operation;
      const root =
        operation === 'query' ? schema.getQueryType() : operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      if (root === null || root === undefined)
        context.reportError(new GraphQLError(`Schema does not support operation type "${node.operation}"`, { nodes: node }));
    },
  };
}

/** `validator.ValidateWithRules` with the default rules: the errors, in order. */
function validateQuery(schema: Schema, doc: GoObject): GqlError[] {
  const positions: Positions = new WeakMap();
  const to = new ToGraphQL(positions);
  const document = to.query(doc);
  const errors = validate(schema.schema, document, [knownRootType, ...specifiedRules], { maxErrors: 100 });
  return errors.map((e) => located(e, positions, to.owners));
}

// ---- the built-ins ----

/** gqlparser's `gqlerror.Error.Error()`: `input[:line:col]: message`. */
function errorText(e: GqlError): string {
  return `input${e.line !== undefined ? `:${e.line}:${e.column}` : ''}: ${e.message}`;
}

/**
 * OPA's `formatGqlParserError` of an error's text (a `gqlerror.List` is each error's text and a
 * newline): split at the first three colons; when the second and third parts are numbers, the
 * rest (left-trimmed, one `.\n` cut off) `in GraphQL string at location <line>:<col>`.
 */
function opaFormat(name: string, text: string): BuiltinError {
  const parts = text.split(':');
  if (parts.length >= 4 && /^[0-9]+$/.test(parts[1] as string) && /^[0-9]+$/.test(parts[2] as string)) {
    let msg = parts.slice(3).join(':').replace(/^ +/, '');
    if (msg.endsWith('.\n')) msg = msg.slice(0, -2);
    return new BuiltinError(`${name}: ${msg} in GraphQL string at location ${Number(parts[1])}:${Number(parts[2])}`);
  }
  return new BuiltinError(`${name}: GraphQL parse error: ${text}`);
}

function opaError(name: string, e: GqlError): BuiltinError {
  return opaFormat(name, errorText(e));
}

function opaListError(name: string, errors: GqlError[]): BuiltinError {
  return opaFormat(name, errors.map((e) => `${errorText(e)}\n`).join(''));
}

function goJSONOf(v: Value): GoJSON {
  return toJSON(v) as GoJSON;
}

/** The query document of a string or an AST object; `undefined` for another type. */
function queryOf(name: string, v: Value): GoObject | undefined {
  if (typeof v === 'string') return parseOr(name, () => parseQueryDocument(v));
  if (isObjectValue(v)) return decodeOr(name, () => decodeStruct('QueryDocument', goJSONOf(v)));
  return undefined;
}

function schemaDocOf(name: string, v: Value): GoObject | undefined {
  if (typeof v === 'string') return parseOr(name, () => parseSchemaDocument(v));
  if (isObjectValue(v)) return decodeOr(name, () => decodeStruct('SchemaDocument', goJSONOf(v)));
  return undefined;
}

function isObjectValue(v: Value): boolean {
  return v instanceof RObject;
}

function parseOr(name: string, f: () => GoObject): GoObject {
  try {
    return f();
  } catch (e) {
    if (e instanceof GqlError) throw opaError(name, e);
    throw e;
  }
}

function decodeOr(name: string, f: () => GoObject): GoObject {
  try {
    return f();
  } catch (e) {
    if (e instanceof DecodeError) throw new BuiltinError(`${name}: ${e.message}`);
    throw e;
  }
}

function schemaOf(name: string, doc: GoObject): Schema {
  try {
    return convertSchema(doc);
  } catch (e) {
    if (e instanceof GqlError) {
      const where = e.line !== undefined ? `:${e.line}:${e.column}` : '';
      throw new BuiltinError(`${name}: Error in gqlparser SchemaDocument to Schema conversion: input${where}: ${e.message}`);
    }
    throw e;
  }
}

function out(doc: GoObject): Value {
  return fromJSON(prune(doc));
}

/** `[query AST, schema AST]` after validation, or a `BuiltinError`. */
function parseAndValidate(name: string, args: Value[]): [Value, Value] {
  const [q, s] = args as [Value, Value];
  const query = queryOf(name, q);
  if (query === undefined) throw typeErrorOf(name, 1, q, 'object', 'string');
  const schemaDoc = schemaDocOf(name, s);
  if (schemaDoc === undefined) throw typeErrorOf(name, 2, s, 'object', 'string');
  const schemaAST = out(schemaDoc);
  const schema = schemaOf(name, schemaDoc);
  const errors = validateQuery(schema, query);
  if (errors.length > 0) throw opaListError(name, errors);
  return [out(query), schemaAST];
}

/** `true` when `f` returns, `false` when it throws a built-in error. */
function succeeds(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof BuiltinError) return false;
    throw e;
  }
}

/** The `graphql.*` family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'graphql.parse_query',
    arity: 1,
    fn: ([q]) => {
      if (typeof q !== 'string') throw typeErrorOf('graphql.parse_query', 1, q as Value, 'string');
      return out(parseOr('graphql.parse_query', () => parseQueryDocument(q)));
    },
  },
  {
    name: 'graphql.parse_schema',
    arity: 1,
    fn: ([s]) => {
      if (typeof s !== 'string') throw typeErrorOf('graphql.parse_schema', 1, s as Value, 'string');
      return out(parseOr('graphql.parse_schema', () => parseSchemaDocument(s)));
    },
  },
  {
    name: 'graphql.parse',
    arity: 2,
    fn: (args) => parseAndValidate('graphql.parse', args),
  },
  {
    name: 'graphql.parse_and_verify',
    arity: 2,
    fn: (args) => {
      try {
        const [query, schema] = parseAndValidate('graphql.parse_and_verify', args);
        return [true, query, schema];
      } catch (e) {
        if (e instanceof BuiltinError) return [false, fromJSON({}), fromJSON({})];
        throw e;
      }
    },
  },
  {
    name: 'graphql.is_valid',
    arity: 2,
    fn: (args) => succeeds(() => parseAndValidate('graphql.is_valid', args)),
  },
  {
    name: 'graphql.schema_is_valid',
    arity: 1,
    fn: ([s]) =>
      succeeds(() => {
        const doc = schemaDocOf('graphql.schema_is_valid', s as Value);
        if (doc === undefined) throw new BuiltinError('graphql.schema_is_valid: not a schema');
        schemaOf('graphql.schema_is_valid', doc);
      }),
  },
];
