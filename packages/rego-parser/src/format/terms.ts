import type { Body, Comment, Expr, Term, With } from '../ast.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Comments attached to the expressions and block bodies of a module (see `format.ts`). */
export interface CommentPlan {
  /** Comments on lines of their own before an expression, and the one after it on its last line. */
  readonly exprs: Map<Expr, { readonly leading: Comment[]; readonly trailing: Comment[] }>;
  /** A comment after a body's `{` on the same line, and the comments before its `}`. */
  readonly bodies: Map<Body, { readonly opening: Comment[]; readonly closing: Comment[] }>;
}

/** Formatting context: current indentation and, when formatting a whole module, its comments. */
export interface Ctx {
  readonly indent: string;
  readonly comments?: CommentPlan;
}

/** A comment as written: `#` and its text. */
export function commentText(c: Comment): string {
  return `#${c.text}`;
}

/** A string literal (JSON escapes; raw strings in backquotes). */
function str(value: string, raw: boolean | undefined): string {
  if (raw && !value.includes('`')) return `\`${value}\``;
  return JSON.stringify(value);
}

const LEVELS: Record<string, number> = {
  in: 1,
  '==': 2,
  '!=': 2,
  '<': 2,
  '>': 2,
  '<=': 2,
  '>=': 2,
  '|': 3,
  '&': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

/** Binding level of a term: 0 for `k, v in xs`, 1..6 for infix operators, 7 for plain terms. */
function level(t: Term): number {
  if (t.type !== 'call' || t.infix === undefined || t.infix === 'neg') return 7;
  if (t.infix === 'in' && t.args.length === 3) return 0;
  if (t.infix === ':=' || t.infix === '=') return -1;
  return LEVELS[t.infix] ?? 7;
}

/** A term that must bind at least as tightly as `min` (else it gets parentheses). */
export function at(t: Term, min: number, c: Ctx): string {
  return level(t) < min ? `(${term(t, c)})` : term(t, c);
}

/** A term in a single-term position (comprehension heads, object comprehension key/value). */
export function nested(t: Term, c: Ctx): string {
  return at(t, 7, c);
}

/** A term where any term fits (brackets, values). */
export function termTop(t: Term, c: Ctx): string {
  return at(t, 0, c);
}

/** A list item (array/set/object items, call args). `first` items cannot be a bare `|` call. */
function item(t: Term, c: Ctx, first: boolean): string {
  if (first && t.type === 'call' && t.infix === '|') return `(${term(t, c)})`;
  return at(t, 1, c);
}

/** A ref's parts after the head. */
function refTail(parts: readonly Term[], c: Ctx): string {
  let out = '';
  for (const p of parts) {
    if (p.type === 'string' && !p.raw && IDENT.test(p.value)) out += `.${p.value}`;
    else out += `[${termTop(p, c)}]`;
  }
  return out;
}

function refHead(h: Term, c: Ctx): string {
  if (h.type === 'var' || (h.type === 'call' && h.infix === undefined)) return term(h, c);
  if (h.type === 'array' || h.type === 'object' || h.type === 'set' || h.type.endsWith('comprehension')) return term(h, c);
  return `(${term(h, c)})`;
}

/** Formats a term. */
export function term(t: Term, c: Ctx): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(t.value);
    case 'number':
      return t.value;
    case 'string':
      return str(t.value, t.raw);
    case 'var':
      return t.name;
    case 'templatestring': {
      const q = t.raw ? '`' : '"';
      let out = `$${q}`;
      for (const part of t.parts) {
        if (part.type === 'string') {
          const s = t.raw ? part.value : JSON.stringify(part.value).slice(1, -1);
          out += s.replace(/\{/g, '\\{');
        } else out += `{${expr(part, c)}}`;
      }
      return out + q;
    }
    case 'ref': {
      const [h, ...rest] = t.value;
      if (!h) return '';
      return refHead(h, c) + refTail(rest, c);
    }
    case 'call': {
      const [a, b, d] = t.args;
      if (t.infix === 'neg' && b) return `-${at(b, 7, c)}`;
      if (t.infix === 'in' && a && b && d) return `${at(a, 2, c)}, ${at(b, 2, c)} in ${at(d, 2, c)}`;
      if (t.infix !== undefined && a && b && t.args.length === 2) {
        if (t.infix === ':=' || t.infix === '=') return `${termTop(a, c)} ${t.infix} ${termTop(b, c)}`;
        const l = LEVELS[t.infix] ?? 7;
        return `${at(a, l, c)} ${t.infix} ${at(b, l + 1, c)}`;
      }
      return `${term(t.operator, c)}(${t.args.map((x) => item(x, c, false)).join(', ')})`;
    }
    case 'array':
      return `[${t.items.map((x, i) => item(x, c, i === 0)).join(', ')}]`;
    case 'set':
      return t.items.length === 0 ? 'set()' : `{${t.items.map((x, i) => item(x, c, i === 0)).join(', ')}}`;
    case 'object':
      return `{${t.items.map(([k, v], i) => `${item(k, c, i === 0)}: ${item(v, c, i === 0)}`).join(', ')}}`;
    case 'arraycomprehension':
      return `[${nested(t.term, c)} | ${inlineBody(t.body, c)}]`;
    case 'setcomprehension':
      return `{${nested(t.term, c)} | ${inlineBody(t.body, c)}}`;
    case 'objectcomprehension':
      return `{${nested(t.key, c)}: ${nested(t.value, c)} | ${inlineBody(t.body, c)}}`;
  }
}

/** A body on one line, `;`-separated. */
export function inlineBody(b: Body, c: Ctx): string {
  return b.map((e) => expr(e, c)).join('; ');
}

const NOT_TERMS = new Set(['logicaland', 'logicalor', 'some', 'every', 'notbody']);

function isTerm(x: Expr['terms']): x is Term {
  return !NOT_TERMS.has(x.type);
}

/** The leftmost plain term of `t` is directly followed by `|` when printed. */
function barAfterFirstTerm(t: Term): boolean {
  if (t.type !== 'call' || t.infix === undefined || t.infix === 'neg' || t.args.length !== 2) return false;
  const a = t.args[0] as Term;
  const l = t.infix === ':=' || t.infix === '=' ? 0 : (LEVELS[t.infix] ?? 7);
  if (level(a) < l) return false; // printed in parentheses
  if (level(a) === 7) return t.infix === '|';
  return barAfterFirstTerm(a);
}

/**
 * An expression that starts a `p if { ... }` body: `{ x | ...` there would read as a
 * comprehension, so a leading `x | y` gets parentheses.
 */
export function firstBodyExpr(e: Expr, c: Ctx): string {
  const t = e.terms;
  if (e.negated) return expr(e, c);
  if (isTerm(t) && t.type === 'call' && (t.infix === '=' || t.infix === ':=') && t.args.length === 2) {
    const [a, b] = t.args as [Term, Term];
    if (barAfterFirstTerm(a) || (a.type === 'call' && a.infix === '|'))
      return `(${term(a, c)}) ${t.infix} ${termTop(b, c)}${withs(e.with, c)}`;
    return expr(e, c);
  }
  if (isTerm(t) && barAfterFirstTerm(t)) {
    return `(${term(t, c)})${withs(e.with, c)}`;
  }
  if ((t.type === 'logicaland' || t.type === 'logicalor') && !t.explicitLhs && t.lhs.length === 1) {
    const l = t.lhs[0] as Expr;
    const lt = l.terms;
    if (!l.negated && l.with.length === 0 && isTerm(lt) && barAfterFirstTerm(lt)) {
      const rest = expr({ ...e, terms: { ...t, lhs: [{ ...l, terms: { type: 'var', name: '\u0000', location: l.location } }] } }, c);
      return rest.replace('\u0000', `(${term(lt, c)})`);
    }
  }
  return expr(e, c);
}

/** A body in braces over several lines, each expression with its comments. */
export function blockBody(b: Body, c: Ctx): string {
  const inner: Ctx = { ...c, indent: `${c.indent}\t` };
  const lines: { leading: Comment[]; text: string; trailing: Comment[] }[] = [];
  for (const e of b) {
    const attached = c.comments?.exprs.get(e);
    const text = lines.length === 0 ? firstBodyExpr(e, inner) : expr(e, inner);
    const last = lines[lines.length - 1];
    // A line starting with `-` would continue the previous expression as a subtraction; a comment
    // after the previous expression then goes on a line of its own before it.
    if (text.startsWith('-') && last) {
      last.text += `; ${text}`;
      last.leading.push(...last.trailing, ...(attached?.leading ?? []));
      last.trailing = [...(attached?.trailing ?? [])];
    } else lines.push({ leading: [...(attached?.leading ?? [])], text, trailing: [...(attached?.trailing ?? [])] });
  }
  const own = c.comments?.bodies.get(b);
  const [opening, ...more] = own?.opening ?? [];
  const first = lines[0];
  if (more.length > 0) {
    if (first) first.leading.unshift(...more);
    else lines.push({ leading: more, text: '', trailing: [] });
  }
  const out: string[] = [];
  for (const line of lines) {
    for (const l of line.leading) out.push(`${inner.indent}${commentText(l)}`);
    if (line.text !== '') out.push(`${inner.indent}${line.text}${line.trailing.map((t) => ` ${commentText(t)}`).join('')}`);
  }
  for (const l of own?.closing ?? []) out.push(`${inner.indent}${commentText(l)}`);
  return `{${opening ? ` ${commentText(opening)}` : ''}\n${out.join('\n')}\n${c.indent}}`;
}

function withs(ws: readonly With[], c: Ctx): string {
  return ws.map((w) => ` with ${term(w.target, c)} as ${termTop(w.value, c)}`).join('');
}

/** An explicit `{ ... }` operand body: a bare `a | b` inside would read as a comprehension. */
function braceBody(b: Body, c: Ctx): string {
  return b
    .map((e) => (e.terms.type === 'call' && e.terms.infix === '|' && !e.negated ? `(${term(e.terms, c)})${withs(e.with, c)}` : expr(e, c)))
    .join('; ');
}

function operand(b: Body, explicit: boolean, c: Ctx, parentOp: 'logicaland' | 'logicalor', side: 'lhs' | 'rhs'): string {
  if (explicit) return `{ ${braceBody(b, c)} }`;
  const e = b[0];
  if (!e || b.length !== 1) return `{ ${braceBody(b, c)} }`;
  const t = e.terms;
  const s = expr(e, c);
  // A `{` would make the operand a body; `with` would apply to the whole expression.
  if (e.with.length > 0 || s.startsWith('{')) return `(${s})`;
  if (t.type === 'logicaland' || t.type === 'logicalor') {
    const sameOrTighter = side === 'lhs' && (t.type === parentOp || (t.type === 'logicaland' && parentOp === 'logicalor'));
    const andRhsOfOr = side === 'rhs' && parentOp === 'logicalor' && t.type === 'logicaland';
    return sameOrTighter || andRhsOfOr ? s : `(${s})`;
  }
  return s;
}

/** Formats a body expression. */
export function expr(e: Expr, c: Ctx): string {
  const t = e.terms;
  let out: string;
  switch (t.type) {
    case 'some': {
      const [first] = t.symbols;
      if (first && first.type === 'call' && first.infix === 'in') {
        const [a, b, d] = first.args;
        out =
          d && b && a ? `some ${at(a, 2, c)}, ${at(b, 2, c)} in ${at(d, 2, c)}` : `some ${at(a as Term, 2, c)} in ${at(b as Term, 2, c)}`;
      } else out = `some ${t.symbols.map((s) => term(s, c)).join(', ')}`;
      break;
    }
    case 'every':
      out = `every ${t.key ? `${term(t.key, c)}, ` : ''}${term(t.value, c)} in ${at(t.domain, 2, c)} ${blockBody(t.body, c)}`;
      break;
    case 'notbody':
      if (t.explicitBody) out = `not { ${braceBody(t.body, c)} }`;
      else {
        const inner = t.body[0];
        const it = inner?.terms;
        const plain =
          t.body.length === 1 &&
          inner &&
          it &&
          !inner.negated &&
          inner.with.length === 0 &&
          it.type !== 'logicaland' &&
          it.type !== 'logicalor' &&
          it.type !== 'notbody';
        const innerText = inner ? expr(inner, c) : '';
        out = plain && !innerText.startsWith('{') ? `not ${innerText}` : `not (${inlineBody(t.body, c)})`;
      }
      break;
    case 'logicaland':
    case 'logicalor':
      out = `${operand(t.lhs, t.explicitLhs, c, t.type, 'lhs')} ${t.type === 'logicaland' ? 'and' : 'or'} ${operand(t.rhs, t.explicitRhs, c, t.type, 'rhs')}`;
      break;
    default:
      out = term(t, c);
  }
  return `${e.negated ? 'not ' : ''}${out}${withs(e.with, c)}`;
}
