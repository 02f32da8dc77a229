/**
 * Logical `and` / `or` expressions, parenthesised groups and `not { ... }` bodies, as
 * OPA parses them once `import future.keywords.and|or|not` (or `rego.v2`) enables them.
 */
import type { Body, Expr } from '../ast.js';
import type { Location } from '../location.js';
import { VOID_BUILTINS } from './builtins.js';
import { isNegated, parseBody, parseExprRaw, parseWith } from './expressions.js';
import type { ParserState } from './state.js';
import { parseTermInfixCall } from './infix.js';
import { parseTerm } from './terms.js';
import { refText } from './util.js';

/** `and`/`or` are keywords here. */
export function logicalKeywordsActive(p: ParserState): boolean {
  return p.isKeyword('and') || p.isKeyword('or');
}

const mkExpr = (terms: Expr['terms'], location: Location): Expr => ({ type: 'expr', negated: false, terms, with: [], location });

/** Attaches a trailing `with` chain. */
export function attachWith(p: ParserState, e: Expr | undefined): Expr | undefined {
  if (e && p.tok() === 'with') {
    const w = parseWith(p);
    if (!w) return undefined;
    return { ...e, with: w };
  }
  return e;
}

/** Continues an `and`/`or` chain after a parsed operand, else returns the operand. */
export function foldLogicalTail(p: ParserState, body: Body, explicit: boolean, loc: Location): Expr | undefined {
  if (p.tok() === 'and' || p.tok() === 'or') {
    const outer = parseLogicalOrChain(p, body, explicit, loc);
    if (!outer) return undefined;
    return attachWith(p, outer);
  }
  return attachWith(p, body[0]);
}

/** OPA's isAmbiguousUnionBody: `{ a | b }` read as a body holding a set union. */
export function isAmbiguousUnionBody(p: ParserState, b: Body): boolean {
  const e = b[0];
  if (!e) return false;
  const t = e.terms;
  if (t.type !== 'call' || t.infix !== '|') return false;
  return p.src[e.location.offset] !== '(';
}

/** Reports a `{ a | b }` operand that reads as a set union. */
export function errorAmbiguousUnionBody(p: ParserState, loc: Location): void {
  p.error(loc, 'ambiguous `{ ... | ... }` operand: read as a body holding a set-union expression, not as a comprehension');
}

function checkVoidCallOperands(p: ParserState, lhs: Body, rhs: Body, op: string): void {
  for (const b of [lhs, rhs]) {
    let name = '';
    let loc: Location | undefined;
    let ok = true;
    for (const e of b) {
      const t = e.terms;
      if (e.negated || t.type !== 'call') {
        ok = false;
        break;
      }
      const n = refText(t.operator.value);
      if (!VOID_BUILTINS.has(n)) {
        ok = false;
        break;
      }
      if (!name) {
        name = n;
        loc = e.location;
      }
    }
    if (ok && name && loc) {
      p.hint(
        `\`${name}\` produces no value and always succeeds, so the operand can never fail; move it out of the operand, or add an expression that can fail`,
      );
      p.error(loc, `operand of \`${op}\` cannot consist only of calls to \`${name}\``);
    }
  }
}

/** `lhs or rhs ...` (an `and` chain binds tighter). */
export function parseLogicalOrChain(p: ParserState, lhsBody: Body, lhsExplicit: boolean, lhsLoc: Location): Expr | undefined {
  if (!p.enter()) return undefined;
  try {
    if (p.tok() === 'and') {
      const andExpr = parseLogicalAndChain(p, lhsBody, lhsExplicit, lhsLoc);
      if (!andExpr) return undefined;
      lhsBody = [andExpr];
      lhsExplicit = false;
      lhsLoc = andExpr.location;
    }
    while (p.tok() === 'or') {
      p.scan();
      const r = parseLogicalOperand(p, 'or');
      if (!r) return undefined;
      let [rhsBody, rhsExplicit] = r;
      const rhsLoc = r[2];
      if (p.tok() === 'and') {
        const andExpr = parseLogicalAndChain(p, rhsBody, rhsExplicit, rhsLoc);
        if (!andExpr) return undefined;
        rhsBody = [andExpr];
        rhsExplicit = false;
      }
      checkVoidCallOperands(p, lhsBody, rhsBody, 'or');
      const node = mkExpr(
        { type: 'logicalor', lhs: lhsBody, rhs: rhsBody, explicitLhs: lhsExplicit, explicitRhs: rhsExplicit, location: lhsLoc },
        lhsLoc,
      );
      lhsBody = [node];
      lhsExplicit = false;
    }
    return lhsBody[0];
  } finally {
    p.leave();
  }
}

function parseLogicalAndChain(p: ParserState, lhsBody: Body, lhsExplicit: boolean, lhsLoc: Location): Expr | undefined {
  if (!p.enter()) return undefined;
  try {
    while (p.tok() === 'and') {
      p.scan();
      const r = parseLogicalOperand(p, 'and');
      if (!r) return undefined;
      const [rhsBody, rhsExplicit] = r;
      checkVoidCallOperands(p, lhsBody, rhsBody, 'and');
      const node = mkExpr(
        { type: 'logicaland', lhs: lhsBody, rhs: rhsBody, explicitLhs: lhsExplicit, explicitRhs: rhsExplicit, location: lhsLoc },
        lhsLoc,
      );
      lhsBody = [node];
      lhsExplicit = false;
    }
    return lhsBody[0];
  } finally {
    p.leave();
  }
}

/** `not { body }`. */
export function parseNotBody(p: ParserState, notLoc: Location): Expr | undefined {
  const braceLoc = p.loc();
  const s = p.save();
  p.scan();
  const empty = p.tok() === '}';
  const body = parseBody(p, '}');
  if (!body) {
    if (empty) return undefined;
    const failed = p.save();
    const errs = p.errors.slice(s.errors);
    p.restore(s);
    const term = parseTermInfixCall(p);
    if (term) {
      p.error(braceLoc, `\`{...}\` in an operand position must contain expression(s), got: ${term.type}`);
      return undefined;
    }
    p.restore(failed);
    p.errors.length = s.errors;
    p.errors.push(...errs);
    return undefined;
  }
  p.scan();
  if (isAmbiguousUnionBody(p, body)) {
    errorAmbiguousUnionBody(p, braceLoc);
    return undefined;
  }
  return mkExpr({ type: 'notbody', body, explicitBody: true, location: notLoc }, notLoc);
}

/** One operand of `and` / `or`; `op` is '' when speculating. */
export function parseLogicalOperand(p: ParserState, op: string): [Body, boolean, Location] | undefined {
  if (p.tok() === '{') {
    const loc = p.loc();
    const s = p.save();
    p.scan();
    const empty = p.tok() === '}';
    const body = parseBody(p, '}');
    if (!body) {
      if (empty || op === '') return undefined;
      const failed = p.save();
      const errs = p.errors.slice(s.errors);
      p.restore(s);
      const term = parseTermInfixCall(p);
      if (term) {
        p.error(loc, `operand of \`${op}\` cannot begin with \`{\` unless the braces hold a body`);
        return undefined;
      }
      p.restore(failed);
      p.errors.length = s.errors;
      p.errors.push(...errs);
      return undefined;
    }
    p.scan();
    if (isAmbiguousUnionBody(p, body)) errorAmbiguousUnionBody(p, loc);
    return [body, true, loc];
  }
  let notLoc: Location | undefined;
  const negated = isNegated(p);
  if (negated) {
    notLoc = p.loc();
    p.scan();
  }
  if (negated && notLoc && p.notBodies && p.tok() === '{') {
    const nb = parseNotBody(p, notLoc);
    if (!nb) return undefined;
    return [[nb], false, nb.location];
  }
  if (p.tok() === '(' && logicalKeywordsActive(p) && (!negated || p.notBodies)) {
    const g = parseLogicalGroup(p, true, negated ? 'not ' : '');
    if (g.committed) {
      if (!g.body) return undefined;
      if (negated && notLoc) {
        const not = mkExpr({ type: 'notbody', body: g.body, explicitBody: g.explicit, location: notLoc }, notLoc);
        return [[not], false, notLoc];
      }
      return [g.body, g.explicit, g.loc ?? notLoc ?? p.loc()];
    }
  }
  const startLoc = p.loc();
  let expr = parseExprRaw(p, startLoc);
  if (!expr) return undefined;
  if (negated && p.notBodies && notLoc) {
    expr = mkExpr({ type: 'notbody', body: [expr], explicitBody: false, location: notLoc }, notLoc);
  } else if (negated) {
    expr = { ...expr, negated: true };
  }
  return [[expr], false, expr.location];
}

function isLogicalBody(b: Body): boolean {
  return b.length === 1 && (b[0]?.terms.type === 'logicaland' || b[0]?.terms.type === 'logicalor');
}
function isNegatedOperand(b: Body): boolean {
  return b.length === 1 && (b[0]?.negated === true || b[0]?.terms.type === 'notbody');
}

function expectRParen(p: ParserState): boolean {
  if (p.tok() !== ')') {
    p.error(p.loc(), 'expected ) to close parenthesized group');
    return false;
  }
  p.scan();
  return true;
}

/** `( ... )` holding a logical expression or a negated operand. */
export function parseLogicalGroup(
  p: ParserState,
  operandContext: boolean,
  prefix: string,
): { body?: Body; explicit: boolean; loc?: Location; committed: boolean } {
  if (!p.enter()) return { explicit: false, committed: true };
  try {
    const s = p.save();
    const openLoc = p.loc();
    p.scan();
    if (p.tok() === ')') {
      if (operandContext) {
        p.error(openLoc, 'empty parenthesized group');
        return { explicit: false, committed: true };
      }
      p.restore(s);
      return { explicit: false, committed: false };
    }
    const lhs = parseLogicalOperand(p, '');
    if (!lhs) {
      p.restore(s);
      return { explicit: false, committed: false };
    }
    const [lhsBody, lhsExplicit, lhsLoc] = lhs;
    const k = p.tok();
    if (k === 'and' || k === 'or') {
      let expr = parseLogicalOrChain(p, lhsBody, lhsExplicit, lhsLoc);
      if (!expr) return { explicit: false, committed: true };
      expr = attachWith(p, expr);
      if (!expr) return { explicit: false, committed: true };
      if (!expectRParen(p)) return { explicit: false, committed: true };
      return { body: [expr], explicit: false, loc: openLoc, committed: true };
    }
    if (k === 'with' && !lhsExplicit && lhsBody.length === 1) {
      const withLoc = p.loc();
      const w = attachWith(p, lhsBody[0]);
      if (!w) return { explicit: false, committed: true };
      const k2 = p.tok();
      if (k2 === 'and' || k2 === 'or') {
        p.hint(
          `Wrap the operand in \`(...)\` or \`{...}\` to scope, or move \`with\` after the \`${k2}\` expression to apply it to the whole expression`,
        );
        p.error(withLoc, `\`with\` modifier is not allowed on operand of \`${k2}\``);
        return { explicit: false, committed: true };
      }
      if (!expectRParen(p)) return { explicit: false, committed: true };
      if (operandContext || p.tok() === 'and' || p.tok() === 'or') return { body: [w], explicit: false, loc: openLoc, committed: true };
      p.restore(s);
      return { explicit: false, committed: false };
    }
    if (lhsExplicit) {
      p.restore(s);
      const probe = p.save();
      p.scan();
      const term = parseTerm(p);
      p.restore(probe);
      if (!term) {
        p.hint(`drop the parens to keep the body: \`${prefix}{...}\``);
        p.error(openLoc, '`(...)` in an operand position cannot contain a body');
        return { explicit: false, committed: true };
      }
      return { explicit: false, committed: false };
    }
    if (isLogicalBody(lhsBody) || isNegatedOperand(lhsBody)) {
      if (!expectRParen(p)) return { explicit: false, committed: true };
      return { body: lhsBody, explicit: false, loc: openLoc, committed: true };
    }
    p.restore(s);
    return { explicit: false, committed: false };
  } finally {
    p.leave();
  }
}
