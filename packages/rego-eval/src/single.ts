/**
 * A pass over the compiled rule tree that marks single-valued terms (`TermFlags.s`): a term
 * that has at most one value and cannot bind a var. Literals, vars, `input`, refs whose path
 * parts are all constants, calls (except `walk`) and collections of such terms, comprehensions
 * and template strings. The evaluator computes a marked term directly (`Evaluation.value`)
 * instead of through a continuation, which is most terms of most policies.
 */
import type { CRule, RuleNode } from './compile.js';
import type { Body, E, T } from './ir.js';

/**
 * Kinds of a single-valued ref part that is a key to look up, never a pattern to iterate with
 * (a var may be unbound, and a collection with vars in it is matched against every key).
 */
const KEY_KINDS: ReadonlySet<T['k']> = new Set(['val', 'input', 'ref', 'call', 'ac', 'sc', 'oc', 'tpl']);

/** Marks `t` and every term inside it (nested bodies included); returns whether `t` is single-valued. */
function markTerm(t: T): boolean {
  let single: boolean;
  switch (t.k) {
    case 'val':
    case 'var':
    case 'input':
      single = true;
      break;
    case 'data':
      single = false;
      break;
    case 'ref': {
      // `data.a.b` is one lookup (a document or a rule's value); `data` alone is never evaluated here.
      const head = markTerm(t.head) || t.head.k === 'data';
      let parts = true;
      for (const p of t.path) if (!markTerm(p) || !KEY_KINDS.has(p.k)) parts = false;
      single = head && parts;
      break;
    }
    case 'arr':
    case 'set': {
      single = true;
      for (const i of t.items) if (!markTerm(i)) single = false;
      break;
    }
    case 'obj': {
      single = true;
      for (const [a, b] of t.items) {
        if (!markTerm(a)) single = false;
        if (!markTerm(b)) single = false;
      }
      break;
    }
    case 'call': {
      single = t.fn !== 'walk';
      for (const a of t.args) if (!markTerm(a)) single = false;
      break;
    }
    case 'ac':
    case 'sc':
      markTerm(t.term);
      markBody(t.body);
      single = true;
      break;
    case 'oc':
      markTerm(t.key);
      markTerm(t.value);
      markBody(t.body);
      single = true;
      break;
    case 'tpl':
      for (const p of t.parts) if (typeof p !== 'string') markTerm(p);
      single = true;
      break;
  }
  t.s = single;
  return single;
}

function markExpr(e: E): void {
  const x = e.x;
  switch (x.k) {
    case 'unify':
      markTerm(x.a);
      markTerm(x.b);
      break;
    case 'term':
      markTerm(x.t);
      break;
    case 'callout':
      for (const a of x.args) markTerm(a);
      markTerm(x.out);
      break;
    case 'somein':
      if (x.key) markTerm(x.key);
      markTerm(x.val);
      markTerm(x.coll);
      break;
    case 'every':
      if (x.key) markTerm(x.key);
      markTerm(x.val);
      markTerm(x.domain);
      markBody(x.body);
      break;
    case 'notbody':
      markBody(x.body);
      break;
    case 'or':
    case 'and':
      markBody(x.lhs);
      markBody(x.rhs);
      break;
    case 'true':
      break;
  }
  for (const w of e.with) markTerm(w.value);
  e.d = e.with.length === 0 && (e.neg || deterministic(x));
}

/** Collections may be patterns that bind vars inside them (`[x, 1] = v`): never run directly. */
const plain = (t: T): boolean => t.s === true && t.k !== 'arr' && t.k !== 'set' && t.k !== 'obj';

/** Whether an (unnegated) expression succeeds at most once and binds at most one var by a plain match (see `E.d`); its terms are marked. */
function deterministic(x: E['x']): boolean {
  switch (x.k) {
    case 'term':
      return x.t.s === true;
    case 'unify':
      return plain(x.a) && plain(x.b);
    case 'callout':
      return x.fn !== 'walk' && x.args.every((a) => a.s === true) && plain(x.out);
    case 'somein':
      return false;
    case 'every':
      return x.domain.s === true;
    case 'notbody':
    case 'or':
    case 'and':
    case 'true':
      return true;
  }
}

/** Marks every term of a body. */
export function markBody(body: Body): void {
  for (const e of body) markExpr(e);
}

function markRule(r: CRule): void {
  for (let b: CRule | undefined = r; b; b = b.else) {
    for (const t of b.rest) markTerm(t);
    if (b.key) markTerm(b.key);
    markTerm(b.value);
    for (const a of b.args) markTerm(a);
    markBody(b.body);
  }
}

/** Marks every term of every rule in the tree. */
export function markTree(root: RuleNode): void {
  const stack: RuleNode[] = [root];
  for (let n = stack.pop(); n; n = stack.pop()) {
    for (const r of n.rules) markRule(r);
    for (const r of n.defaults) markRule(r);
    for (const r of n.funcs) markRule(r);
    for (const c of n.children.values()) stack.push(c);
  }
}
