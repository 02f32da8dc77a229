import type { Body, CallTerm, Expr, RefTerm, StringTerm, Term, VarTerm } from '../ast.js';
import type { Location } from '../location.js';
import { parseBody, parseLiteral } from './expressions.js';
import { type ParserState, tokenName } from './state.js';

/** Operator token → OPA built-in name. */
export const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  '==': 'equal', '!=': 'neq', '<': 'lt', '>': 'gt', '<=': 'lte', '>=': 'gte', '|': 'or', '&': 'and',
  '+': 'plus', '-': 'minus', '*': 'mul', '/': 'div', '%': 'rem', '=': 'eq', ':=': 'assign',
};

/** A ref term naming an operator (`plus`, `internal.member_2`, …). */
export function opRef(name: string, loc: Location): RefTerm {
  const [head, ...rest] = name.split('.');
  return {
    type: 'ref',
    value: [{ type: 'var', name: head ?? name, location: loc }, ...rest.map((r): StringTerm => ({ type: 'string', value: r, location: loc }))],
    location: loc,
  };
}

function infixCall(op: string, name: string, args: Term[], loc: Location, opLoc: Location): CallTerm {
  return { type: 'call', operator: opRef(name, opLoc), args, infix: op, location: loc };
}

/** OPA's parseTermOp: consumes one of `ops` and returns it, or undefined. */
function termOp(p: ParserState, ops: readonly string[]): { op: string; loc: Location } | undefined {
  const k = p.tok();
  if (ops.includes(k)) {
    const loc = p.loc();
    p.scan();
    return { op: k, loc };
  }
  return undefined;
}

/** Top of the infix chain, with `x, y in z` allowed. */
export function parseTermInfixCall(p: ParserState): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    return parseTermIn(p, undefined, true);
  } finally {
    p.leave();
  }
}
/** Infix chain inside lists (no `k, v in xs`). */
export function parseTermInfixCallInList(p: ParserState): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    return parseTermIn(p, undefined, false);
  } finally {
    p.leave();
  }
}

function parseTermIn(p: ParserState, lhs: Term | undefined, keyVal: boolean): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    lhs ??= parseTermRelation(p, undefined);
    if (!lhs) return undefined;
    if (keyVal && p.tok() === ',') {
      const s = p.save();
      p.scan();
      const mhs = parseTermRelation(p, undefined);
      if (mhs) {
        const op = termOp(p, ['in']);
        if (op) {
          const rhs = parseTermRelation(p, undefined);
          if (rhs) {
            const call = infixCall('in', 'internal.member_3', [lhs, mhs, rhs], lhs.location, op.loc);
            return p.tok() === 'in' ? parseTermIn(p, call, keyVal) : call;
          }
        }
      }
      p.restore(s);
    }
    scanAheadRef(p);
    const op = termOp(p, ['in']);
    if (op) {
      const rhs = parseTermRelation(p, undefined);
      if (rhs) {
        const call = infixCall('in', 'internal.member_2', [lhs, rhs], lhs.location, op.loc);
        return p.tok() === 'in' ? parseTermIn(p, call, keyVal) : call;
      }
    }
    return lhs;
  } finally {
    p.leave();
  }
}

type Level = (p: ParserState, lhs: Term | undefined) => Term | undefined;

function binaryLevel(ops: readonly string[], next: Level, self: () => Level, returnLhsOnFail: boolean): Level {
  return (p, lhs) => {
    if (!p.enter()) return undefined;
    try {
      lhs ??= next(p, undefined);
      if (!lhs) return undefined;
      const op = termOp(p, ops);
      if (op) {
        const rhs = next(p, undefined);
        if (rhs) {
          const call = infixCall(op.op, OPERATOR_NAMES[op.op] ?? op.op, [lhs, rhs], lhs.location, op.loc);
          return ops.includes(p.tok()) ? self()(p, call) : call;
        }
        if (!returnLhsOnFail) return lhs;
      }
      return lhs;
    } finally {
      p.leave();
    }
  };
}

const parseTermFactor: Level = binaryLevel(['*', '/', '%'], (p) => parseTerm(p), () => parseTermFactor, false);
const parseTermArith: Level = binaryLevel(['+', '-'], parseTermFactor, () => parseTermArith, false);
const parseTermAnd: Level = binaryLevel(['&'], parseTermArith, () => parseTermAnd, true);
const parseTermOr: Level = binaryLevel(['|'], parseTermAnd, () => parseTermOr, true);
const parseTermRelation: Level = binaryLevel(['==', '!=', '<', '>', '<=', '>='], parseTermOr, () => parseTermRelation, false);

/** OPA's scanAheadRef: a keyword followed by `.` or `[` is an identifier. */
export function scanAheadRef(p: ParserState): boolean {
  const k = p.tok();
  if (k !== 'ident' && k !== 'ws' && p.t.kind === 'ident' && p.isAllowedRefKeyword(k)) {
    const next = p.peekWS();
    if (next === '.' || next === '[') {
      p.override = 'ident';
      return true;
    }
  }
  return false;
}

/** OPA's scanAheadLogicalCall: `and(`/`or(` are calls. */
function scanAheadLogicalCall(p: ParserState): void {
  if (p.tok() !== 'and' && p.tok() !== 'or') return;
  if (p.peekWS() === '(') p.override = 'ident';
}

/** A single term with its refs and calls. */
export function parseTerm(p: ParserState): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    const key = p.ws ? -p.i - 1 : p.i;
    const cached = p.override === undefined ? p.termCache.get(key) : undefined;
    if (cached) {
      p.restore({ ...cached.after, errors: p.errors.length, hints: p.hints.length });
      p.errors.push(...cached.errors);
      return cached.term;
    }
    const startOverride = p.override;
    const startErrors = p.errors.length;
    let term: Term | undefined;
    let unaryMinus: Location | undefined;
    scanAheadLogicalCall(p);
    const loc = p.loc();
    switch (p.tok()) {
      case 'null':
        term = { type: 'null', location: loc };
        break;
      case 'true':
      case 'false':
        term = { type: 'boolean', value: p.tok() === 'true', location: loc };
        break;
      case '-': {
        const s = p.save();
        p.scan();
        if (p.tok() === 'ident' || p.tok() === 'contains') {
          unaryMinus = loc;
          term = parseVar(p);
        } else {
          p.restore(s);
          term = parseNumber(p);
        }
        break;
      }
      case '.':
      case 'number':
        term = parseNumber(p);
        break;
      case 'string':
        term = parseString(p);
        break;
      case 'rawstring':
        term = { type: 'string', value: p.lit.slice(1, -1), raw: true, location: loc };
        break;
      case 'tmpl-part':
      case 'tmpl-end':
        term = parseTemplateString(p, false);
        break;
      case 'rawtmpl-part':
      case 'rawtmpl-end':
        term = parseTemplateString(p, true);
        break;
      case 'ident':
      case 'contains':
        term = parseVar(p);
        break;
      case '[':
        term = parseArray(p);
        break;
      case '{':
        term = parseSetOrObject(p);
        break;
      case '(': {
        p.scan();
        const r = parseTermInfixCall(p);
        if (r) {
          if (p.tok() === ')') term = r;
          else p.error(p.loc(), 'non-terminated expression');
        }
        break;
      }
      default:
        p.illegal();
    }
    term = parseTermFinish(p, term, false);
    if (unaryMinus && term) {
      const zero: Term = { type: 'number', value: '0', location: unaryMinus };
      term = { type: 'call', operator: opRef('minus', unaryMinus), args: [zero, term], infix: 'neg', location: unaryMinus };
    }
    if (term && startOverride === undefined) p.termCache.set(key, { term, after: p.save(), errors: p.errors.slice(startErrors) });
    return term;
  } finally {
    p.leave();
  }
}

const ROOTS = new Set(['data', 'input']);

function parseTermFinish(p: ParserState, head: Term | undefined, skipws: boolean): Term | undefined {
  if (!head) return undefined;
  p.doScan(skipws);
  const k = p.tok();
  if (k === '(' || k === '.' || k === '[') return parseRef(p, head);
  if (k === 'ws') p.scan();
  if (head.type === 'var' && ROOTS.has(head.name)) return { type: 'ref', value: [head], location: head.location };
  return head;
}

/** OPA's parseHeadFinish: like parseTermFinish but whitespace before `(`/`.`/`[` is allowed. */
export function parseHeadFinish(p: ParserState, head: Term): Term | undefined {
  p.scanWS();
  switch (p.tok()) {
    case '+': case '-': case '*': case '/': case '%': case '&': case '|':
    case '==': case '!=': case '>': case '>=': case '<': case '<=':
      p.illegal();
      break;
    case 'ws':
      p.doScan(true);
  }
  switch (p.tok()) {
    case '(':
    case '.':
    case '[':
      return parseRef(p, head);
    case 'ws':
      p.scan();
  }
  if (head.type === 'var' && ROOTS.has(head.name)) return { type: 'ref', value: [head], location: head.location };
  return head;
}

const NUMBER_RE = /^-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(p: ParserState): Term | undefined {
  let prefix = '';
  const loc = p.loc();
  if (p.tok() === '-') {
    prefix = '-';
    p.scan();
    if (p.tok() !== 'number' && p.tok() !== '.') {
      p.illegal('expected number');
      return undefined;
    }
  }
  if (p.tok() === '.') {
    prefix += '.';
    p.scan();
    if (p.tok() !== 'number') {
      p.illegal('expected number');
      return undefined;
    }
  }
  const lit = p.lit;
  if ((prefix === '' || prefix[0] === '-') && lit.length > 1 && lit[0] === '0' && lit[1] === '0') {
    p.illegal('expected number');
    return undefined;
  }
  const s = prefix + lit;
  if (!NUMBER_RE.test(s)) {
    p.illegal('invalid float');
    return undefined;
  }
  if (tooBig(s)) {
    p.error(p.loc(), 'number too big');
    return undefined;
  }
  return { type: 'number', value: s, location: loc };
}

/** big.Float exponent limit (|binary exponent| > 1e5) — approximated in decimal. */
function tooBig(s: string): boolean {
  const m = /^-?(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m) return false;
  const intPart = (m[1] ?? '').replace(/^0+/, '');
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? '0');
  let dexp: number;
  if (intPart.length > 0) dexp = intPart.length + exp;
  else {
    const lead = /^0*/.exec(frac)?.[0].length ?? 0;
    if (lead === frac.length) return false; // zero
    dexp = -lead + exp;
  }
  const bexp = dexp * 3.321928;
  return bexp > 1e5 + 2 || bexp < -1e5 - 2;
}

/** Decodes a JSON string literal; undefined when JSON rejects it. */
export function decodeJsonString(lit: string): string | undefined {
  try {
    const v: unknown = JSON.parse(lit);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

function parseString(p: ParserState): Term | undefined {
  const lit = p.lit;
  const loc = p.loc();
  const inner = lit.slice(1, -1);
  if (!inner.includes('\\')) return { type: 'string', value: inner, location: loc };
  const v = decodeJsonString(lit);
  if (v === undefined) {
    p.error(loc, `illegal string literal: ${lit}`);
    return undefined;
  }
  return { type: 'string', value: v, location: loc };
}

function parseTemplateString(p: ParserState, raw: boolean): Term | undefined {
  const loc = p.loc();
  if (p.regoVersion === 'v0') {
    p.error(loc, 'template strings are not supported by current capabilities');
    return undefined;
  }
  const parts: (StringTerm | Expr)[] = [];
  for (;;) {
    const k = p.tok();
    if (k !== 'tmpl-part' && k !== 'tmpl-end' && k !== 'rawtmpl-part' && k !== 'rawtmpl-end') {
      p.error(p.loc(), 'expected template-string part');
      return undefined;
    }
    const lit = p.lit;
    const inner = lit.slice(1, -1);
    let s: string | undefined = inner;
    if (!raw && inner.includes('\\')) s = decodeJsonString(`"${inner}"`);
    if (s === undefined) {
      p.error(p.loc(), `illegal template-string part: ${lit}`);
      return undefined;
    }
    if (s.length > 0) parts.push({ type: 'string', value: s, location: p.loc() });
    if (k === 'tmpl-end' || k === 'rawtmpl-end') break;
    p.scan();
    const expr = parseLiteral(p);
    if (!expr) {
      p.error(p.loc(), 'invalid template-string expression');
      return undefined;
    }
    const bad = badTemplateExpr(expr);
    if (bad) {
      p.error(expr.location, bad);
      return undefined;
    }
    parts.push(expr);
    if (p.tok() !== '}') {
      p.error(p.loc(), 'expected } to end template string expression');
      return undefined;
    }
    p.scanWS();
  }
  return { type: 'templatestring', raw, parts, location: loc };
}

function badTemplateExpr(e: Expr): string | undefined {
  if (e.negated) return "unexpected negation ('not') in template-string expression";
  const t = e.terms;
  if (t.type === 'call' && t.operator.value.length === 1) {
    const h = t.operator.value[0];
    if (h?.type === 'var' && h.name === 'eq' && t.args.length === 2) return "unexpected unification ('=') in template-string expression";
    if (h?.type === 'var' && h.name === 'assign' && t.args.length === 2) return "unexpected assignment (':=') in template-string expression";
  }
  if (t.type === 'every') return "unexpected 'every' in template-string expression";
  if (t.type === 'some') return "unexpected 'some' in template-string expression";
  return undefined;
}

function parseCall(p: ParserState, operator: RefTerm, loc: Location): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    p.scan(); // over '('
    if (p.tok() === ')') {
      p.scanWS();
      const h = operator.value[0];
      if (operator.value.length === 1 && h?.type === 'var' && h.name === 'set') return { type: 'set', items: [], location: loc };
      return { type: 'call', operator, args: [], location: loc };
    }
    const args = parseTermList(p, ')', []);
    if (args) {
      p.scanWS();
      return { type: 'call', operator, args, location: loc };
    }
    return undefined;
  } finally {
    p.leave();
  }
}

const REF_HEADS = new Set(['var', 'array', 'object', 'set', 'arraycomprehension', 'objectcomprehension', 'setcomprehension', 'call']);

function parseRef(p: ParserState, head: Term): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    const loc = head.location;
    if (!REF_HEADS.has(head.type)) p.error(loc, `illegal ref (head cannot be ${valueName(head)})`);
    const ref: Term[] = [head];
    for (;;) {
      switch (p.tok()) {
        case '.': {
          p.scanWS();
          const k = p.tok();
          if (k !== 'ident' && !(p.t.kind === 'ident' && !p.ws && p.isAllowedRefKeyword(k))) {
            p.illegal('expected identifier');
            return undefined;
          }
          ref.push({ type: 'string', value: p.lit, location: p.loc() });
          p.scanWS();
          break;
        }
        case '(': {
          let term = parseCall(p, { type: 'ref', value: ref, location: loc }, loc);
          if (term) {
            switch (p.tok()) {
              case 'ws':
                p.scan();
                return term;
              case '.':
              case '[':
                term = parseRef(p, term);
            }
          }
          return term;
        }
        case '[': {
          p.scan();
          const term = parseTermInfixCall(p);
          if (!term) return undefined;
          if (p.tok() !== ']') {
            p.illegal('expected [');
            return undefined;
          }
          ref.push(term);
          p.scanWS();
          break;
        }
        case 'ws':
          p.scan();
          return { type: 'ref', value: ref, location: loc };
        default:
          return { type: 'ref', value: ref, location: loc };
      }
    }
  } finally {
    p.leave();
  }
}

/** OPA's name of a value type in messages. */
export function valueName(t: Term): string {
  switch (t.type) {
    case 'arraycomprehension':
      return 'arraycomprehension';
    case 'setcomprehension':
      return 'setcomprehension';
    case 'objectcomprehension':
      return 'objectcomprehension';
    case 'templatestring':
      return 'templatestring';
    default:
      return t.type;
  }
}

function parseArray(p: ParserState): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    const loc = p.loc();
    p.scan();
    if (p.tok() === ']') return { type: 'array', items: [], location: loc };
    let potentialComprehension = true;
    if (p.tok() === ',') {
      potentialComprehension = false;
      p.scan();
    }
    const s = p.save();
    const head = parseTerm(p);
    if (!head) return undefined;
    switch (p.tok()) {
      case ']':
        return { type: 'array', items: [head], location: loc };
      case ',': {
        p.scan();
        const terms = parseTermList(p, ']', [head]);
        return terms ? { type: 'array', items: terms, location: loc } : undefined;
      }
      case '|':
        if (potentialComprehension) {
          p.scan();
          const body = parseBody(p, ']');
          if (body) return { type: 'arraycomprehension', term: head, body, location: loc };
          if (p.tok() !== ',') return undefined;
        }
    }
    p.restore(s);
    const terms = parseTermList(p, ']', []);
    return terms ? { type: 'array', items: terms, location: loc } : undefined;
  } finally {
    p.leave();
  }
}

function parseSetOrObject(p: ParserState): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    const loc = p.loc();
    p.scan();
    if (p.tok() === '}') return { type: 'object', items: [], location: loc };
    let potentialComprehension = true;
    if (p.tok() === ',') {
      potentialComprehension = false;
      p.scan();
    }
    const s = p.save();
    let head = parseTerm(p);
    if (!head) return undefined;
    switch (p.tok()) {
      case '|':
        if (potentialComprehension) return parseSet(p, s, head, true, loc);
        break;
      case '}':
      case ',':
        return parseSet(p, s, head, potentialComprehension, loc);
      case ':':
        return parseObject(p, head, potentialComprehension, loc);
    }
    p.restore(s);
    head = parseTermInfixCallInList(p);
    if (!head) return undefined;
    switch (p.tok()) {
      case '}':
      case ',':
        return parseSet(p, s, head, false, loc);
      case ':':
        return parseObject(p, head, potentialComprehension, loc);
    }
    p.illegal('non-terminated set');
    return undefined;
  } finally {
    p.leave();
  }
}

function parseSet(p: ParserState, s: ReturnType<ParserState['save']>, head: Term, potentialComprehension: boolean, loc: Location): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    switch (p.tok()) {
      case '}':
        return { type: 'set', items: [head], location: loc };
      case ',': {
        p.scan();
        const terms = parseTermList(p, '}', [head]);
        return terms ? { type: 'set', items: terms, location: loc } : undefined;
      }
      case '|': {
        if (potentialComprehension) {
          p.scan();
          const body = parseBody(p, '}');
          if (body) return { type: 'setcomprehension', term: head, body, location: loc };
          if (p.tok() !== ',') return undefined;
        }
        p.restore(s);
        const terms = parseTermList(p, '}', []);
        return terms ? { type: 'set', items: terms, location: loc } : undefined;
      }
    }
    return undefined;
  } finally {
    p.leave();
  }
}

function parseObject(p: ParserState, k: Term, potentialComprehension: boolean, loc: Location): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    p.scan(); // over ':'
    const s = p.save();
    let v = parseTerm(p);
    if (!v) return undefined;
    if (potentialComprehension) {
      if (p.tok() === '}' || p.tok() === ',') return parseObjectFinish(p, k, v, true, loc);
      if (p.tok() === '|') {
        const t = parseObjectFinish(p, k, v, true, loc);
        if (t) return t;
      }
    }
    p.restore(s);
    v = parseTermInfixCallInList(p);
    if (!v) return undefined;
    if (p.tok() === '}' || p.tok() === ',') return parseObjectFinish(p, k, v, false, loc);
    p.illegal('non-terminated object');
    return undefined;
  } finally {
    p.leave();
  }
}

function parseObjectFinish(p: ParserState, key: Term, val: Term, potentialComprehension: boolean, loc: Location): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    switch (p.tok()) {
      case '}':
        return { type: 'object', items: [[key, val]], location: loc };
      case '|':
        if (potentialComprehension) {
          p.scan();
          const body: Body | undefined = parseBody(p, '}');
          if (body) return { type: 'objectcomprehension', key, value: val, body, location: loc };
        } else p.illegal('non-terminated object');
        return undefined;
      case ',': {
        p.scan();
        const r = parseTermPairList(p, '}', [[key, val]]);
        return r ? { type: 'object', items: r, location: loc } : undefined;
      }
    }
    return undefined;
  } finally {
    p.leave();
  }
}

function parseTermList(p: ParserState, end: string, r: Term[]): Term[] | undefined {
  if (p.tok() === end) return r;
  for (;;) {
    const term = parseTermInfixCallInList(p);
    if (!term) return undefined;
    r.push(term);
    switch (p.tok()) {
      case end:
        return r;
      case ',':
        p.scan();
        if (p.tok() === end) return r;
        continue;
      default:
        p.illegal(`expected "," or "${tokenName(end)}"`);
        return undefined;
    }
  }
}

function parseTermPairList(p: ParserState, end: string, r: (readonly [Term, Term])[]): (readonly [Term, Term])[] | undefined {
  if (p.tok() === end) return r;
  for (;;) {
    const key = parseTermInfixCallInList(p);
    if (!key) return undefined;
    if (p.tok() !== ':') {
      p.illegal('expected ":"');
      return undefined;
    }
    p.scan();
    const val = parseTermInfixCallInList(p);
    if (!val) return undefined;
    r.push([key, val]);
    switch (p.tok()) {
      case end:
        return r;
      case ',':
        p.scan();
        if (p.tok() === end) return r;
        continue;
      default:
        p.illegal(`expected "," or "${tokenName(end)}"`);
        return undefined;
    }
  }
}

/** The current token as a var term (no scan). */
export function parseVar(p: ParserState): VarTerm {
  return { type: 'var', name: p.lit, location: p.loc() };
}

/** The parsed `=`/`:=` operator term used at expression level. */
export function exprOp(p: ParserState): { op: string; loc: Location } | undefined {
  return termOp(p, [':=', '=']);
}
/** Builds an infix operator call term (re-exported for the expression parser). */
export { infixCall };
