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

/** A `# METADATA` annotation block (YAML text kept verbatim). */
export interface Annotation {
  readonly type: 'annotation';
  /** The YAML text (comment prefixes `# ` removed). */
  readonly text: string;
  /** The `scope:` value when written at the top level of the YAML, else undefined. */
  readonly scope?: string;
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
  readonly annotations: readonly Annotation[];
  readonly comments: readonly Comment[];
  readonly location: Location;
}

/** Any AST node with a location (`location.end` is the offset just past its text). */
export type Node =
  Term | Expr | SomeDecl | Every | NotBody | LogicalExpr | With | Package | Import | Head | Rule | Module | Annotation | Comment;
