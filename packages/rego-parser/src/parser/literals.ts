import type { Expr, StringTerm, Term } from '../ast.js';
import { parseLiteral } from './expressions.js';
import type { ParserState } from './state.js';

const NUMBER_RE = /^-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses one literal term at the current token. */
export function parseNumber(p: ParserState): Term | undefined {
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

/** Parses one literal term at the current token. */
export function parseString(p: ParserState): Term | undefined {
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

/** Parses one literal term at the current token. */
export function parseTemplateString(p: ParserState, raw: boolean): Term | undefined {
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
    if (h?.type === 'var' && h.name === 'assign' && t.args.length === 2)
      return "unexpected assignment (':=') in template-string expression";
  }
  if (t.type === 'every') return "unexpected 'every' in template-string expression";
  if (t.type === 'some') return "unexpected 'some' in template-string expression";
  return undefined;
}
