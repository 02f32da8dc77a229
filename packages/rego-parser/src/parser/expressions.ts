import type { Body, Expr, Term, With } from '../ast.js';
import type { Location } from '../location.js';
import type { ParserState } from './state.js';
import {
  attachWith,
  errorAmbiguousUnionBody,
  foldLogicalTail,
  isAmbiguousUnionBody,
  logicalKeywordsActive,
  parseLogicalGroup,
  parseLogicalOrChain,
  parseNotBody,
} from './logical.js';
import { exprOp, infixCall, parseTermInfixCall } from './infix.js';
import { parseTerm, parseVar, scanAheadRef } from './terms.js';

/** `{ ... }` body contents up to `end` (which is left as the current token). */
export function parseBody(p: ParserState, end: string): Body | undefined {
  if (!p.enter()) return undefined;
  try {
    return parseQuery(p, false, end);
  } finally {
    p.leave();
  }
}

/** A query: literals separated by `;` or newlines. */
export function parseQuery(p: ParserState, requireSemi: boolean, end: string): Body | undefined {
  if (p.tok() === end) {
    p.error(p.loc(), 'found empty body');
    return undefined;
  }
  const body: Expr[] = [];
  for (;;) {
    const expr = parseLiteral(p);
    if (!expr) return undefined;
    body.push(expr);
    if (p.tok() === ';') {
      p.scan();
      continue;
    }
    if (p.tok() === end || requireSemi) return body;
    if (!p.skippedNL) {
      if (p.errors.length === 0) {
        hintMissingInfixKeyword(p);
        p.illegal(`expected \\n or ; or ${end === 'eof' ? 'eof' : end}`);
      }
      return undefined;
    }
  }
}

function hintMissingInfixKeyword(p: ParserState): void {
  if (p.hints.length > 0) return;
  const kw = p.tok() === 'ident' ? p.lit : p.tok() === ',' ? 'in' : '';
  const ex: Record<string, string> = { in: 'x in xs', and: 'x and y', or: 'x or y' };
  if (!(kw in ex) || p.isKeyword(kw)) return;
  if (p.tok() === ',') {
    // `x, y in xs` would parse with the keyword: look for ` in ` later on this line.
    let j = p.i;
    let seen = false;
    while (j < p.toks.length && !(p.toks[j]?.nl && j > p.i)) {
      if (p.toks[j]?.kind === 'ident' && p.toks[j]?.text === 'in') seen = true;
      j++;
    }
    if (!seen) return;
  }
  p.hint(`\`import future.keywords.${kw}\` for \`${ex[kw] ?? ''}\` expressions`);
}

/** `not` that starts a negation (not a ref like `not.x`). */
export function isNegated(p: ParserState): boolean {
  if (p.tok() !== 'not') return false;
  const next = p.peekWS();
  return next !== '.' && next !== '[';
}

/** One body literal: `[not] expr [with ...]`, `some ...`, `every ...`. */
export function parseLiteral(p: ParserState): Expr | undefined {
  const loc = p.loc();
  if (p.tok() === '{' && logicalKeywordsActive(p)) {
    const s = p.save();
    p.scan();
    const body = parseBody(p, '}');
    if (body) {
      p.scan();
      if (p.tok() === 'and' || p.tok() === 'or') {
        if (isAmbiguousUnionBody(p, body)) {
          errorAmbiguousUnionBody(p, loc);
          return undefined;
        }
        const outer = parseLogicalOrChain(p, body, true, loc);
        if (!outer) return undefined;
        return attachWith(p, outer);
      }
    }
    p.restore(s);
  }
  if (p.tok() === '(' && logicalKeywordsActive(p)) {
    const g = parseLogicalGroup(p, false, '');
    if (g.committed) {
      if (!g.body) return undefined;
      return foldLogicalTail(p, g.body, g.explicit, g.loc ?? loc);
    }
  }
  if (p.tok() !== 'ident' && p.t.kind === 'ident' && !p.ws && p.isAllowedRefKeyword(p.tok())) {
    const next = p.peekWS();
    if (next === '.' || next === '[') {
      p.override = 'ident';
      return parseLiteralExpr(p, false, loc);
    }
  }
  const negated = isNegated(p);
  if (negated) p.scan();
  if (negated && p.notBodies && p.tok() === '{') {
    const nb = parseNotBody(p, loc);
    if (!nb) return undefined;
    return foldLogicalTail(p, [nb], false, nb.location);
  }
  switch (p.tok()) {
    case 'some':
      if (negated) {
        p.illegal("illegal negation of 'some'");
        return undefined;
      }
      return parseSome(p);
    case 'every':
      if (negated) {
        p.illegal("illegal negation of 'every'");
        return undefined;
      }
      return parseEvery(p);
    default:
      return parseLiteralExpr(p, negated, loc);
  }
}

function parseLiteralExpr(p: ParserState, negated: boolean, loc: Location): Expr | undefined {
  if (negated && p.notBodies && p.tok() === '(') {
    const g = parseLogicalGroup(p, true, 'not ');
    if (g.committed) {
      if (!g.body) return undefined;
      const not: Expr = {
        type: 'expr',
        negated: false,
        terms: { type: 'notbody', body: g.body, explicitBody: g.explicit, location: loc },
        with: [],
        location: loc,
      };
      return foldLogicalTail(p, [not], false, loc);
    }
  }
  const exprStart = p.loc();
  let expr = parseExprRaw(p, loc);
  if (!expr) return undefined;
  if (!p.isKeyword('every') && expr.terms.type === 'var' && expr.terms.name === 'every' && p.tok() === 'ident') {
    p.hint('`import future.keywords.every` for `every x in xs { ... }` expressions');
  }
  let withLoc: Location | undefined;
  if (p.tok() === 'with') {
    withLoc = p.loc();
    const w = parseWith(p);
    if (!w) return undefined;
    expr = { ...expr, with: w };
  }
  if (negated && p.notBodies) {
    const inner: Expr = { ...expr, with: [] };
    expr = {
      type: 'expr',
      negated: false,
      terms: { type: 'notbody', body: [inner], explicitBody: false, location: loc },
      with: expr.with,
      location: loc,
    };
  } else {
    expr = { ...expr, negated };
  }
  const k = p.tok();
  if (k === 'and' || k === 'or') {
    if (withLoc) {
      p.hint(
        `Wrap the operand in \`(...)\` or \`{...}\` to scope, or move \`with\` after the \`${k}\` expression to apply it to the whole expression`,
      );
      p.error(withLoc, `\`with\` modifier is not allowed on operand of \`${k}\``);
      return undefined;
    }
    if (!negated && p.src[exprStart.offset] === '{') {
      const t = expr.terms;
      if (expr.with.length === 0 && t.type === 'object' && t.items.length === 0) {
        p.error(loc, 'found empty body');
        return undefined;
      }
      p.error(loc, `operand of \`${k}\` cannot begin with \`{\` unless the braces hold a body`);
      return undefined;
    }
    const outer = parseLogicalOrChain(p, [expr], false, loc);
    if (!outer) return undefined;
    return attachWith(p, outer);
  }
  return expr;
}

/** `lhs [= | := rhs]` without modifiers. */
export function parseExprRaw(p: ParserState, loc: Location): Expr | undefined {
  const lhs = parseTermInfixCall(p);
  if (!lhs) return undefined;
  const op = exprOp(p);
  if (op) {
    const rhs = parseTermInfixCall(p);
    if (!rhs) return undefined;
    const call = infixCall(op.op, op.op === ':=' ? 'assign' : 'eq', [lhs, rhs], lhs.location, op.loc);
    return { type: 'expr', negated: false, terms: call, with: [], location: loc };
  }
  return { type: 'expr', negated: false, terms: lhs, with: [], location: loc };
}

/** `with a as b [with c as d ...]`. */
export function parseWith(p: ParserState): With[] | undefined {
  const withs: With[] = [];
  for (;;) {
    const location = p.loc();
    p.scan();
    if (p.tok() !== 'ident') {
      p.illegal('expected ident');
      return undefined;
    }
    const target = parseTerm(p);
    if (!target) return undefined;
    if (target.type !== 'ref' && target.type !== 'var') p.illegal('expected with target path');
    if (p.tok() !== 'as') {
      p.illegal('expected as keyword');
      return undefined;
    }
    p.scan();
    const value = parseTermInfixCall(p);
    if (!value) return undefined;
    withs.push({ type: 'with', target, value, location });
    if (p.tok() !== 'with') break;
  }
  return withs;
}

function memberName(t: Term): string | undefined {
  if (t.type !== 'call' || t.infix !== 'in') return undefined;
  const v = t.operator.value;
  return v.length === 2 && v[1]?.type === 'string' ? v[1].value : undefined;
}

function parseSome(p: ParserState): Expr | undefined {
  const location = p.loc();
  const s = p.save();
  p.scan();
  const term = parseTermInfixCall(p);
  if (term && term.type === 'call') {
    const name = memberName(term);
    if (name === 'member_2' || name === 'member_3') {
      const expr: Expr = { type: 'expr', negated: false, terms: { type: 'some', symbols: [term], location }, with: [], location };
      if (p.tok() === 'with') {
        const w = parseWith(p);
        if (!w) return undefined;
        return { ...expr, with: w };
      }
      return expr;
    }
    p.illegal('expected `x in xs` or `x, y in xs` expression');
    return undefined;
  }
  p.restore(s);
  if (p.regoVersion === 'v0' && !p.isKeyword('in')) {
    // Hint like OPA when `in` would have made this parse: an `in` later on this line.
    let j = p.i + 1;
    let isIn = false;
    while (j < p.toks.length && !p.toks[j]?.nl) {
      if (p.toks[j]?.kind === 'ident' && p.toks[j]?.text === 'in') isIn = true;
      j++;
    }
    if (isIn) p.hint('`import future.keywords.in` for `some x in xs` expressions');
  }
  const symbols: Term[] = [];
  for (;;) {
    p.scan();
    if (p.tok() !== 'ident') {
      p.illegal('expected var');
      return undefined;
    }
    symbols.push(parseVar(p));
    p.scan();
    if (p.tok() !== ',') break;
  }
  return { type: 'expr', negated: false, terms: { type: 'some', symbols, location }, with: [], location };
}

function parseEvery(p: ParserState): Expr | undefined {
  const location = p.loc();
  p.scan();
  const term = parseTermInfixCall(p);
  if (!term) return undefined;
  const name = term.type === 'call' ? memberName(term) : undefined;
  if (!name || term.type !== 'call') {
    p.illegal('expected `x[, y] in xs { ... }` expression');
    return undefined;
  }
  let key: Term | undefined;
  let value: Term;
  let domain: Term;
  if (name === 'member_3') {
    [key, value, domain] = term.args as [Term, Term, Term];
    if (key.type !== 'var') {
      p.illegal('expected key to be a variable');
      return undefined;
    }
  } else {
    [value, domain] = term.args as [Term, Term];
  }
  if (value.type !== 'var') {
    p.illegal('expected value to be a variable');
    return undefined;
  }
  if (p.tok() === '{') {
    p.scan();
    const body = parseBody(p, '}');
    if (!body) return undefined;
    p.scan();
    const expr: Expr = {
      type: 'expr',
      negated: false,
      terms: { type: 'every', ...(key ? { key } : {}), value, domain, body, location },
      with: [],
      location,
    };
    if (p.tok() === 'with') {
      const w = parseWith(p);
      if (!w) return undefined;
      return { ...expr, with: w };
    }
    return expr;
  }
  p.illegal('missing body');
  return undefined;
}

/** Re-exported for statement parsers. */
export { scanAheadRef };
