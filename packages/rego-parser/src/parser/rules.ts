import type { Body, Expr, Term } from '../ast.js';
import type { Location } from '../location.js';
import { parseBody, parseLiteral } from './expressions.js';
import { type ParserState, tokenName } from './state.js';
import { parseTermInfixCall } from './infix.js';
import { parseHeadFinish, parseVar, scanAheadRef, valueName } from './terms.js';
import { refText, isGround } from './util.js';

/** A rule while it is being built (mutable; frozen into `Rule` by the module builder). */
export interface RawHead {
  ref: Term[];
  args?: Term[];
  key?: Term;
  value?: Term;
  assign: boolean;
  generatedValue: boolean;
  keywords: ('if' | 'contains')[];
  name?: string;
  location: Location;
}
/** A rule while it is being built (mutable). */
export interface RawRule {
  default: boolean;
  head: RawHead;
  body: Body;
  generatedBody: boolean;
  bodyBraces: boolean;
  else?: RawRule;
  location: Location;
}

/** OPA's implicit `true` body. */
export function implicitTrueBody(loc: Location): Body {
  return [{ type: 'expr', negated: false, terms: { type: 'boolean', value: true, location: loc }, with: [], location: loc }];
}

const trueTerm = (loc: Location): Term => ({ type: 'boolean', value: true, location: loc });

function copyHead(h: RawHead): RawHead {
  return { ...h, ref: [...h.ref], ...(h.args ? { args: [...h.args] } : {}), keywords: [] };
}

const RULE_NAME_FOLLOWERS = [':=', '=', 'if', 'contains', '('];
const OPERATOR_FOLLOWERS = [':=', '=', 'if', 'contains'];
const PATH_FOLLOWERS = [':=', '=', '('];
const KEYWORD_RULE_NAME_FOLLOWERS: Record<string, readonly string[]> = {
  every: RULE_NAME_FOLLOWERS,
  if: RULE_NAME_FOLLOWERS,
  in: RULE_NAME_FOLLOWERS,
  some: RULE_NAME_FOLLOWERS,
  as: RULE_NAME_FOLLOWERS,
  package: PATH_FOLLOWERS,
  import: PATH_FOLLOWERS,
  not: OPERATOR_FOLLOWERS,
  and: OPERATOR_FOLLOWERS,
  or: OPERATOR_FOLLOWERS,
  contains: ['if', 'contains'],
};

/** OPA's errKeywordRuleName: `if := 1` and the like. */
export function errKeywordRuleName(p: ParserState, isDefault: boolean): boolean {
  if (p.t.kind !== 'ident' || p.ws || p.override !== undefined) return false;
  const kw = p.tok();
  const followers = KEYWORD_RULE_NAME_FOLLOWERS[kw];
  if (!followers) return false;
  const loc = p.loc();
  if (!isDefault) {
    if (!followers.includes(p.peek())) return false;
  }
  p.error(loc, `${kw} keyword cannot be used for rule name`);
  return true;
}

function parseHead(p: ParserState, defaultRule: boolean): [RawHead, boolean] | undefined {
  const loc = p.loc();
  const term = parseVar(p);
  const ref = parseHeadFinish(p, term);
  if (!ref) {
    p.illegal('expected rule head name');
    return undefined;
  }
  let head: RawHead;
  // Object literals, not a spread of shared defaults: a spread costs a runtime copy on this hot path.
  switch (ref.type) {
    case 'var':
      head = { assign: false, generatedValue: false, keywords: [], location: loc, ref: [ref], name: ref.name };
      break;
    case 'ref':
      head = { assign: false, generatedValue: false, keywords: [], location: loc, ref: [...ref.value] };
      if (ref.value.length < 2 && ref.value[0]?.type === 'var') head.name = ref.value[0].name;
      break;
    case 'call': {
      const op = ref.operator.value;
      if (op[0]?.type !== 'var') {
        p.illegal(`rule head ref ${refText(op)} invalid`);
        return undefined;
      }
      head = { assign: false, generatedValue: false, keywords: [], location: loc, ref: [...op], args: [...ref.args] };
      if (op.length < 2) head.name = op[0].name;
      break;
    }
    default:
      return undefined;
  }
  const name = refText(head.ref);
  switch (p.tok()) {
    case 'contains':
      if (head.args)
        p.illegal(`the contains keyword can only be used with multi-value rule definitions (e.g., ${name} contains <VALUE> { ... })`);
      p.scan();
      {
        const key = parseTermInfixCall(p);
        if (key) head.key = key;
        else p.illegal(`expected rule key term (e.g., ${name} contains <VALUE> { ... })`);
      }
      return [head, true];
    case '=': {
      p.scan();
      const v = parseTermInfixCall(p);
      if (v) head.value = v;
      else p.illegal(`expected rule value term (e.g., ${name}[${head.key ? refText([head.key]) : '<nil>'}] = <VALUE> { ... })`);
      break;
    }
    case ':=': {
      p.scan();
      head.assign = true;
      const v = parseTermInfixCall(p);
      if (v) head.value = v;
      else if (head.args && head.args.length > 0) p.illegal(`expected function value term (e.g., ${name}(...) := <VALUE> { ... })`);
      else if (head.key) p.illegal(`expected partial rule value term (e.g., ${name}[...] := <VALUE> { ... })`);
      else if (defaultRule) p.illegal(`expected default rule value term (e.g., default ${name} := <VALUE>)`);
      else p.illegal(`expected rule value term (e.g., ${name} := <VALUE> { ... })`);
      break;
    }
  }
  if (!head.value && !head.key) {
    if (head.ref.length !== 2 || (head.args && head.args.length > 0)) {
      head.generatedValue = true;
      head.value = trueTerm(loc);
    }
  }
  return [head, false];
}

function containsNonConst(t: Term): string | undefined {
  switch (t.type) {
    case 'ref':
    case 'var':
    case 'call':
      return t.type;
    case 'array':
    case 'set':
      for (const x of t.items) {
        const r = containsNonConst(x);
        if (r) return r;
      }
      return undefined;
    case 'object':
      for (const [k, v] of t.items) {
        const r = containsNonConst(k) ?? containsNonConst(v);
        if (r) return r;
      }
      return undefined;
    case 'templatestring':
      return t.parts.some((x) => x.type === 'expr') ? 'expr' : undefined;
    default:
      return undefined;
  }
}

const TYPE_NAMES: Record<string, string> = { ref: 'ref', var: 'var', call: 'call', expr: 'expr' };

/** Rules starting at the current token, or undefined (caller restores) / errors. */
export function parseRules(p: ParserState): RawRule[] | undefined {
  const location = p.loc();
  let isDefault = false;
  scanAheadRef(p);
  if (p.tok() === 'default') {
    p.scan();
    isDefault = true;
    scanAheadRef(p);
  }
  if (p.tok() !== 'ident') {
    if (isDefault) errKeywordRuleName(p, true);
    return undefined;
  }
  const parsed = parseHead(p, isDefault);
  if (!parsed) return undefined;
  const [head, usesContains] = parsed;
  if (usesContains) head.keywords.push('contains');
  const rule: RawRule = { default: isDefault, head, body: [], generatedBody: false, bodyBraces: true, location };
  if (isDefault) {
    if (!head.value) {
      p.error(location, 'illegal default rule (must have a value)');
      return undefined;
    }
    const bad = containsNonConst(head.value);
    if (bad) {
      p.error(location, `illegal default rule (value cannot contain ${TYPE_NAMES[bad] ?? bad})`);
      return undefined;
    }
    if (head.args && head.args.length > 0) {
      const seen = new Set<string>();
      for (const a of head.args) {
        if (a.type !== 'var') {
          p.error(location, `illegal default rule (arguments cannot contain ${valueName(a)})`);
          return undefined;
        }
        if (a.name !== '_' && seen.has(a.name)) {
          p.error(location, `illegal default rule (arguments cannot be repeated ${a.name})`);
          return undefined;
        }
        seen.add(a.name);
      }
    }
    rule.body = implicitTrueBody(location);
    return [rule];
  }

  const hasIf = p.tok() === 'if';
  const ref = head.ref;
  if (hasIf && !usesContains && ref.length === 2) {
    const v = ref[1] as Term;
    if ((!isGround(v) || v.type === 'ref') && !(head.args && head.args.length > 0)) head.key = v;
    if (!head.value) {
      head.generatedValue = true;
      head.value = trueTerm(head.location);
    } else {
      const r0 = ref[0] as Term;
      if (r0.type !== 'var') return undefined;
      head.name = r0.name;
    }
  }
  if (!hasIf && !usesContains && !(head.args && head.args.length > 0) && ref.length === 2) {
    const r0 = ref[0] as Term;
    if (r0.type !== 'var') return undefined;
    head.name = r0.name;
    head.key = ref[1];
    if (!head.value) head.ref = ref.slice(0, 1);
  }

  let braces = false;
  if (hasIf) {
    head.keywords.push('if');
    p.scan();
    const s = p.save();
    const leadingBrace = p.tok() === '{';
    const expr = parseLiteral(p);
    let done = false;
    if (expr) {
      const isSetLiteral = leadingBrace && expr.terms.type === 'set';
      if (!isSetLiteral) {
        rule.body = [expr];
        rule.bodyBraces = false;
        done = true;
      }
    }
    if (!done) {
      if (!leadingBrace) return undefined;
      p.restore(s);
      braces = true;
    }
  } else if (p.tok() === '{') {
    braces = true;
  } else if (usesContains) {
    rule.body = implicitTrueBody(location);
    rule.generatedBody = true;
    rule.location = head.location;
    return [rule];
  } else {
    return undefined;
  }
  if (braces) {
    p.scan();
    const body = parseBody(p, '}');
    if (!body) return undefined;
    rule.body = body;
    p.scan();
  }

  if (p.tok() === 'else') {
    if (!scanAheadRef(p)) {
      if (head.ref.length > 1 && !head.ref.slice(1).every(isGround)) {
        p.error(p.loc(), 'else keyword cannot be used on rules with variables in head');
        return undefined;
      }
      if (head.key) {
        p.error(p.loc(), 'else keyword cannot be used on multi-value rules');
        return undefined;
      }
      const e = parseElse(p, head);
      if (!e) return undefined;
      rule.else = e;
    }
  }

  const rules: RawRule[] = [rule];
  while (p.tok() === '{') {
    if (rule.else) {
      p.error(p.loc(), 'expected else keyword');
      return undefined;
    }
    const loc = p.loc();
    p.scan();
    const body = parseBody(p, '}');
    if (!body) return undefined;
    p.scan();
    const nextHead = copyHead(head);
    nextHead.keywords = head.keywords;
    rules.push({ default: false, head: nextHead, body, generatedBody: false, bodyBraces: true, location: loc });
  }
  return rules;
}

function parseElse(p: ParserState, head: RawHead): RawRule | undefined {
  const location = p.loc();
  const h = copyHead(head);
  h.generatedValue = false;
  h.location = location;
  const rule: RawRule = { default: false, head: h, body: [], generatedBody: false, bodyBraces: true, location };
  p.scan();
  switch (p.tok()) {
    case '{':
    case 'if':
      h.generatedValue = true;
      h.value = trueTerm(location);
      break;
    case ':=':
    case '=': {
      h.assign = p.tok() === ':=';
      p.scan();
      const v = parseTermInfixCall(p);
      if (!v) return undefined;
      h.value = v;
      break;
    }
    default:
      p.illegal('expected else value term or rule body');
      return undefined;
  }
  const hasIf = p.tok() === 'if';
  const hasBrace = p.tok() === '{';
  if (!hasIf && !hasBrace) {
    rule.body = implicitTrueBody(location);
    rule.generatedBody = true;
    return rule;
  }
  if (hasIf) {
    h.keywords.push('if');
    p.scan();
  }
  if (p.tok() === '{') {
    p.scan();
    const body = parseBody(p, '}');
    if (!body) return undefined;
    rule.body = body;
    p.scan();
  } else if (p.tok() !== 'eof') {
    const expr: Expr | undefined = parseLiteral(p);
    if (!expr) return undefined;
    rule.body = [expr];
    rule.bodyBraces = false;
  } else {
    p.illegal('rule body expected');
    return undefined;
  }
  if (p.tok() === 'else') {
    const e = parseElse(p, head);
    if (!e) return undefined;
    rule.else = e;
  }
  return rule;
}

/** Re-exported token naming for messages. */
export { tokenName };
