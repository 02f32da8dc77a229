import type { Body, Comment, Expr, Head, Import, Module, Node, Rule, Term } from '../ast.js';
import { blockBody, commentText, type CommentPlan, type Ctx, expr, term, termTop } from './terms.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const top: Ctx = { indent: '' };

function pathText(parts: readonly string[]): string {
  return parts.map((p, i) => (i === 0 ? p : IDENT.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}

function headRef(ref: readonly Term[]): string {
  const [h, ...rest] = ref;
  if (!h) return '';
  let out = term(h, top);
  for (const p of rest) out += p.type === 'string' && !p.raw && IDENT.test(p.value) ? `.${p.value}` : `[${termTop(p, top)}]`;
  return out;
}

function head(h: Head, isDefault: boolean): string {
  let out = isDefault ? 'default ' : '';
  out += headRef(h.ref);
  if (h.args) out += `(${h.args.map((a) => termTop(a, top)).join(', ')})`;
  if (h.keywords.includes('contains')) {
    if (h.key) out += ` contains ${termTop(h.key, top)}`;
    return out;
  }
  if (h.key && h.ref.length === 1) out += `[${termTop(h.key, top)}]`;
  if (h.value && !h.generatedValue) out += ` ${h.assign ? ':=' : '='} ${termTop(h.value, top)}`;
  return out;
}

function body(r: Rule, c: Ctx): string {
  if (r.generatedBody || r.default) return '';
  const kw = r.head.keywords.includes('if') ? ' if' : '';
  const first = r.body[0];
  if (!r.bodyBraces && first) {
    // `p if {1}` would read as a body: a set literal keeps its parentheses.
    if (first.terms.type === 'set' && !first.negated)
      return `${kw} (${term(first.terms, top)})${expr({ ...first, terms: { type: 'null', location: first.location } }, top).slice(4)}`;
    return `${kw} ${expr(first, top)}`;
  }
  return `${kw} ${blockBody(r.body, c)}`;
}

function elseChain(e: Rule | undefined, c: Ctx): string {
  let out = '';
  for (let x = e; x; x = x.else) {
    out += ' else';
    if (x.head.value && !x.head.generatedValue) out += ` ${x.head.assign ? ':=' : '='} ${termTop(x.head.value, top)}`;
    out += body(x, c);
  }
  return out;
}

/** Formats one rule (with its else chain). */
export function formatRule(r: Rule): string {
  return ruleText(r, top);
}

function ruleText(r: Rule, c: Ctx): string {
  return head(r.head, r.default) + body(r, c) + elseChain(r.else, c);
}

function importText(i: Import): string {
  return `import ${headRef(i.path.value)}${i.alias !== undefined ? ` as ${i.alias}` : ''}`;
}

/** True when the body of `r` is printed as a `{ … }` block over several lines. */
function printsBlock(r: Rule): boolean {
  return !(r.generatedBody || r.default) && (r.bodyBraces || r.body.length === 0);
}

/** Offset where the line of `c` starts. */
function lineStart(c: Comment): number {
  return c.location.offset - (c.location.col - 1);
}

function within(n: Node, c: Comment): boolean {
  return n.location.offset <= c.location.offset && c.location.offset < n.location.end;
}

/** Where each comment of a module goes: before or after a statement, or inside a rule (the plan). */
class Placement {
  readonly plan: CommentPlan = { exprs: new Map(), bodies: new Map() };

  private expr(e: Expr): { leading: Comment[]; trailing: Comment[] } {
    let got = this.plan.exprs.get(e);
    if (!got) this.plan.exprs.set(e, (got = { leading: [], trailing: [] }));
    return got;
  }

  private body(b: Body): { opening: Comment[]; closing: Comment[] } {
    let got = this.plan.bodies.get(b);
    if (!got) this.plan.bodies.set(b, (got = { opening: [], closing: [] }));
    return got;
  }

  /**
   * Places a comment inside rule `r` (else branches included). False when it cannot stay
   * where it is (in the head, or in a body printed on one line): the caller puts it before the rule.
   */
  inRule(r: Rule, c: Comment): boolean {
    const branches: Rule[] = [];
    for (let x: Rule | undefined = r; x; x = x.else) branches.push(x);
    const k = branches.findLastIndex((b) => b.location.offset <= c.location.offset);
    const branch = branches[k];
    if (branch && printsBlock(branch) && c.location.offset >= branch.head.location.end) {
      this.inBody(branch.body, branch.head.location.end, c);
      return true;
    }
    // In an `else` head or a body on one line: after the block of the branch before, so the
    // comments keep their order.
    const before = branches.slice(0, Math.max(0, k)).findLast(printsBlock);
    if (!before) return false;
    this.body(before.body).closing.push(c);
    return true;
  }

  /** Places a comment inside a block body whose `{` follows the code ending at `openAfter`. */
  private inBody(b: Body, openAfter: number, c: Comment): void {
    const inside = b.find((e) => within(e, c));
    if (inside) {
      const t = inside.terms;
      if (t.type === 'every' && c.location.offset >= t.domain.location.end) this.inBody(t.body, t.domain.location.end, c);
      // Inside an expression printed on one line (a multi-line literal, a comprehension): before it.
      else this.expr(inside).leading.push(c);
      return;
    }
    const prev = [...b].reverse().find((e) => e.location.end <= c.location.offset);
    const next = b.find((e) => e.location.offset > c.location.offset);
    if (prev && prev.location.end >= lineStart(c)) this.expr(prev).trailing.push(c);
    else if (!prev && openAfter >= lineStart(c)) this.body(b).opening.push(c);
    else if (next) this.expr(next).leading.push(c);
    else this.body(b).closing.push(c);
  }
}

/**
 * Formats a module in a stable layout: package, imports, rules (blank line between).
 * Comments stay with their code: a comment after a statement or a body expression on the
 * same line stays there, comments on lines of their own stay before the statement or
 * expression that follows them (or before the `}` that closes their body), as `opa fmt`
 * keeps them. A comment inside code this formatter prints on one line (a multi-line
 * literal or comprehension, a rule head, a body without braces) goes on a line of its own
 * before the expression (or rule) that holds it.
 * `parse(format(m))` gives `m` again, apart from locations.
 */
export function format(module: Module): string {
  type Stmt = { node: Node; text: (c: Ctx) => string; kind: 'package' | 'import' | 'rule'; leading: Comment[]; trailing: Comment[] };
  const stmt = (node: Node, kind: Stmt['kind'], text: (c: Ctx) => string): Stmt => ({ node, kind, text, leading: [], trailing: [] });
  const stmts: Stmt[] = [
    stmt(module.package, 'package', () => `package ${pathText(module.package.path)}`),
    ...module.imports.map((i) => stmt(i, 'import', () => importText(i))),
    ...module.rules.map((r) => stmt(r, 'rule', (c) => ruleText(r, c))),
  ].sort((a, b) => a.node.location.offset - b.node.location.offset);
  const placement = new Placement();
  const closing: Comment[] = [];
  for (const c of [...module.comments].sort((a, b) => a.location.offset - b.location.offset)) {
    const holder = stmts.find((s) => within(s.node, c));
    if (holder) {
      if (holder.node.type !== 'rule' || !placement.inRule(holder.node, c)) holder.leading.push(c);
      continue;
    }
    const prev = [...stmts].reverse().find((s) => s.node.location.end <= c.location.offset);
    const next = stmts.find((s) => s.node.location.offset > c.location.offset);
    if (prev && prev.node.location.end >= lineStart(c) && prev.trailing.length === 0) prev.trailing.push(c);
    else if (next) next.leading.push(c);
    else closing.push(c);
  }
  const ctx: Ctx = { ...top, comments: placement.plan };
  const out: string[] = [];
  let prevComment: Comment | undefined;
  const putComments = (comments: readonly Comment[]): void => {
    for (const c of comments) {
      const sameBlock = prevComment && c.location.line === prevComment.location.line + 1 && c.location.col === prevComment.location.col;
      if (out.length > 0 && !sameBlock) out.push('');
      // A `# METADATA` comment only counts in column 1: keep indented ones indented.
      const indent = c.location.col !== 1 && c.text.trim().startsWith('METADATA') ? ' ' : '';
      out.push(`${indent}${commentText(c)}`);
      prevComment = c;
    }
  };
  let prevKind = '';
  for (const s of stmts) {
    putComments(s.leading);
    const last = s.leading[s.leading.length - 1];
    // A comment block that a blank line separates from its statement stays separated (as opa fmt keeps it).
    if (last && last.location.line + 1 < s.node.location.line) out.push('');
    else if (out.length > 0 && s.leading.length === 0 && (s.kind === 'rule' || s.kind !== prevKind)) out.push('');
    out.push(s.text(ctx) + s.trailing.map((t) => ` ${commentText(t)}`).join(''));
    prevComment = undefined;
    prevKind = s.kind;
  }
  putComments(closing);
  return `${out.join('\n')}\n`;
}
