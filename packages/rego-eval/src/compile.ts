/**
 * Compile passes: parse, resolve imports and package-relative refs, rewrite local variables,
 * lower to IR, order bodies for safety (OPA's reorderBodyForSafety), build the rule tree.
 */
import {
  parse,
  type Body as AstBody,
  type Expr as AstExpr,
  type Module,
  type Rule,
  type Term as AstTerm,
} from '@policy-engine/rego-parser';
import { RObject, RSet, formatValue, keyOf, parseNumberLiteral, type Value } from '@policy-engine/rego-value';
import { AnnotationSet, METADATA_CALLS, metadataValue, type MetadataScope } from './builtins/metadata.js';
import type { BuiltinDef } from './builtins/registry.js';
import { RegoCompileError, type CompileProblem, type ErrorLocation } from './errors.js';
import type { Body, E, T, W, X } from './ir.js';
import { markBody, markTree } from './single.js';

/** A compiled rule (one branch of an else chain is `else`). */
export interface CRule {
  readonly kind: 'complete' | 'set' | 'obj' | 'func';
  /** Head ref parts after the tree node (obj), the last one is the key. */
  readonly rest: readonly T[];
  /** Set element (set rules). */
  readonly key: T | undefined;
  readonly value: T;
  readonly args: readonly T[];
  readonly body: Body;
  readonly else: CRule | undefined;
  readonly isDefault: boolean;
  readonly loc: ErrorLocation;
  /** `data.a.b.p`, for messages. */
  readonly path: string;
}

/** A node of the rule tree. */
export interface RuleNode {
  readonly path: readonly string[];
  readonly children: Map<string, RuleNode>;
  readonly rules: CRule[];
  readonly defaults: CRule[];
  readonly funcs: CRule[];
  /** Whether any rule lives in this subtree. */
  hasRules: boolean;
}

/** A module to compile. */
export interface ModuleSource {
  readonly id: string;
  readonly source: string;
  readonly regoVersion?: 'v0' | 'v1';
  /**
   * The module already parsed (`@policy-engine/rego-parser`'s `parse(source, { regoVersion,
   * file: id })`): compiled as is, `source` is not parsed again. The AST is only read, never
   * changed, so one parse can serve several compilations.
   */
  readonly ast?: Module;
}

/** Evaluator-handled calls (not in the built-in table). */
export const SPECIAL_CALLS: ReadonlyMap<string, number> = new Map([
  ['walk', 1],
  ['print', -1],
  ['trace', 1],
  ['internal.member_2', 2],
  ['internal.member_3', 3],
  ['internal.print', 1],
]);

const loc = (l: { file: string; line: number; col: number }): ErrorLocation => ({ file: l.file, row: l.line, col: l.col });

class Problems {
  readonly list: CompileProblem[] = [];
  add(code: string, message: string, location?: ErrorLocation): void {
    this.list.push(location ? { code, message, location } : { code, message });
  }
}

interface Scope {
  /** Declared/known local names → IR names. */
  readonly locals: Map<string, string>;
  readonly globals: ReadonlyMap<string, T>;
  readonly ctx: Ctx;
}

interface Ctx {
  fresh: number;
  readonly problems: Problems;
  readonly funcArity: ReadonlyMap<string, number>;
  readonly builtins: ReadonlyMap<string, BuiltinDef>;
  readonly unknownCalls: { name: string; loc: ErrorLocation }[];
  /** Whether the module being lowered is Rego v1 (deprecated built-ins are refused). */
  v1Module: boolean;
  /** The rule being lowered, for `rego.metadata.*` calls (OPA's rewriteRegoMetadataCalls); unset in queries. */
  meta: MetadataScope | undefined;
}

/** The constant a `rego.metadata.chain()` / `rule()` call in a rule stands for, when it is one. */
function metadataCall(fn: string, sc: Scope): Value | undefined {
  const meta = sc.ctx.meta;
  return meta && METADATA_CALLS.has(fn) && sc.ctx.builtins.has(fn) ? metadataValue(fn, meta) : undefined;
}

/** Built-ins Rego v1 modules may not call (OPA's `Deprecated: true`; queries still may). */
const DEPRECATED_BUILTINS: ReadonlySet<string> = new Set([
  'set_diff',
  'net.cidr_overlap',
  'cast_array',
  'cast_set',
  'cast_string',
  'cast_boolean',
  'cast_null',
  'cast_object',
  're_match',
  'all',
  'any',
]);

function freshName(ctx: Ctx, base: string): string {
  return `${base}$${++ctx.fresh}`;
}

/** Value of a ground AST scalar, or undefined. */
function scalar(t: AstTerm): Value | undefined {
  switch (t.type) {
    case 'null':
      return null;
    case 'boolean':
      return t.value;
    case 'number':
      return parseNumberLiteral(t.value) ?? null;
    case 'string':
      return t.value;
    default:
      return undefined;
  }
}

function constOf(t: T): Value | undefined {
  return t.k === 'val' ? t.v : undefined;
}

function mkArr(items: T[]): T {
  if (items.every((i) => i.k === 'val')) return { k: 'val', v: items.map((i) => constOf(i) as Value) };
  return { k: 'arr', items };
}
function mkSet(items: T[]): T {
  if (items.every((i) => i.k === 'val')) return { k: 'val', v: new RSet(items.map((i) => constOf(i) as Value)) };
  return { k: 'set', items };
}
function mkObj(items: [T, T][]): T {
  if (items.every(([a, b]) => a.k === 'val' && b.k === 'val'))
    return { k: 'val', v: new RObject(items.map(([a, b]) => [constOf(a) as Value, constOf(b) as Value])) };
  return { k: 'obj', items };
}

// The helpers of the compile path are module-level functions, not closures made per call: besides
// the allocation, a named closure costs a `__name` call each time it is made when run through tsx
// (esbuild keepNames), which was most of the compile time of a 1,000-module load.

/** The vars of a declaration pattern (`[a, {"k": b}]`), in order. */
function declPat(t: AstTerm, out: string[]): void {
  if (t.type === 'var') out.push(t.name);
  else if (t.type === 'array' || t.type === 'set') for (const i of t.items) declPat(i, out);
  else if (t.type === 'object') for (const [, v] of t.items) declPat(v, out);
}

/** Vars declared (`:=` lhs, `some`) at this body level, in order. */
function declaredIn(body: AstBody): string[] {
  const out: string[] = [];
  for (const e of body) {
    const x = e.terms;
    if (x.type === 'some') {
      for (const s of x.symbols) {
        if (s.type === 'var') out.push(s.name);
        else if (s.type === 'call') for (let i = 0; i < s.args.length - 1; i++) declPat(s.args[i] as AstTerm, out);
      }
    } else if (
      x.type === 'call' &&
      x.operator.value.length === 1 &&
      x.operator.value[0]?.type === 'var' &&
      x.operator.value[0].name === 'assign'
    ) {
      const lhs = x.args[0];
      if (lhs) declPat(lhs, out);
    }
  }
  return out;
}

/** Plain vars used in a term (not inside nested bodies), into `into`. */
function usedTermVars(t: AstTerm, into: Set<string>): void {
  switch (t.type) {
    case 'var':
      into.add(t.name);
      return;
    case 'ref':
      for (const p of t.value) usedTermVars(p, into);
      return;
    case 'call':
      for (const a of t.args) usedTermVars(a, into);
      return;
    case 'array':
    case 'set':
      for (const i of t.items) usedTermVars(i, into);
      return;
    case 'object':
      for (const [a, b] of t.items) {
        usedTermVars(a, into);
        usedTermVars(b, into);
      }
      return;
    case 'templatestring':
      for (const p of t.parts) if (p.type === 'expr') usedExprVars(p, into);
      return;
    default:
      return;
  }
}

/** Plain vars used in an expression (not inside nested bodies), into `into`. */
function usedExprVars(e: AstExpr, into: Set<string>): void {
  const x = e.terms;
  if (x.type === 'some') for (const sym of x.symbols) usedTermVars(sym, into);
  else if (x.type === 'every') usedTermVars(x.domain, into);
  else if (x.type === 'notbody') {
    // An explicit `{ ... }` body has its own scope.
    if (!x.explicitBody) usedVars(x.body, into);
  } else if (x.type === 'logicaland' || x.type === 'logicalor') {
    if (!x.explicitLhs) usedVars(x.lhs, into);
    if (!x.explicitRhs) usedVars(x.rhs, into);
  } else usedTermVars(x as AstTerm, into);
  for (const w of e.with) if (w.value.type !== 'var') usedTermVars(w.value, into);
}

/** Plain vars used at this level (not inside nested bodies). */
function usedVars(body: AstBody, into: Set<string>): void {
  for (const e of body) usedExprVars(e, into);
}

function lowerBody(body: AstBody, outer: Scope, extraDeclared: readonly string[] = [], topLevel = false): { body: Body; scope: Scope } {
  checkRedeclared(body, extraDeclared, outer);
  const locals = new Map(outer.locals);
  const declared = [...extraDeclared, ...declaredIn(body)];
  const seenDecl = new Set<string>();
  for (const d of declared) {
    if (d === '_' || seenDecl.has(d)) continue;
    seenDecl.add(d);
    // Locals of nested bodies always get fresh names: a name without `$` is an outer var.
    locals.set(d, topLevel ? d : freshName(outer.ctx, d));
  }
  // Plain vars of this level become locals (unless they are globals).
  const used = new Set<string>();
  usedVars(body, used);
  for (const u of used) {
    if (u !== '_' && !locals.has(u) && !outer.globals.has(u) && u !== 'input' && u !== 'data')
      locals.set(u, topLevel ? u : freshName(outer.ctx, u));
  }
  const scope: Scope = { locals, globals: outer.globals, ctx: outer.ctx };
  // A var declared (`:=`, `some`) by a later expression is not visible before it.
  const firstDecl = new Map<string, number>();
  body.forEach((e, i) => {
    for (const d of declaredIn([e])) if (!firstDecl.has(d) && !extraDeclared.includes(d)) firstDecl.set(d, i);
  });
  const lowered = body.map((e, i) => {
    let hidden: string[] | undefined;
    for (const [d, at] of firstDecl) if (at > i) (hidden ??= []).push(d);
    if (!hidden) return lowerExpr(e, scope);
    const l = new Map(locals);
    for (const d of hidden) {
      const o = outer.locals.get(d);
      if (o !== undefined) l.set(d, o);
      else l.delete(d);
    }
    return lowerExpr(e, { locals: l, globals: outer.globals, ctx: outer.ctx });
  });
  return { body: lowered, scope };
}

function lowerVar(name: string, sc: Scope): T {
  if (name === '_') return { k: 'var', n: freshName(sc.ctx, '_') };
  const l = sc.locals.get(name);
  if (l !== undefined) return { k: 'var', n: l };
  const g = sc.globals.get(name);
  if (g) return g;
  if (name === 'input') return { k: 'input' };
  if (name === 'data') return { k: 'data' };
  return { k: 'var', n: name };
}

/** A constant ref part as a name segment: a string as it is, another value as OPA prints it, `?` when not constant. */
function pathText(v: Value | undefined): string {
  if (v === undefined) return '?';
  return typeof v === 'string' ? v : formatValue(v);
}

/** Dotted name of a call operator, resolving package functions and imports to `data.…`. */
function callName(op: AstTerm & { type: 'ref' }, sc: Scope): string {
  const parts = op.value;
  const head = parts[0];
  const rest = parts.slice(1).map((p) => (p.type === 'string' ? p.value : '?'));
  if (head?.type === 'var') {
    const g = sc.globals.get(head.name);
    if (g && g.k === 'ref' && !sc.locals.has(head.name)) {
      const base = g.path.map((p) => pathText(constOf(p)));
      return ['data', ...base, ...rest].join('.');
    }
    return [head.name, ...rest].join('.');
  }
  return rest.join('.');
}

function lowerTerm(t: AstTerm, sc: Scope): T {
  const s = scalar(t);
  if (s !== undefined) return { k: 'val', v: s };
  switch (t.type) {
    case 'var':
      return lowerVar(t.name, sc);
    case 'ref': {
      const [h, ...rest] = t.value;
      if (!h) return { k: 'val', v: null };
      const head = lowerTerm(h, sc);
      const path = rest.map((p) => lowerTerm(p, sc));
      if (head.k === 'ref') return { k: 'ref', head: head.head, path: [...head.path, ...path], loc: loc(t.location) };
      return { k: 'ref', head, path, loc: loc(t.location) };
    }
    case 'call': {
      const fn = callName(t.operator, sc);
      const meta = t.args.length === 0 ? metadataCall(fn, sc) : undefined;
      if (meta !== undefined) return { k: 'val', v: meta };
      const args = t.args.map((a) => lowerTerm(a, sc));
      noteCall(fn, args.length, false, sc, loc(t.location));
      return { k: 'call', fn, args, loc: loc(t.location) };
    }
    case 'array':
      return mkArr(t.items.map((i) => lowerTerm(i, sc)));
    case 'set':
      return mkSet(t.items.map((i) => lowerTerm(i, sc)));
    case 'object':
      return mkObj(t.items.map(([a, b]) => [lowerTerm(a, sc), lowerTerm(b, sc)]));
    case 'arraycomprehension': {
      const { body, scope } = lowerBody(t.body, nested(sc));
      return { k: 'ac', term: lowerTerm(t.term, scope), body };
    }
    case 'setcomprehension': {
      const { body, scope } = lowerBody(t.body, nested(sc));
      return { k: 'sc', term: lowerTerm(t.term, scope), body };
    }
    case 'objectcomprehension': {
      const { body, scope } = lowerBody(t.body, nested(sc));
      return { k: 'oc', key: lowerTerm(t.key, scope), value: lowerTerm(t.value, scope), body };
    }
    case 'templatestring':
      return {
        k: 'tpl',
        parts: t.parts.map((p) => (p.type === 'string' ? p.value : lowerTemplateExpr(p, sc))),
        loc: loc(t.location),
      };
    default:
      return { k: 'val', v: null };
  }
}

function lowerTemplateExpr(e: AstExpr, sc: Scope): T {
  const x = e.terms;
  if (x.type === 'some' || x.type === 'every' || x.type === 'notbody' || x.type === 'logicaland' || x.type === 'logicalor')
    return { k: 'val', v: null };
  const t = lowerTerm(x as AstTerm, sc);
  if (e.with.length === 0) return t;
  // `{a with input as x}`: the term's values under the modifiers, gathered as an array
  // (the template takes its only element: none is <undefined>, several a conflict).
  const v: T = { k: 'var', n: freshName(sc.ctx, 'tpl') };
  const body: E[] = [{ x: { k: 'unify', a: v, b: t }, neg: false, with: e.with.map((w) => lowerWith(w, sc)), loc: loc(e.location) }];
  return { k: 'ac', term: v, body, spread: true };
}

/** A nested scope: the outer locals are visible; new declarations shadow. */
function nested(sc: Scope): Scope {
  return { locals: sc.locals, globals: sc.globals, ctx: sc.ctx };
}

function noteCall(fn: string, nargs: number, _out: boolean, sc: Scope, l: ErrorLocation): void {
  if (fn.startsWith('data.')) return;
  checkDeprecated(fn, sc, l);
  if (SPECIAL_CALLS.has(fn) || sc.ctx.builtins.has(fn)) return;
  sc.ctx.unknownCalls.push({ name: fn, loc: l });
  void nargs;
}

function checkDeprecated(fn: string, sc: Scope, l: ErrorLocation): void {
  if (sc.ctx.v1Module && DEPRECATED_BUILTINS.has(fn))
    sc.ctx.problems.add('rego_type_error', `deprecated built-in function calls in expression: ${fn}`, l);
}

function arityOf(fn: string, ctx: Ctx): number | undefined {
  if (fn.startsWith('data.')) return ctx.funcArity.get(fn);
  const sp = SPECIAL_CALLS.get(fn);
  if (sp !== undefined) return sp;
  return ctx.builtins.get(fn)?.arity;
}

function lowerWith(w: { target: AstTerm; value: AstTerm }, sc: Scope): W {
  let value = lowerTerm(w.value, sc);
  const target = w.target;
  const parts = target.type === 'ref' ? target.value : [target];
  const head = parts[0];
  const strs = parts.slice(1).map((p) => (p.type === 'string' ? p.value : pathText(scalar(p))));
  let mockFn: string | undefined;
  if (w.value.type === 'ref' || w.value.type === 'var') {
    const name = callName(w.value.type === 'ref' ? w.value : { type: 'ref', value: [w.value], location: w.value.location }, sc);
    if (arityOf(name, sc.ctx) !== undefined && !sc.locals.has(name)) mockFn = name;
  }
  if (mockFn) value = { k: 'val', v: null };
  if (head?.type === 'var' && head.name === 'input') return { root: 'input', path: strs, fn: '', value };
  if (head?.type === 'var' && head.name === 'data') {
    const name = ['data', ...strs].join('.');
    if (sc.ctx.funcArity.has(name)) return { root: 'fn', path: [], fn: name, value, ...(mockFn ? { mockFn } : {}) };
    return { root: 'data', path: strs, fn: '', value };
  }
  const name = callName(target.type === 'ref' ? target : { type: 'ref', value: [target], location: target.location }, sc);
  if (name.startsWith('data.') && !sc.ctx.funcArity.has(name)) return { root: 'data', path: name.split('.').slice(1), fn: '', value };
  if (!name.startsWith('data.') && arityOf(name, sc.ctx) === undefined) {
    sc.ctx.problems.add('rego_type_error', 'with keyword target must reference existing input, data, or a function', loc(target.location));
  }
  return { root: 'fn', path: [], fn: name, value, ...(mockFn ? { mockFn } : {}) };
}

/** An expression of `x` with the negation, `with`s and location of `e`. */
function mkE(e: AstExpr, withs: W[], l: ErrorLocation, x: X): E {
  return { x, neg: e.negated, with: withs, loc: l };
}

function lowerExpr(e: AstExpr, sc: Scope): E {
  const x = e.terms;
  const l = loc(e.location);
  const withs = e.with.map((w) => lowerWith(w, sc));
  switch (x.type) {
    case 'some': {
      const s = x.symbols[0];
      if (x.symbols.length === 1 && s?.type === 'call') {
        const fn = callName(s.operator, sc);
        const args = s.args.map((a) => lowerTerm(a, sc));
        if (fn === 'internal.member_2') return mkE(e, withs, l, { k: 'somein', key: undefined, val: args[0] as T, coll: args[1] as T });
        if (fn === 'internal.member_3') return mkE(e, withs, l, { k: 'somein', key: args[0] as T, val: args[1] as T, coll: args[2] as T });
      }
      return mkE(e, withs, l, { k: 'true' });
    }
    case 'every': {
      const declared = [...(x.key?.type === 'var' ? [x.key.name] : []), ...(x.value.type === 'var' ? [x.value.name] : [])];
      const domain = lowerTerm(x.domain, sc);
      const inner = nested(sc);
      const locals = new Map(inner.locals);
      for (const d of declared) if (d !== '_') locals.set(d, freshName(sc.ctx, d));
      const isc: Scope = { locals, globals: sc.globals, ctx: sc.ctx };
      const key = x.key ? lowerTerm(x.key, isc) : undefined;
      const val = lowerTerm(x.value, isc);
      const { body } = lowerBody(x.body, { ...isc, locals: new Map([...locals].filter(([k]) => !declared.includes(k) || true)) });
      return mkE(e, withs, l, { k: 'every', key, val, domain, body });
    }
    case 'notbody':
      return mkE(e, withs, l, { k: 'notbody', body: lowerBody(x.body, nested(sc)).body });
    case 'logicaland':
      return mkE(e, withs, l, { k: 'and', lhs: lowerBody(x.lhs, nested(sc)).body, rhs: lowerBody(x.rhs, nested(sc)).body });
    case 'logicalor':
      return mkE(e, withs, l, { k: 'or', lhs: lowerBody(x.lhs, nested(sc)).body, rhs: lowerBody(x.rhs, nested(sc)).body });
    case 'call': {
      const fn = callName(x.operator, sc);
      const args = x.args.map((a) => lowerTerm(a, sc));
      if ((fn === 'eq' || fn === 'assign') && args.length === 2) return mkE(e, withs, l, { k: 'unify', a: args[0] as T, b: args[1] as T });
      const meta = args.length <= 1 ? metadataCall(fn, sc) : undefined;
      if (meta !== undefined)
        return mkE(e, withs, l, args[0] ? { k: 'unify', a: args[0], b: { k: 'val', v: meta } } : { k: 'term', t: { k: 'val', v: meta } });
      const ar = arityOf(fn, sc.ctx);
      if (ar !== undefined && ar >= 0 && args.length === ar + 1) {
        checkDeprecated(fn, sc, loc(x.location));
        return mkE(e, withs, l, { k: 'callout', fn, args: args.slice(0, -1), out: args[ar] as T });
      }
      noteCall(fn, args.length, false, sc, loc(x.location));
      return mkE(e, withs, l, { k: 'term', t: { k: 'call', fn, args, loc: loc(x.location) } });
    }
    default:
      return mkE(e, withs, l, { k: 'term', t: lowerTerm(x, sc) });
  }
}

// ---------------------------------------------------------------------------------------
// Safety: OPA's reordering of body expressions so that every var is bound before use.

/** Vars that must be bound to evaluate `t` as a value (ref bracket vars are outputs). */
function inVars(t: T, out: Set<string>): void {
  switch (t.k) {
    case 'var':
      out.add(t.n);
      return;
    case 'ref':
      inVars(t.head, out);
      for (const p of t.path) if (p.k !== 'var') patVars(p, out);
      return;
    case 'arr':
    case 'set':
      t.items.forEach((i) => inVars(i, out));
      return;
    case 'obj':
      t.items.forEach(([a, b]) => {
        inVars(a, out);
        inVars(b, out);
      });
      return;
    case 'call':
      t.args.forEach((a) => inVars(a, out));
      return;
    case 'ac':
    case 'sc':
    case 'oc':
      freeVars(t, out);
      return;
    case 'tpl':
      t.parts.forEach((p) => {
        if (typeof p !== 'string') inVars(p, out);
      });
      return;
    default:
      return;
  }
}

/** Vars a term binds when evaluated or matched. */
function outVars(t: T, out: Set<string>): void {
  switch (t.k) {
    case 'var':
      out.add(t.n);
      return;
    case 'ref':
      for (const p of t.path)
        if (p.k === 'var') out.add(p.n);
        else outVars(p, out);
      return;
    case 'arr':
    case 'set':
      t.items.forEach((i) => outVars(i, out));
      return;
    case 'obj':
      t.items.forEach(([, b]) => outVars(b, out));
      return;
    case 'call':
      t.args.forEach((a) => a.k === 'ref' && outVars(a, out));
      return;
    default:
      return;
  }
}

/** Vars needed to use `t` as a pattern (vars themselves are bound by matching). */
function patVars(t: T, out: Set<string>): void {
  switch (t.k) {
    case 'var':
      return;
    case 'arr':
    case 'set':
      t.items.forEach((i) => patVars(i, out));
      return;
    case 'obj':
      t.items.forEach(([a, b]) => {
        inVars(a, out);
        patVars(b, out);
      });
      return;
    default:
      inVars(t, out);
  }
}

/** Free vars of a comprehension / nested body: used inside, not local to it. */
function freeVars(t: T, out: Set<string>): void {
  const inner = new Set<string>();
  const bound = new Set<string>();
  const body = t.k === 'ac' || t.k === 'sc' || t.k === 'oc' ? t.body : [];
  bodyVars(body, inner, bound);
  if (t.k === 'ac' || t.k === 'sc') inVars(t.term, inner);
  if (t.k === 'oc') {
    inVars(t.key, inner);
    inVars(t.value, inner);
  }
  for (const v of inner) if (!bound.has(v) || !v.includes('$')) out.add(v);
  for (const v of bound) if (!v.includes('$')) out.add(v);
}

function bodyVars(body: Body, used: Set<string>, bound: Set<string>): void {
  for (const e of body) {
    const n = needsOf(e);
    n.forEach((v) => used.add(v));
    bindsOf(e).forEach((v) => bound.add(v));
  }
}

function needsOf(e: E): Set<string> {
  const s = new Set<string>();
  const x = e.x;
  switch (x.k) {
    case 'unify': {
      // Either side may bind; the needs are computed by `runnable`.
      inVars(x.a, s);
      inVars(x.b, s);
      break;
    }
    case 'term':
      inVars(x.t, s);
      break;
    case 'callout':
      x.args.forEach((a) => inVars(a, s));
      patVars(x.out, s);
      break;
    case 'somein':
      inVars(x.coll, s);
      break;
    case 'every': {
      inVars(x.domain, s);
      const inner = new Set<string>();
      const b = new Set<string>();
      bodyVars(x.body, inner, b);
      if (x.key) outVars(x.key, b);
      outVars(x.val, b);
      for (const v of inner) if (!b.has(v) || !v.includes('$')) s.add(v);
      for (const v of b) if (!v.includes('$')) s.add(v);
      break;
    }
    case 'notbody':
    case 'and':
    case 'or': {
      const bodies = x.k === 'notbody' ? [x.body] : [x.lhs, x.rhs];
      for (const body of bodies) {
        const inner = new Set<string>();
        const b = new Set<string>();
        bodyVars(body, inner, b);
        for (const v of inner) if (!b.has(v) || !v.includes('$')) s.add(v);
        for (const v of b) if (!v.includes('$')) s.add(v);
      }
      break;
    }
    default:
      break;
  }
  for (const w of e.with) inVars(w.value, s);
  return s;
}

function bindsOf(e: E): Set<string> {
  const s = new Set<string>();
  if (e.neg) return s;
  const x = e.x;
  switch (x.k) {
    case 'unify':
      outVars(x.a, s);
      outVars(x.b, s);
      break;
    case 'term':
      outVars(x.t, s);
      break;
    case 'callout':
      outVars(x.out, s);
      x.args.forEach((a) => outVars(a, s));
      break;
    case 'somein':
      if (x.key) outVars(x.key, s);
      outVars(x.val, s);
      outVars(x.coll, s);
      break;
    case 'every':
      // OPA evaluates the domain first (`__local__ = xs[i]`): vars in its ref parts are bound by it.
      outVars(x.domain, s);
      break;
    default:
      break;
  }
  return s;
}

function keyOfT(t: T): string {
  return t.k === 'val' ? keyOf(t.v) : '';
}

function subset(a: Set<string>, bound: ReadonlySet<string>): boolean {
  for (const v of a) if (!bound.has(v)) return false;
  return true;
}

function runnable(e: E, bound: ReadonlySet<string>): boolean {
  const x = e.x;
  const withNeeds = new Set<string>();
  for (const w of e.with) inVars(w.value, withNeeds);
  if (!subset(withNeeds, bound)) return false;
  if (e.neg) {
    const s = needsOf(e);
    // Ref bracket vars inside a negated expr must be bound too.
    if (x.k === 'term') outVars(x.t, s);
    return subset(s, bound);
  }
  switch (x.k) {
    case 'unify': {
      const a1 = new Set<string>();
      patVars(x.a, a1);
      inVars(x.b, a1);
      if (subset(a1, bound)) return true;
      const a2 = new Set<string>();
      inVars(x.a, a2);
      patVars(x.b, a2);
      if (subset(a2, bound)) return true;
      if (x.a.k === 'obj' && x.b.k === 'obj' && x.a.items.length === x.b.items.length) {
        const bs = (x.b as { items: readonly (readonly [T, T])[] }).items;
        return x.a.items.every(([ak, av]) => {
          const m = bs.find(([bk]) => bk.k === 'val' && ak.k === 'val' && keyOfT(bk) === keyOfT(ak));
          return m !== undefined && runnable({ x: { k: 'unify', a: av, b: m[1] }, neg: false, with: [], loc: e.loc }, bound);
        });
      }
      // Both composite: element-wise.
      if (x.a.k === 'arr' && x.b.k === 'arr' && x.a.items.length === x.b.items.length) {
        return x.a.items.every((ai, i) =>
          runnable(
            { x: { k: 'unify', a: ai, b: (x.b as { items: readonly T[] }).items[i] as T }, neg: false, with: [], loc: e.loc },
            bound,
          ),
        );
      }
      return false;
    }
    case 'somein': {
      const s = new Set<string>();
      inVars(x.coll, s);
      if (x.key) patVars(x.key, s);
      patVars(x.val, s);
      return subset(s, bound);
    }
    default: {
      const n = needsOf(e);
      const own = new Set<string>();
      if (x.k === 'term' && x.t.k === 'call') x.t.args.forEach((a) => a.k === 'ref' && outVars(a, own));
      if (x.k === 'callout') x.args.forEach((a) => a.k === 'ref' && outVars(a, own));
      for (const v of own) n.delete(v);
      return subset(n, bound);
    }
  }
}

/** Orders `body` so every expression runs after the ones binding its vars; reports unsafe vars. */
function orderBody(
  body: Body,
  bound0: ReadonlySet<string>,
  problems: Problems,
  headNeeds?: { vars: Set<string>; loc: ErrorLocation },
): Body {
  const bound = new Set(bound0);
  const pending = [...body];
  const out: E[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((e) => runnable(e, bound));
    if (i < 0) break;
    const [e] = pending.splice(i, 1) as [E];
    out.push(orderNested(e, bound, problems));
    bindsOf(e).forEach((v) => bound.add(v));
  }
  for (const e of pending) {
    const s = needsOf(e);
    if (e.neg && e.x.k === 'term') outVars(e.x.t, s);
    if (e.x.k === 'unify') {
      outVars(e.x.a, s);
      outVars(e.x.b, s);
    }
    const unsafe = [...s].filter((v) => !bound.has(v) && !v.startsWith('_$'));
    const vars = unsafe.length > 0 ? unsafe : [...s].filter((v) => !bound.has(v));
    for (const v of vars.length ? vars : ['expression'])
      problems.add('rego_unsafe_var_error', v === 'expression' ? 'expression is unsafe' : `var ${displayName(v)} is unsafe`, e.loc);
    out.push(e);
  }
  if (headNeeds && pending.length === 0) {
    for (const v of headNeeds.vars)
      if (!bound.has(v)) problems.add('rego_unsafe_var_error', `var ${displayName(v)} is unsafe`, headNeeds.loc);
  }
  return out;
}

function displayName(v: string): string {
  const i = v.indexOf('$');
  return i > 0 ? v.slice(0, i) : v;
}

function orderTerm(t: T, bound: ReadonlySet<string>, problems: Problems): T {
  switch (t.k) {
    case 'ac':
    case 'sc':
    case 'oc': {
      const inner = new Set<string>(bound);
      freeVars(t, inner);
      const head = new Set<string>();
      if (t.k === 'oc') {
        inVars(t.key, head);
        inVars(t.value, head);
      } else inVars(t.term, head);
      const body = orderBody(t.body, inner, problems, { vars: head, loc: { file: '', row: 0, col: 0 } });
      if (t.k === 'oc') return { ...t, key: orderTerm(t.key, inner, problems), value: orderTerm(t.value, inner, problems), body };
      return { ...t, term: orderTerm(t.term, inner, problems), body };
    }
    case 'ref':
      return { ...t, head: orderTerm(t.head, bound, problems), path: t.path.map((p) => orderTerm(p, bound, problems)) };
    case 'arr':
    case 'set':
      return { ...t, items: t.items.map((i) => orderTerm(i, bound, problems)) };
    case 'obj':
      return { ...t, items: t.items.map(([a, b]) => [orderTerm(a, bound, problems), orderTerm(b, bound, problems)] as const) };
    case 'call':
      return { ...t, args: t.args.map((a) => orderTerm(a, bound, problems)) };
    default:
      return t;
  }
}

function orderNested(e: E, bound: ReadonlySet<string>, problems: Problems): E {
  const x = e.x;
  let nx: X;
  switch (x.k) {
    case 'unify':
      nx = { ...x, a: orderTerm(x.a, bound, problems), b: orderTerm(x.b, bound, problems) };
      break;
    case 'term':
      nx = { ...x, t: orderTerm(x.t, bound, problems) };
      break;
    case 'callout':
      nx = { ...x, args: x.args.map((t) => orderTerm(t, bound, problems)), out: orderTerm(x.out, bound, problems) };
      break;
    case 'somein':
      nx = { ...x, coll: orderTerm(x.coll, bound, problems) };
      break;
    case 'every': {
      const inner = new Set(bound);
      if (x.key) outVars(x.key, inner);
      outVars(x.val, inner);
      nx = { ...x, domain: orderTerm(x.domain, bound, problems), body: orderBody(x.body, inner, problems) };
      break;
    }
    case 'notbody':
      nx = { ...x, body: orderBody(x.body, bound, problems) };
      break;
    case 'or':
    case 'and':
      nx = { ...x, lhs: orderBody(x.lhs, bound, problems), rhs: orderBody(x.rhs, bound, problems) };
      break;
    default:
      nx = x;
  }
  return { ...e, x: nx, with: e.with.map((w) => ({ ...w, value: orderTerm(w.value, bound, problems) })) };
}

// ---------------------------------------------------------------------------------------

/** The compiled policy set: the rule tree and base data. */
export interface Compiled {
  readonly root: RuleNode;
  readonly problems: Problems;
}

function newNode(path: readonly string[]): RuleNode {
  return { path, children: new Map(), rules: [], defaults: [], funcs: [], hasRules: false };
}

function nodeAt(root: RuleNode, path: readonly string[]): RuleNode {
  let n = root;
  for (const p of path) {
    let c = n.children.get(p);
    if (!c) {
      c = newNode([...n.path, p]);
      n.children.set(p, c);
    }
    n.hasRules = true;
    n = c;
  }
  n.hasRules = true;
  return n;
}

/** Ground prefix of a head ref (after the rule var): strings only. */
function headPrefix(rule: Rule): { prefix: string[]; rest: AstTerm[] } {
  const [, ...parts] = rule.head.ref;
  const prefix: string[] = [(rule.head.ref[0] as { name: string }).name];
  let i = 0;
  for (; i < parts.length; i++) {
    const p = parts[i] as AstTerm;
    if (p.type !== 'string') break;
    prefix.push(p.value);
  }
  return { prefix, rest: parts.slice(i) };
}

/** Parses every module (one problem list), then lowers the rules. */
export function compileModules(
  modules: readonly ModuleSource[],
  defaultVersion: 'v0' | 'v1',
  builtins: ReadonlyMap<string, BuiltinDef>,
  queryModule?: ModuleSource,
): { root: RuleNode; queryBody?: Body; queryVars?: string[] } {
  const problems = new Problems();
  const parsed: Module[] = [];
  const all = queryModule ? [...modules, queryModule] : modules;
  for (const m of all) {
    if (m.ast !== undefined) {
      parsed.push(m.ast);
      continue;
    }
    const r = parse(m.source, { file: m.id, regoVersion: m.regoVersion ?? defaultVersion });
    for (const e of r.errors) problems.add(e.code, e.message, loc(e.location));
    if (r.module) parsed.push(r.module);
  }
  if (problems.list.length > 0) throw new RegoCompileError(problems.list);

  // Function arities and rule names per package.
  const funcArity = new Map<string, number>();
  const pkgRules = new Map<string, Set<string>>();
  for (const m of parsed) {
    const pkg = m.package.path.join('.');
    const names = pkgRules.get(pkg) ?? new Set<string>();
    pkgRules.set(pkg, names);
    for (const r of m.rules) {
      const name = (r.head.ref[0] as { name: string }).name;
      names.add(name);
      if (r.kind === 'function') {
        const { prefix } = headPrefix(r);
        funcArity.set(['data', ...m.package.path, ...prefix].join('.'), r.head.args?.length ?? 0);
      }
    }
  }
  const ctx: Ctx = { fresh: 0, problems, funcArity, builtins, unknownCalls: [], v1Module: false, meta: undefined };
  const annotations = new AnnotationSet(queryModule ? parsed.slice(0, -1) : parsed);
  for (const p of annotations.problems) problems.add(p.code, p.message, p.location);
  const root = newNode([]);
  let queryBody: Body | undefined;
  let queryVars: string[] | undefined;

  for (const m of parsed) {
    const pkg = m.package.path;
    const globals = new Map<string, T>();
    const pkgT = (name: string): T => ({
      k: 'ref',
      head: { k: 'data' },
      path: [...pkg, name].map((s) => ({ k: 'val', v: s })),
      loc: loc(m.package.location),
    });
    for (const name of pkgRules.get(pkg.join('.')) ?? []) globals.set(name, pkgT(name));
    for (const imp of m.imports) {
      const parts = imp.path.value;
      const head = parts[0];
      if (head?.type !== 'var' || (head.name !== 'data' && head.name !== 'input')) continue;
      const strs = parts.slice(1).map((p) => (p.type === 'string' ? p.value : ''));
      const alias = imp.alias ?? strs[strs.length - 1] ?? head.name;
      globals.set(alias, {
        k: 'ref',
        head: head.name === 'data' ? { k: 'data' } : { k: 'input' },
        path: strs.map((s) => ({ k: 'val', v: s })),
        loc: loc(imp.location),
      });
    }
    const isQuery = queryModule !== undefined && m === parsed[parsed.length - 1];
    ctx.v1Module = !isQuery && m.regoVersion === 'v1';
    if (!isQuery) nodeAt(root, pkg);
    const top: Scope = { locals: new Map(), globals, ctx };
    for (const r of m.rules) {
      if (isQuery) {
        const { body, scope } = lowerBody(r.body, top, [], true);
        queryBody = orderBody(body, new Set(), problems);
        queryVars = [...scope.locals.values()].filter((v) => !v.includes('$') && !v.startsWith('_'));
        continue;
      }
      const { prefix, rest } = headPrefix(r);
      const node = nodeAt(root, [...pkg, ...prefix]);
      const path = ['data', ...pkg, ...prefix].join('.');
      ctx.meta = { set: annotations, module: m, rule: r, own: true };
      const rule = lowerRule(r, top, rest, path);
      ctx.meta = undefined;
      if (r.kind === 'function') node.funcs.push(rule);
      else if (r.default) node.defaults.push(rule);
      else node.rules.push(rule);
    }
  }
  if (!queryModule) checkTree(root, problems);
  checkFunctionRefs(root, problems, queryModule ? (queryBody ?? []) : undefined);
  for (const u of ctx.unknownCalls) {
    if (!u.name.startsWith('data.')) problems.add('rego_type_error', `undefined function ${u.name}`, u.loc);
  }
  if (problems.list.length > 0) throw new RegoCompileError(firstStage(problems.list));
  markTree(root);
  if (queryBody) markBody(queryBody);
  return queryBody ? { root, queryBody, queryVars: queryVars ?? [] } : { root };
}

/**
 * OPA's compiler stops after the first stage that reports errors; this is the stage order of
 * the problems found here (local-var rewriting, rule conflicts, undefined functions, safety,
 * recursion, type checks, deprecated built-ins).
 */
function stageOf(p: CompileProblem): number {
  if (p.code === 'rego_compile_error') return 0;
  if (p.code === 'rego_type_error' && /^(conflicting rules|multiple default rules|rule \S+ conflicts with)/.test(p.message)) return 1;
  if (p.code === 'rego_type_error' && p.message.startsWith('undefined function ')) return 2;
  if (p.code === 'rego_unsafe_var_error') return 3;
  if (p.code === 'rego_recursion_error') return 4;
  if (p.code === 'rego_type_error' && p.message.startsWith('deprecated built-in function calls')) return 6;
  return 5;
}

function firstStage(list: readonly CompileProblem[]): CompileProblem[] {
  const first = Math.min(...list.map(stageOf));
  return list.filter((p) => stageOf(p) === first);
}

/**
 * OPA's `rewriteDeclaredVar` checks for one body level: a var declared with `:=` or `some`
 * must not already occur at this level ("var x referenced above", "assigned above",
 * "declared above"; a function's argument: "arg x redeclared"). Vars known from an enclosing
 * body may be shadowed; nested bodies are checked on their own.
 */
type Occurrence = 'seen' | 'assigned' | 'declared' | 'arg';

/** The vars of a declaration pattern as checkRedeclared reads it (a one-var ref counts as its var). */
function redeclPat(t: AstTerm, out: string[]): void {
  if (t.type === 'var') out.push(t.name);
  else if (t.type === 'ref' && t.value.length === 1 && t.value[0]?.type === 'var') out.push(t.value[0].name);
  else if (t.type === 'array' || t.type === 'set') for (const i of t.items) redeclPat(i, out);
  else if (t.type === 'object') for (const [, v] of t.items) redeclPat(v, out);
}

/** Marks `vars` as referenced at this level (unless known from outside). */
function seeVars(occ: Map<string, Occurrence>, outer: Scope, vars: Iterable<string>): void {
  for (const v of vars) {
    if (v === '_' || occ.has(v) || outer.locals.has(v) || outer.globals.has(v) || v === 'input' || v === 'data') continue;
    occ.set(v, 'seen');
  }
}

/** Declares `names` at this level, reporting those that occurred above. */
function declareVars(
  occ: Map<string, Occurrence>,
  outer: Scope,
  names: readonly string[],
  kind: 'assigned' | 'declared',
  e: AstExpr,
): void {
  for (const d of names) {
    if (d === '_') continue;
    if (kind === 'assigned' && (d === 'input' || d === 'data')) {
      outer.ctx.problems.add('rego_compile_error', `variables must not shadow ${d} (use a different variable name)`, loc(e.location));
      continue;
    }
    const o = occ.get(d);
    if (o !== undefined) {
      const msg = o === 'arg' ? `arg ${d} redeclared` : `var ${d} ${o === 'seen' ? 'referenced' : o} above`;
      outer.ctx.problems.add('rego_compile_error', msg, loc(e.location));
      continue;
    }
    occ.set(d, kind);
  }
}

/** The plain vars of `t` used as a term of `e` (without `e`'s `with`s). */
function usedIn(t: AstTerm, e: AstExpr): Set<string> {
  const into = new Set<string>();
  usedVars([{ ...e, terms: t, with: [] }], into);
  return into;
}

function checkRedeclared(body: AstBody, args: readonly string[], outer: Scope): void {
  const occ = new Map<string, Occurrence>();
  for (const a of args) occ.set(a, 'arg');
  for (const e of body) {
    const x = e.terms;
    if (x.type === 'some') {
      for (const sym of x.symbols) {
        if (sym.type === 'var') declareVars(occ, outer, [sym.name], 'declared', e);
        else if (sym.type === 'call') {
          const coll = sym.args[sym.args.length - 1];
          if (coll) seeVars(occ, outer, usedIn(coll, e));
          const names: string[] = [];
          for (let i = 0; i < sym.args.length - 1; i++) redeclPat(sym.args[i] as AstTerm, names);
          declareVars(occ, outer, names, 'declared', e);
        }
      }
    } else if (
      x.type === 'call' &&
      x.operator.value.length === 1 &&
      x.operator.value[0]?.type === 'var' &&
      x.operator.value[0].name === 'assign' &&
      x.args[0] &&
      x.args[1]
    ) {
      seeVars(occ, outer, usedIn(x.args[1], e));
      const names: string[] = [];
      redeclPat(x.args[0], names);
      declareVars(occ, outer, names, 'assigned', e);
    }
    const all = new Set<string>();
    usedExprVars(e, all);
    seeVars(occ, outer, all);
  }
}

/** The vars of a function's argument pattern. */
function collectArgVars(t: AstTerm, into: Set<string>): void {
  if (t.type === 'var') into.add(t.name);
  else if (t.type === 'array' || t.type === 'set') for (const i of t.items) collectArgVars(i, into);
  else if (t.type === 'object') for (const [, v] of t.items) collectArgVars(v, into);
}

function lowerRule(r: Rule, top: Scope, rest: readonly AstTerm[], path: string): CRule {
  const ctx = top.ctx;
  const ruleName = (r.head.ref[0] as { name?: string } | undefined)?.name;
  if (!r.else && (ruleName === 'input' || ruleName === 'data')) {
    ctx.problems.add('rego_compile_error', `rules must not shadow ${ruleName} (use a different rule name)`, loc(r.location));
  }
  for (const a of r.head.args ?? []) {
    const v =
      a.type === 'var' ? a.name : a.type === 'ref' && a.value.length === 1 && a.value[0]?.type === 'var' ? a.value[0].name : undefined;
    if (!r.else && (v === 'input' || v === 'data')) {
      ctx.problems.add('rego_compile_error', `args must not shadow ${v} (use a different variable name)`, loc(r.location));
    }
  }
  const argVars = new Set<string>();
  for (const a of r.head.args ?? []) collectArgVars(a, argVars);
  const lowered = lowerBody(r.body, top, [...argVars], true);
  const scope = lowered.scope;
  const body: E[] = [...lowered.body];
  // A template-string argument is matched after the body (OPA rewrites it to a local that
  // the body's last expression sets), so the vars it uses can come from the body.
  const tplArg = (t: T): T => {
    if (t.k === 'tpl') {
      const v: T = { k: 'var', n: freshName(ctx, 'tpl') };
      body.push({ x: { k: 'unify', a: v, b: t }, neg: false, with: [], loc: t.loc });
      return v;
    }
    if (t.k === 'arr') return { k: 'arr', items: t.items.map(tplArg) };
    return t;
  };
  const args = (r.head.args ?? []).map((a) => tplArg(lowerTerm(a, scope)));
  const boundArgs = new Set<string>();
  args.forEach((a) => outVars(a, boundArgs));
  const restT = rest.map((p) => lowerTerm(p, scope));
  let kind: CRule['kind'];
  if (r.kind === 'function') kind = 'func';
  else if (r.kind === 'partial-set') kind = 'set';
  else if (restT.length > 0) kind = 'obj';
  else kind = 'complete';
  const keyT = r.kind === 'partial-set' && r.head.key ? lowerTerm(r.head.key, scope) : undefined;
  const value: T = r.head.value ? lowerTerm(r.head.value, scope) : { k: 'val', v: true };
  const headVars = new Set<string>();
  if (keyT) inVars(keyT, headVars);
  inVars(value, headVars);
  restT.forEach((t) => inVars(t, headVars));
  args.forEach((a) => inVars(a, headVars));
  const ordered = orderBody(body, boundArgs, ctx.problems, { vars: headVars, loc: loc(r.head.location) });
  // An `else` branch is a rule of its own to OPA's AnnotationSet (same path): no `rule`-scope blocks.
  if (r.else && ctx.meta) ctx.meta = { ...ctx.meta, own: false };
  const elseRule = r.else ? lowerRule({ ...r.else, head: { ...r.else.head, args: r.head.args } }, top, rest, path) : undefined;
  return {
    kind,
    rest: restT,
    key: keyT,
    value,
    args,
    body: ordered,
    else: elseRule,
    isDefault: r.default,
    loc: loc(r.location),
    path,
  };
}

// ---------------------------------------------------------------------------------------
// Recursion check (OPA's rego_recursion_error) and rule conflicts at compile time.

function collectRefs(t: T, out: string[][]): void {
  switch (t.k) {
    case 'ref': {
      if (t.head.k === 'data') {
        const path: string[] = [];
        for (const p of t.path) {
          if (p.k !== 'val' || typeof p.v !== 'string') break;
          path.push(p.v);
        }
        out.push(path);
      } else collectRefs(t.head, out);
      t.path.forEach((p) => collectRefs(p, out));
      return;
    }
    case 'data':
      out.push([]);
      return;
    case 'arr':
    case 'set':
      t.items.forEach((i) => collectRefs(i, out));
      return;
    case 'obj':
      t.items.forEach(([a, b]) => {
        collectRefs(a, out);
        collectRefs(b, out);
      });
      return;
    case 'call':
      if (t.fn.startsWith('data.')) out.push(t.fn.split('.').slice(1));
      t.args.forEach((a) => collectRefs(a, out));
      return;
    case 'ac':
    case 'sc':
      collectRefs(t.term, out);
      bodyRefs(t.body, out);
      return;
    case 'oc':
      collectRefs(t.key, out);
      collectRefs(t.value, out);
      bodyRefs(t.body, out);
      return;
    case 'tpl':
      t.parts.forEach((p) => typeof p !== 'string' && collectRefs(p, out));
      return;
    default:
      return;
  }
}

function bodyRefs(body: Body, out: string[][]): void {
  for (const e of body) {
    const x = e.x;
    switch (x.k) {
      case 'unify':
        collectRefs(x.a, out);
        collectRefs(x.b, out);
        break;
      case 'term':
        collectRefs(x.t, out);
        break;
      case 'callout':
        if (x.fn.startsWith('data.')) out.push(x.fn.split('.').slice(1));
        x.args.forEach((a) => collectRefs(a, out));
        collectRefs(x.out, out);
        break;
      case 'somein':
        collectRefs(x.coll, out);
        break;
      case 'every':
        collectRefs(x.domain, out);
        bodyRefs(x.body, out);
        break;
      case 'notbody':
        bodyRefs(x.body, out);
        break;
      case 'and':
      case 'or':
        bodyRefs(x.lhs, out);
        bodyRefs(x.rhs, out);
        break;
      default:
        break;
    }
    for (const w of e.with) collectRefs(w.value, out);
  }
}

function ruleRefs(r: CRule, out: string[][]): void {
  for (let b: CRule | undefined = r; b; b = b.else) {
    bodyRefs(b.body, out);
    collectRefs(b.value, out);
    if (b.key) collectRefs(b.key, out);
    b.rest.forEach((t) => collectRefs(t, out));
  }
}

/** Rule nodes a data path reads: the node at the path's end (or the deepest on it) and all below. */
function targets(root: RuleNode, path: readonly string[]): RuleNode[] {
  let n: RuleNode | undefined = root;
  for (const p of path) {
    const c: RuleNode | undefined = n.children.get(p);
    if (!c) return n.rules.length || n.funcs.length || n.defaults.length ? [n] : [];
    n = c;
    if (n.rules.length || n.funcs.length || n.defaults.length) return [n];
  }
  const out: RuleNode[] = [];
  const walk = (x: RuleNode): void => {
    if (x.rules.length || x.funcs.length || x.defaults.length) out.push(x);
    x.children.forEach(walk);
  };
  walk(n);
  return out;
}

/** Reports rule-kind conflicts, several defaults and recursion. */
/** The rules in a node's subtree below it (OPA's `flattenChildren`), children in key order. */
function subtreeRules(n: RuleNode): CRule[] {
  const out: CRule[] = [];
  const walk = (x: RuleNode): void => {
    out.push(...x.rules, ...x.defaults, ...x.funcs);
    [...x.children.keys()].sort().forEach((k) => walk(x.children.get(k) as RuleNode));
  };
  [...n.children.keys()].sort().forEach((k) => walk(n.children.get(k) as RuleNode));
  return out;
}

/** A rule's ref as OPA prints it: `data.a.b[x]` (local var names without their renaming suffix). */
function ruleRefText(r: CRule): string {
  let s = r.path;
  for (const t of r.rest) {
    if (t.k === 'val' && typeof t.v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.v)) s += `.${t.v}`;
    else if (t.k === 'val') s += `[${formatValue(t.v)}]`;
    else if (t.k === 'var') s += `[${t.n.replace(/\$\d+$/, '')}]`;
    else s += '[_]';
  }
  return s;
}

export function checkTree(root: RuleNode, problems: { add(code: string, message: string, location?: ErrorLocation): void }): void {
  const all: RuleNode[] = [];
  const walk = (x: RuleNode): void => {
    if (x.rules.length || x.funcs.length || x.defaults.length) all.push(x);
    x.children.forEach(walk);
  };
  walk(root);
  for (const n of all) {
    const name = ['data', ...n.path].join('.');
    const kinds = new Set(n.rules.map((r) => (r.kind === 'obj' || (r.kind === 'set' && r.rest.length > 0) ? 'obj' : r.kind)));
    if (n.funcs.length > 0 && n.rules.length > 0) kinds.add('func');
    const first = (n.rules[0] ?? n.defaults[0] ?? n.funcs[0])?.loc;
    // OPA's checkRuleConflicts: one error per node, the first that applies.
    const ground = [...n.rules, ...n.defaults, ...n.funcs].some((r) => r.rest.length === 0);
    const inside = ground ? subtreeRules(n) : [];
    const defaults = [...n.defaults, ...n.funcs.filter((f) => f.isDefault)];
    if (inside.length > 0) {
      const at = (l: ErrorLocation): string => `${l.file}:${l.row}`;
      problems.add(
        'rego_type_error',
        `rule ${name} conflicts with:\n${inside.map((r) => `  rule ${ruleRefText(r)} at ${at(r.loc)}`).join('\n')}`,
        first,
      );
    } else if (kinds.size > 1) problems.add('rego_type_error', `conflicting rules ${name} found`, first);
    else if (defaults.length > 1) {
      problems.add(
        'rego_type_error',
        `multiple default rules ${name} found at ${defaults.map((d) => `${d.loc.file}:${d.loc.row}`).join(', ')}`,
        defaults[0]?.loc,
      );
    }
  }
  const deps = new Map<RuleNode, RuleNode[]>();
  for (const n of all) {
    const refs: string[][] = [];
    for (const r of [...n.rules, ...n.funcs, ...n.defaults]) ruleRefs(r, refs);
    const ds = new Set<RuleNode>();
    for (const p of refs) if (p.length > 0) for (const t of targets(root, p)) ds.add(t);
    deps.set(n, [...ds]);
  }
  const state = new Map<RuleNode, 1 | 2>();
  const stack: RuleNode[] = [];
  const reported = new Set<RuleNode>();
  const visit = (n: RuleNode): void => {
    state.set(n, 1);
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const s = state.get(d);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(d)).concat(d);
        if (!reported.has(d)) {
          reported.add(d);
          const name = (x: RuleNode): string => ['data', ...x.path].join('.');
          const loc = (d.rules[0] ?? d.funcs[0] ?? d.defaults[0])?.loc;
          problems.add('rego_recursion_error', `rule ${name(d)} is recursive: ${cycle.map(name).join(' -> ')}`, loc);
        }
      } else if (s === undefined) visit(d);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of all) if (!state.has(n)) visit(n);
}

/**
 * OPA's type checker refuses a function used as a value (`y := f`, `some x in f`, `[data.p.f]`):
 * `rego_type_error: function data.p.f used as reference, not called`. Calls and `with` values
 * (mock functions) are not references. Checks the rules of the tree, or only `query` when given.
 */
function checkFunctionRefs(
  root: RuleNode,
  problems: { add(code: string, message: string, location?: ErrorLocation): void },
  query?: Body,
): void {
  const seen = new Set<string>();
  const ref = (t: T & { k: 'ref' }): void => {
    if (t.head.k !== 'data') return;
    let node: RuleNode | undefined = root;
    for (let i = 0; i < t.path.length; i++) {
      const p = t.path[i] as T;
      if (p.k !== 'val' || typeof p.v !== 'string') return;
      node = node.children.get(p.v);
      if (node === undefined) return;
      if (node.funcs.length > 0) {
        // The rest of the ref, less a trailing variable (OPA drops its `__localN__`).
        const rest = t.path.slice(i + 1);
        const last = rest[rest.length - 1];
        const shown = last !== undefined && last.k === 'var' && last.n.includes('$') ? rest.slice(0, -1) : rest;
        const text =
          ['data', ...node.path].join('.') +
          shown.map((x) => (x.k === 'val' && typeof x.v === 'string' ? `.${x.v}` : formatRefPart(x))).join('');
        const key = `${t.loc.file}:${t.loc.row}:${t.loc.col}:${text}`;
        if (!seen.has(key)) {
          seen.add(key);
          problems.add('rego_type_error', `function ${text} used as reference, not called`, t.loc);
        }
        return;
      }
    }
  };
  const term = (t: T): void => {
    switch (t.k) {
      case 'ref':
        ref(t);
        term(t.head);
        t.path.forEach(term);
        return;
      case 'arr':
      case 'set':
        t.items.forEach(term);
        return;
      case 'obj':
        for (const [k, v] of t.items) {
          term(k);
          term(v);
        }
        return;
      case 'call':
        t.args.forEach(term);
        return;
      case 'ac':
      case 'sc':
        term(t.term);
        body(t.body);
        return;
      case 'oc':
        term(t.key);
        term(t.value);
        body(t.body);
        return;
      case 'tpl':
        for (const p of t.parts) if (typeof p !== 'string') term(p);
        return;
      default:
        return;
    }
  };
  const expr = (x: X): void => {
    switch (x.k) {
      case 'unify':
        term(x.a);
        term(x.b);
        return;
      case 'term':
        term(x.t);
        return;
      case 'callout':
        x.args.forEach(term);
        term(x.out);
        return;
      case 'somein':
        if (x.key) term(x.key);
        term(x.val);
        term(x.coll);
        return;
      case 'every':
        if (x.key) term(x.key);
        term(x.val);
        term(x.domain);
        body(x.body);
        return;
      case 'notbody':
        body(x.body);
        return;
      case 'or':
      case 'and':
        body(x.lhs);
        body(x.rhs);
        return;
      default:
        return;
    }
  };
  const body = (b: Body): void => {
    for (const e of b) expr(e.x);
  };
  const rule = (r: CRule | undefined): void => {
    for (let x = r; x !== undefined; x = x.else) {
      x.rest.forEach(term);
      if (x.key) term(x.key);
      term(x.value);
      x.args.forEach(term);
      body(x.body);
    }
  };
  if (query) {
    body(query);
    return;
  }
  const node = (n: RuleNode): void => {
    n.rules.forEach(rule);
    n.defaults.forEach(rule);
    n.funcs.forEach(rule);
    n.children.forEach(node);
  };
  node(root);
}

function formatRefPart(t: T): string {
  return t.k === 'val' ? `[${formatValue(t.v)}]` : `[${t.k === 'var' ? t.n.replace(/\$\d+$/, '') : '_'}]`;
}
