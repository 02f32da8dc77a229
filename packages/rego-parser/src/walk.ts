/**
 * AST walking, after OPA's `v1/ast/visit.go`: a generic pre-order `walk` and the
 * typed helpers `walkTerms`, `walkVars`, `walkRefs`, `walkCalls`, `walkClosures`,
 * `walkExprs`, `walkWiths`, `walkBodies`, `walkRules`. As in OPA, a visitor that
 * returns `true` stops the walk from descending into that node's children; any other
 * return value (or none) continues.
 */
import type {
  ArrayComprehension,
  Body,
  CallTerm,
  Expr,
  Node,
  ObjectComprehension,
  RefTerm,
  Rule,
  SetComprehension,
  Term,
  VarTerm,
  With,
} from './ast.js';

/** A visitor: return `true` to skip the children of `node` (OPA's convention). */
export type Visitor<N> = (node: N, parent: Node | undefined) => boolean | void;

/** A closure term: array, set or object comprehension. */
export type Closure = ArrayComprehension | SetComprehension | ObjectComprehension;

/**
 * The direct children of a node, in source order: a module's package, imports, rules,
 * annotations and comments; a rule's annotations, head, body and `else`; a head's ref,
 * args, key and value; an expression's terms and `with`s; a term's sub-terms (a ref's
 * parts, a call's operator then arguments, collection items, a comprehension's term(s)
 * then body).
 */
export function children(node: Node): readonly Node[] {
  switch (node.type) {
    case 'module':
      return [node.package, ...node.imports, ...node.rules, ...node.annotations, ...node.comments];
    case 'package':
    case 'annotation':
    case 'comment':
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
    case 'var':
      return [];
    case 'import':
      return [node.path];
    case 'rule':
      return [...(node.annotations ?? []), node.head, ...node.body, ...(node.else ? [node.else] : [])];
    case 'head':
      return [...node.ref, ...(node.args ?? []), ...(node.key ? [node.key] : []), ...(node.value ? [node.value] : [])];
    case 'expr':
      return [node.terms, ...node.with];
    case 'with':
      return [node.target, node.value];
    case 'some':
      return node.symbols;
    case 'every':
      return [...(node.key ? [node.key] : []), node.value, node.domain, ...node.body];
    case 'notbody':
      return node.body;
    case 'logicaland':
    case 'logicalor':
      return [...node.lhs, ...node.rhs];
    case 'templatestring':
      return node.parts;
    case 'ref':
      return node.value;
    case 'call':
      // Infix calls are written `lhs op rhs`: keep source order.
      return node.infix !== undefined && node.args.length > 0
        ? [node.args[0] as Term, node.operator, ...node.args.slice(1)]
        : [node.operator, ...node.args];
    case 'array':
    case 'set':
      return node.items;
    case 'object':
      return node.items.flatMap(([k, v]) => [k, v]);
    case 'arraycomprehension':
    case 'setcomprehension':
      return [node.term, ...node.body];
    case 'objectcomprehension':
      return [node.key, node.value, ...node.body];
  }
}

/** Visits `node` and its descendants in pre-order (OPA's `WalkNodes` / `GenericVisitor`). */
export function walk(node: Node, visit: Visitor<Node>): void {
  const rec = (n: Node, parent: Node | undefined): void => {
    if (visit(n, parent) === true) return;
    for (const c of children(n)) rec(c, n);
  };
  rec(node, undefined);
}

/** Visits `node` then its descendants, calling `after` once a node's children are done (OPA's `WalkBeforeAndAfter`). */
export function walkBeforeAndAfter(node: Node, before: Visitor<Node>, after: (node: Node, parent: Node | undefined) => void): void {
  const rec = (n: Node, parent: Node | undefined): void => {
    if (before(n, parent) !== true) for (const c of children(n)) rec(c, n);
    after(n, parent);
  };
  rec(node, undefined);
}

const TERM_TYPES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'number',
  'string',
  'templatestring',
  'var',
  'ref',
  'call',
  'array',
  'set',
  'object',
  'arraycomprehension',
  'setcomprehension',
  'objectcomprehension',
]);

/** Whether a node is a `Term`. */
export function isTerm(node: Node): node is Term {
  return TERM_TYPES.has(node.type);
}

function walkOf<N extends Node>(is: (n: Node) => n is N) {
  return (node: Node, visit: Visitor<N>): void => walk(node, (n, parent) => (is(n) ? visit(n, parent) : undefined));
}

/** Visits every term (OPA's `WalkTerms`): ref parts, call operators and arguments included. */
export const walkTerms: (node: Node, visit: Visitor<Term>) => void = walkOf(isTerm);
/** Visits every variable (OPA's `WalkVars`), including a ref's head variable and wildcards `_`. */
export const walkVars: (node: Node, visit: Visitor<VarTerm>) => void = walkOf((n): n is VarTerm => n.type === 'var');
/** Visits every ref (OPA's `WalkRefs`), including call operators such as `count` or `eq`. */
export const walkRefs: (node: Node, visit: Visitor<RefTerm>) => void = walkOf((n): n is RefTerm => n.type === 'ref');
/** Visits every call term, infix operators (`=`, `:=`, `+`, `in` …) included. */
export const walkCalls: (node: Node, visit: Visitor<CallTerm>) => void = walkOf((n): n is CallTerm => n.type === 'call');
/** Visits every comprehension (OPA's `WalkClosures`). */
export const walkClosures: (node: Node, visit: Visitor<Closure>) => void = walkOf(
  (n): n is Closure => n.type === 'arraycomprehension' || n.type === 'setcomprehension' || n.type === 'objectcomprehension',
);
/** Visits every body expression (OPA's `WalkExprs`), in rule bodies and nested bodies alike. */
export const walkExprs: (node: Node, visit: Visitor<Expr>) => void = walkOf((n): n is Expr => n.type === 'expr');
/** Visits every `with` modifier (OPA's `WalkWiths`). */
export const walkWiths: (node: Node, visit: Visitor<With>) => void = walkOf((n): n is With => n.type === 'with');
/** Visits every rule, `else` branches included (OPA's `WalkRules`). */
export const walkRules: (node: Node, visit: Visitor<Rule>) => void = walkOf((n): n is Rule => n.type === 'rule');

/**
 * Visits every body (OPA's `WalkBodies`): rule bodies, comprehension, `every` and
 * `not { … }` bodies and the operands of `and`/`or`. `parent` is the node owning the body.
 */
export function walkBodies(node: Node, visit: (body: Body, parent: Node) => boolean | void): void {
  walk(node, (n) => {
    switch (n.type) {
      case 'rule':
        if (visit(n.body, n) === true) return true;
        return undefined;
      case 'every':
      case 'notbody':
      case 'arraycomprehension':
      case 'setcomprehension':
      case 'objectcomprehension':
        return visit(n.body, n);
      case 'logicaland':
      case 'logicalor':
        return visit(n.lhs, n) === true || visit(n.rhs, n) === true ? true : undefined;
      default:
        return undefined;
    }
  });
}
