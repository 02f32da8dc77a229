import type { Comment, Head, Import, Module, Rule, Term } from '../ast.js';
import { blockBody, type Ctx, expr, term, termTop } from './terms.js';

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

function body(r: Rule): string {
  if (r.generatedBody || r.default) return '';
  const kw = r.head.keywords.includes('if') ? ' if' : '';
  const first = r.body[0];
  if (!r.bodyBraces && first) {
    // `p if {1}` would read as a body: a set literal keeps its parentheses.
    if (first.terms.type === 'set' && !first.negated)
      return `${kw} (${term(first.terms, top)})${expr({ ...first, terms: { type: 'null', location: first.location } }, top).slice(4)}`;
    return `${kw} ${expr(first, top)}`;
  }
  return `${kw} ${blockBody(r.body, top)}`;
}

function elseChain(e: Rule | undefined): string {
  let out = '';
  for (let x = e; x; x = x.else) {
    out += ' else';
    if (x.head.value && !x.head.generatedValue) out += ` ${x.head.assign ? ':=' : '='} ${termTop(x.head.value, top)}`;
    out += body(x);
  }
  return out;
}

/** Formats one rule (with its else chain). */
export function formatRule(r: Rule): string {
  return head(r.head, r.default) + body(r) + elseChain(r.else);
}

function importText(i: Import): string {
  return `import ${headRef(i.path.value)}${i.alias !== undefined ? ` as ${i.alias}` : ''}`;
}

/**
 * Formats a module in a stable layout: package, imports, rules (blank line between),
 * each comment block kept in order before the statement that followed it.
 * `parse(format(m))` gives `m` again, apart from locations.
 */
export function format(module: Module): string {
  const stmts: { offset: number; text: string; gap: boolean }[] = [
    { offset: module.package.location.offset, text: `package ${pathText(module.package.path)}`, gap: false },
    ...module.imports.map((i) => ({ offset: i.location.offset, text: importText(i), gap: false })),
    ...module.rules.map((r) => ({ offset: r.location.offset, text: formatRule(r), gap: true })),
  ];
  const comments = [...module.comments].sort((a, b) => a.location.offset - b.location.offset);
  const out: string[] = [];
  let ci = 0;
  let prevComment: Comment | undefined;
  const flushComments = (before: number): void => {
    while (ci < comments.length && (comments[ci] as Comment).location.offset < before) {
      const c = comments[ci++] as Comment;
      const sameBlock = prevComment && c.location.line === prevComment.location.line + 1 && c.location.col === prevComment.location.col;
      if (out.length > 0 && !sameBlock) out.push('');
      // A `# METADATA` comment only counts in column 1: keep indented ones indented.
      const indent = c.location.col !== 1 && c.text.trim().startsWith('METADATA') ? ' ' : '';
      out.push(`${indent}#${c.text}`);
      prevComment = c;
    }
  };
  let prevKind = '';
  for (const s of stmts) {
    const hadComments = ci;
    flushComments(s.offset);
    const kind = s.gap ? 'rule' : s.text.startsWith('package') ? 'package' : 'import';
    if (out.length > 0 && ci === hadComments && (s.gap || kind !== prevKind)) out.push('');
    out.push(s.text);
    prevComment = undefined;
    prevKind = kind;
  }
  flushComments(Number.POSITIVE_INFINITY);
  return `${out.join('\n')}\n`;
}
