import type { Body, Term } from '../ast.js';
import type { Location } from '../location.js';
import { BUILTIN_NAMES } from './builtins.js';
import { implicitTrueBody, type RawHead, type RawRule } from './rules.js';
import { valueName } from './terms.js';
import { refText } from './util.js';

function isOp(t: Term, name: string): boolean {
  return (
    t.type === 'call' &&
    t.operator.value.length === 1 &&
    t.operator.value[0]?.type === 'var' &&
    t.operator.value[0].name === name &&
    t.args.length === 2
  );
}

/** OPA's ParseRuleFromBody for top-level statements like `p = 1`, `p[x]`, `f(x) = y`. */
export function ruleFromBody(body: Body): RawRule | string {
  if (body.length !== 1) return 'multiple expressions cannot be used for rule head';
  const expr = body[0] as Body[number];
  if (expr.with.length > 0) return 'expressions using with keyword cannot be used for rule head';
  if (expr.negated) return 'negated expressions cannot be used for rule head';
  const t = expr.terms;
  if (t.type === 'some') return "'some' declarations cannot be used for rule head";
  if (t.type === 'every' || t.type === 'notbody' || t.type === 'logicaland' || t.type === 'logicalor')
    return 'expression cannot be used for rule head';
  const mk = (head: RawHead, location: Location): RawRule => ({
    default: false,
    head,
    body: implicitTrueBody(location),
    generatedBody: true,
    bodyBraces: true,
    location,
  });
  const baseHead = (ref: Term[], location: Location): RawHead => {
    const h: RawHead = { ref, assign: false, generatedValue: false, keywords: [], location };
    if (ref.length < 2 && ref[0]?.type === 'var') h.name = ref[0].name;
    return h;
  };
  if (t.type !== 'call') {
    if (t.type === 'ref') {
      const ref = [...t.value];
      if (ref[0]?.type !== 'var') return `invalid rule head: ${refText(ref)}`;
      if (ref.length > 2) {
        const h = baseHead(ref, t.location);
        h.value = { type: 'boolean', value: true, location: t.location };
        h.generatedValue = true;
        return mk(h, t.location);
      }
      if (ref.length === 1) return 'refs cannot be used for rule head';
      const h = baseHead([ref[0]], t.location);
      h.name = ref[0].name;
      h.key = ref[1];
      return mk(h, t.location);
    }
    return `${valueName(t as Term)} cannot be used for rule name`;
  }
  const eq = isOp(t, 'eq');
  const assign = isOp(t, 'assign');
  if (eq || assign) {
    const [lhs, rhs] = t.args as [Term, Term];
    let rule: RawRule | string;
    if (lhs.type === 'call') {
      const ref = [...lhs.operator.value];
      if (ref[0]?.type !== 'var') rule = `invalid rule head: ${refText(ref)}`;
      else {
        const h = baseHead(ref, lhs.location);
        h.value = rhs;
        h.args = [...lhs.args];
        rule = mk(h, lhs.location);
      }
    } else if (lhs.type === 'ref') {
      const ref = [...lhs.value];
      if (ref[0]?.type !== 'var') rule = `invalid rule head: ${refText(ref)}`;
      else {
        const h = baseHead(ref, rhs.location);
        h.value = rhs;
        if (ref.length === 2) {
          h.name = ref[0].name;
          h.key = ref[1];
        }
        rule = mk(h, rhs.location);
      }
    } else if (lhs.type === 'var') {
      const h = baseHead([lhs], lhs.location);
      h.value = rhs;
      rule = mk(h, lhs.location);
    } else rule = `${valueName(lhs)} cannot be used for rule name`;
    if (typeof rule !== 'string' && assign) rule.head.assign = true;
    return rule;
  }
  const opName = refText(t.operator.value);
  if (BUILTIN_NAMES.has(opName)) return 'rule name conflicts with built-in function';
  if (t.args.length === 0) return 'rule argument list must take at least one argument';
  const ref = [...t.operator.value];
  if (ref[0]?.type !== 'var') return `invalid rule head: ${refText(ref)}`;
  const h = baseHead(ref, t.operator.location);
  h.value = { type: 'boolean', value: true, location: t.operator.location };
  h.args = [...t.args];
  return mk(h, t.operator.location);
}
