/**
 * The Rego AST: plain, JSON-serialisable objects. Every node has a `type` and a
 * `location`. Shapes follow OPA's AST (terms, refs, calls, exprs, rules) so that
 * decisions made on it match OPA's.
 */
import type { Location } from './location.js';

/** `null`. */
export interface NullTerm {
  readonly type: 'null';
  readonly location: Location;
}
/** `true` / `false`. */
export interface BooleanTerm {
  readonly type: 'boolean';
  readonly value: boolean;
  readonly location: Location;
}
/** A number, kept as its source text (e.g. `-1.50e3`), never rounded. */
export interface NumberTerm {
  readonly type: 'number';
  readonly value: string;
  readonly location: Location;
}
/** A string; `raw` when written with backquotes. */
export interface StringTerm {
  readonly type: 'string';
  readonly value: string;
  readonly raw?: boolean;
  readonly location: Location;
}
/** A template string `$"a {x} b"`; parts are strings or expressions. */
export interface TemplateStringTerm {
  readonly type: 'templatestring';
  readonly raw: boolean;
  readonly parts: readonly (StringTerm | Expr)[];
  readonly location: Location;
}
/** A variable. Wildcards `_` keep the name `_`. */
export interface VarTerm {
  readonly type: 'var';
  readonly name: string;
  readonly location: Location;
}
/**
 * A reference `head.a[b]...`: `value[0]` is the head (a var, or a call/collection term),
 * then one term per part. A dotted part `.a` and a bracketed string `["a"]` are the same
 * `string` term (as in OPA, the AST does not record which was written).
 */
export interface RefTerm {
  readonly type: 'ref';
  readonly value: readonly Term[];
  readonly location: Location;
}
/** A call `f(x, y)` or an infix operation (`infix` holds the operator as written). */
export interface CallTerm {
  readonly type: 'call';
  readonly operator: RefTerm;
  readonly args: readonly Term[];
  readonly infix?: string;
  readonly location: Location;
}
/** `[a, b]`. */
export interface ArrayTerm {
  readonly type: 'array';
  readonly items: readonly Term[];
  readonly location: Location;
}
/** `{a, b}` (or `set()` when empty). */
export interface SetTerm {
  readonly type: 'set';
  readonly items: readonly Term[];
  readonly location: Location;
}
/** `{k: v}`. */
export interface ObjectTerm {
  readonly type: 'object';
  readonly items: readonly (readonly [Term, Term])[];
  readonly location: Location;
}
/** `[x | body]`. */
export interface ArrayComprehension {
  readonly type: 'arraycomprehension';
  readonly term: Term;
  readonly body: Body;
  readonly location: Location;
}
/** `{x | body}`. */
export interface SetComprehension {
  readonly type: 'setcomprehension';
  readonly term: Term;
  readonly body: Body;
  readonly location: Location;
}
/** `{k: v | body}`. */
export interface ObjectComprehension {
  readonly type: 'objectcomprehension';
  readonly key: Term;
  readonly value: Term;
  readonly body: Body;
  readonly location: Location;
}

/** Any term. */
export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | TemplateStringTerm
  | VarTerm
  | RefTerm
  | CallTerm
  | ArrayTerm
  | SetTerm
  | ObjectTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension;

/** `some x, y` or `some x in xs` / `some k, v in xs` (then `symbols` is one `internal.member_2/3` call). */
export interface SomeDecl {
  readonly type: 'some';
  readonly symbols: readonly Term[];
  readonly location: Location;
}
/** `every k, v in domain { body }`. */
export interface Every {
  readonly type: 'every';
  readonly key?: Term;
  readonly value: Term;
  readonly domain: Term;
  readonly body: Body;
  readonly location: Location;
}
/** `with target as value`. */
export interface With {
  readonly type: 'with';
  readonly target: Term;
  readonly value: Term;
  readonly location: Location;
}
/** `not { body }` / `not (a or b)` (with `import future.keywords.not`, or `rego.v2`). */
export interface NotBody {
  readonly type: 'notbody';
  readonly body: Body;
  /** Written with braces. */
  readonly explicitBody: boolean;
  readonly location: Location;
}
/** `a and b` / `a or b` (with `import future.keywords.and|or`). Operands are bodies. */
export interface LogicalExpr {
  readonly type: 'logicaland' | 'logicalor';
  readonly lhs: Body;
  readonly rhs: Body;
  /** Operand written as a `{ ... }` body. */
  readonly explicitLhs: boolean;
  readonly explicitRhs: boolean;
  readonly location: Location;
}
/** A body expression. Call expressions (incl. `=`, `:=`, `==`) are a `call` term. */
export interface Expr {
  readonly type: 'expr';
  readonly negated: boolean;
  readonly terms: Term | SomeDecl | Every | NotBody | LogicalExpr;
  readonly with: readonly With[];
  readonly location: Location;
}
/** A query / rule body. */
export type Body = readonly Expr[];

/** `package a.b.c`. `path` omits the leading `data`. */
export interface Package {
  readonly type: 'package';
  readonly path: readonly string[];
  readonly location: Location;
}
/** `import data.x.y as z`. `path` is the full ref (first element is a var: data, input, future, rego). */
export interface Import {
  readonly type: 'import';
  readonly path: RefTerm;
  readonly alias?: string;
  readonly location: Location;
}

/** Kind of a rule, as OPA classifies it from the head. */
export type RuleKind = 'complete' | 'partial-set' | 'partial-object' | 'function';

/** A rule head. */
export interface Head {
  readonly type: 'head';
  /** Head reference: first element is the rule's var, then dotted/bracketed parts. */
  readonly ref: readonly Term[];
  readonly args?: readonly Term[];
  readonly key?: Term;
  readonly value?: Term;
  /** Written with `:=`. */
  readonly assign: boolean;
  /** `value` was not written (implicit `true`). */
  readonly generatedValue: boolean;
  /** Keywords written in the declaration (`if`, `contains`). */
  readonly keywords: readonly ('if' | 'contains')[];
  readonly location: Location;
}

/** A JSON value read from an annotation's YAML (`custom`, `labels`, a schema `definition`). */
export type AnnotationValue = null | boolean | number | string | readonly AnnotationValue[] | { readonly [key: string]: AnnotationValue };

/** An entry of `related_resources`: `ref` is the URL as written (OPA's `url.URL`). */
export interface RelatedResource {
  readonly ref: string;
  readonly description?: string;
}

/** An entry of `authors` (`"Name <email>"` or `{name, email}`); at least one is set. */
export interface Author {
  readonly name?: string;
  readonly email?: string;
}

/**
 * An entry of `schemas`: the document `path` (a ref such as `input.x`, as the array of its
 * parts: the head var's name, then strings and numbers) and either a `schema` ref
 * (`schema.input` → `["schema", "input"]`) or an inline `definition`.
 */
export interface SchemaAnnotation {
  readonly path: readonly (string | number)[];
  readonly schema?: readonly (string | number)[];
  readonly definition?: AnnotationValue;
}

/**
 * A `# METADATA` annotation block, read as OPA reads it (`ast.Annotations`): the YAML of the
 * comment lines below `# METADATA` (one leading space of each removed), decoded into OPA's
 * known keys; other keys are ignored. Empty strings, `false` and empty lists are left out.
 */
export interface Annotation {
  readonly type: 'annotation';
  /** The YAML text (comment prefixes `# ` removed). */
  readonly text: string;
  /**
   * The scope: as written, else OPA's default for the statement below (`rule`, `document`
   * for a rule with `entrypoint: true`, `package`); absent only for a block with nothing below.
   */
  readonly scope?: string;
  readonly title?: string;
  readonly description?: string;
  readonly entrypoint?: boolean;
  readonly organizations?: readonly string[];
  readonly relatedResources?: readonly RelatedResource[];
  readonly authors?: readonly Author[];
  readonly schemas?: readonly SchemaAnnotation[];
  readonly custom?: { readonly [key: string]: AnnotationValue };
  readonly labels?: { readonly [key: string]: AnnotationValue };
  /** From the `# METADATA` comment to the end of the block's last line (OPA's location: the `# METADATA` line). */
  readonly location: Location;
}

/** A comment (text after `#`). */
export interface Comment {
  readonly type: 'comment';
  readonly text: string;
  readonly location: Location;
}

/** A rule (or one `else` branch). */
export interface Rule {
  readonly type: 'rule';
  /**
   * OPA's `head.name` when the head has one — the rule's single var for `p`, `p := v`,
   * `f(x)`, `p[k]` and `p contains k` (v0 `p[k] { … }` too) — else the text of the whole
   * head ref as `refText` prints it (`a.b.c`, `a.b[x]`, `a["c-d"]`). `else` branches
   * carry the name of the rule they belong to.
   */
  readonly name: string;
  readonly kind: RuleKind;
  readonly default: boolean;
  readonly head: Head;
  readonly body: Body;
  /** The body was not written (implicit `true`). */
  readonly generatedBody: boolean;
  /**
   * `true` when the body was written in braces (`if { … }`, v0 `p { … }`) or not written at
   * all; `false` when written as `if expr` without braces.
   */
  readonly bodyBraces: boolean;
  readonly else?: Rule;
  /**
   * OPA's `rule.Annotations` (`attachRuleAnnotations`): the module's `document`-scope blocks
   * for the rule's path, and the `rule`-scope blocks for its path above it that no earlier
   * rule of that path claimed (each rule claims the last of those), in module order.
   */
  readonly annotations?: readonly Annotation[];
  readonly location: Location;
}

/** A parsed module. */
export interface Module {
  readonly type: 'module';
  readonly regoVersion: 'v0' | 'v1';
  readonly package: Package;
  readonly imports: readonly Import[];
  readonly rules: readonly Rule[];
  /** Every `# METADATA` block of the module, in source order. */
  readonly annotations: readonly Annotation[];
  readonly comments: readonly Comment[];
  readonly location: Location;
}

/** Any AST node with a location (`location.end` is the offset just past its text). */
export type Node =
  Term | Expr | SomeDecl | Every | NotBody | LogicalExpr | With | Package | Import | Head | Rule | Module | Annotation | Comment;
