import type { RefTerm, Term, VarTerm } from '../ast.js';
import type { Location } from '../location.js';
import { parseArray, parseSetOrObject, parseTermList } from './collections.js';
import { opRef, parseTermInfixCall } from './infix.js';
import { parseNumber, parseString, parseTemplateString } from './literals.js';
import type { ParserState } from './state.js';

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
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '&':
    case '|':
    case '==':
    case '!=':
    case '>':
    case '>=':
    case '<':
    case '<=':
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

/** The current token as a var term (no scan). */
export function parseVar(p: ParserState): VarTerm {
  return { type: 'var', name: p.lit, location: p.loc() };
}
