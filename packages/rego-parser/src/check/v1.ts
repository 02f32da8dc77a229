import type { Body, Expr, Module, Rule, Term } from '../ast.js';
import { caretExcerpt, type ParseError } from '../errors.js';
import { refText } from '../parser/util.js';

/** Built-ins OPA v1.22.3 marks deprecated: its compiler rejects calls to them in Rego v1. */
export const DEPRECATED_BUILTINS: ReadonlySet<string> = new Set([
  'all',
  'any',
  'cast_array',
  'cast_boolean',
  'cast_null',
  'cast_object',
  'cast_set',
  'cast_string',
  'net.cidr_overlap',
  're_match',
  'set_diff',
]);

function visitTerm(t: Term, f: (call: Extract<Term, { type: 'call' }>) => void): void {
  switch (t.type) {
    case 'call':
      f(t);
      t.args.forEach((a) => visitTerm(a, f));
      return;
    case 'ref':
      t.value.forEach((a) => visitTerm(a, f));
      return;
    case 'array':
    case 'set':
      t.items.forEach((a) => visitTerm(a, f));
      return;
    case 'object':
      t.items.forEach(([k, v]) => (visitTerm(k, f), visitTerm(v, f)));
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
      visitTerm(t.term, f);
      visitBody(t.body, f);
      return;
    case 'objectcomprehension':
      visitTerm(t.key, f);
      visitTerm(t.value, f);
      visitBody(t.body, f);
      return;
    case 'templatestring':
      t.parts.forEach((p) => (p.type === 'expr' ? visitExpr(p, f) : undefined));
      return;
    default:
  }
}

function visitExpr(e: Expr, f: (call: Extract<Term, { type: 'call' }>) => void): void {
  const t = e.terms;
  switch (t.type) {
    case 'some':
      t.symbols.forEach((s) => visitTerm(s, f));
      break;
    case 'every':
      if (t.key) visitTerm(t.key, f);
      visitTerm(t.value, f);
      visitTerm(t.domain, f);
      // OPA's check does not look inside `every` bodies.
      break;
    case 'notbody':
      visitBody(t.body, f);
      break;
    case 'logicaland':
    case 'logicalor':
      visitBody(t.lhs, f);
      visitBody(t.rhs, f);
      break;
    default:
      visitTerm(t, f);
  }
  for (const w of e.with) {
    visitTerm(w.target, f);
    visitTerm(w.value, f);
  }
}

function visitBody(b: Body, f: (call: Extract<Term, { type: 'call' }>) => void): void {
  b.forEach((e) => visitExpr(e, f));
}

function visitRule(r: Rule, f: (call: Extract<Term, { type: 'call' }>) => void): void {
  for (let x: Rule | undefined = r; x; x = x.else) {
    x.head.ref.forEach((t) => visitTerm(t, f));
    x.head.args?.forEach((t) => visitTerm(t, f));
    if (x.head.key) visitTerm(x.head.key, f);
    if (x.head.value) visitTerm(x.head.value, f);
    visitBody(x.body, f);
  }
}

/**
 * Checks OPA's compiler makes on Rego v1 modules beyond parsing (`opa check`, not
 * `opa parse`): calls to deprecated built-ins (`rego_type_error`). `source` is used for
 * the caret excerpts.
 */
export function checkRegoV1(module: Module, source: string): ParseError[] {
  const errors: ParseError[] = [];
  for (const r of module.rules) {
    visitRule(r, (call) => {
      const name = refText(call.operator.value);
      if (call.infix === undefined && DEPRECATED_BUILTINS.has(name)) {
        errors.push({
          code: 'rego_type_error',
          message: `deprecated built-in function calls in expression: ${name}`,
          location: call.location,
          excerpt: caretExcerpt(source, call.location.offset),
        });
      }
    });
  }
  return errors;
}
