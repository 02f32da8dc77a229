import type { Module, Node } from '../ast.js';
import type { Token } from '../lexer/tokens.js';
import type { Location } from '../location.js';
import type { LineTable } from '../lines.js';
import { children, isTerm } from '../walk.js';

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);

/**
 * Sets `location.end` of every node of a parsed module (each node gets its own
 * location object). A node ends at the furthest of its own first token and its
 * children, extended over the closing brackets whose opening bracket lies inside
 * the node (`]` of `[1]`, `)` of `f(x)`, `}` of a rule body); `package` / `import`
 * end with the last token of their line; a template string ends at its closing quote.
 * Like OPA, a parenthesised term starts at its `(` and ends after its `)`, and an infix
 * call starts where its left operand does (`(1 + 2) * 3` is one span).
 */
export function assignEnds(module: Module, tokens: readonly Token[], lines: LineTable): void {
  const opener = new Map<number, number>(); // closer token index -> opener offset
  const closer = new Map<number, number>(); // opener token index -> closer token index
  const stack: number[] = [];
  const isTemplate = (t: Token | undefined): boolean =>
    t !== undefined && (t.kind === 'tmpl-part' || t.kind === 'tmpl-end' || t.kind === 'rawtmpl-part' || t.kind === 'rawtmpl-end');
  tokens.forEach((t, i) => {
    if (t.kind in OPEN) stack.push(i);
    // The `}` that ends a template string's `{expr}` (its `{` is inside a template token): no bracket pair.
    else if (t.kind === '}' && isTemplate(tokens[i + 1]) && lines.source[(tokens[i + 1] as Token).offset] !== '$') return;
    else if (CLOSE.has(t.kind)) {
      const o = stack.pop();
      if (o !== undefined) {
        opener.set(i, (tokens[o] as Token).offset);
        closer.set(o, i);
      }
    }
  });
  const byStart = new Map<number, number>();
  const byEnd = new Map<number, number>();
  tokens.forEach((t, i) => {
    byStart.set(t.offset, i);
    byEnd.set(t.end, i);
  });
  const firstAtOrAfter = (off: number): number => {
    const s = byStart.get(off);
    if (s !== undefined) return s;
    const e = byEnd.get(off);
    if (e !== undefined) return e + 1;
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tokens[mid] as Token).offset >= off) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const done = new Set<Node>();
  const visit = (n: Node): number => {
    if (done.has(n)) return n.location.end;
    let end = n.location.end;
    let start = n.location.offset;
    const term = isTerm(n);
    for (const c of children(n)) {
      end = Math.max(end, visit(c));
      // A term starts no later than its parts (`(a + b) * c`, `(x | y)[_]`).
      if (term) start = Math.min(start, c.location.offset);
    }
    let at = firstAtOrAfter(start);
    if (n.type === 'number' && lines.source.startsWith(n.value, start)) {
      end = Math.max(end, start + n.value.length); // `-7`, `.5`: the lexer may split a number's text
    } else if (n.type === 'number' && tokens[at]?.kind === '-' && tokens[at + 1]?.kind === 'number') {
      end = Math.max(end, (tokens[at + 1] as Token).end); // `- 7`
    }
    if (n.type === 'package' || n.type === 'import') {
      let i = at;
      while (i + 1 < tokens.length) {
        const next = tokens[i + 1] as Token;
        if (next.nl || next.kind === 'eof' || next.kind === ';') break;
        i++;
      }
      end = Math.max(end, (tokens[i] as Token).end);
    } else if (n.type === 'templatestring') {
      // From its `$"` on, the closing quote of this template (nested templates in between).
      let depth = 0;
      for (let i = at; i < tokens.length; i++) {
        const t = tokens[i] as Token;
        if (!isTemplate(t)) continue;
        const isEnd = t.kind === 'tmpl-end' || t.kind === 'rawtmpl-end';
        const opens = lines.source[t.offset] === '$';
        if (opens && !isEnd) depth++;
        else if (isEnd && !opens) depth--;
        if (depth <= 0 && isEnd) {
          end = Math.max(end, t.end);
          break;
        }
      }
    } else if (n.type !== 'comment' && n.type !== 'annotation' && n.type !== 'module') {
      let i = firstAtOrAfter(end);
      // `f()` and `set()`: the empty argument list follows the operator.
      const emptyCall =
        (n.type === 'call' && n.args.length === 0) || (n.type === 'set' && n.items.length === 0 && tokens[at]?.kind === 'ident');
      if (emptyCall && tokens[i]?.kind === '(') {
        const c = closer.get(i);
        if (c !== undefined) {
          end = (tokens[c] as Token).end;
          i = c + 1;
        }
      }
      for (; i < tokens.length; i++) {
        // A trailing comma (`[1, 2,\n]`) does not end the collection that its closer ends.
        const trailingComma = tokens[i]?.kind === ',' && (opener.get(i + 1) ?? -1) >= start;
        if (trailingComma) continue;
        const o = opener.get(i);
        if (o === undefined || o < start) break;
        end = (tokens[i] as Token).end;
      }
    }
    if (term) {
      // Grouping parentheses around the term: `(` not right after a call's operator.
      for (;;) {
        const o = tokens[at - 1];
        const c = closer.get(at - 1);
        if (!o || o.kind !== '(' || c === undefined || c !== firstAtOrAfter(end)) break;
        const before = tokens[at - 2];
        if (!o.ws && before && (before.kind === 'ident' || before.kind === ']' || before.kind === ')')) break;
        at--;
        start = o.offset;
        end = (tokens[c] as Token).end;
      }
    }
    // An object literal of Location's fields (a spread of the old location is a slow runtime copy here).
    const pos = start === n.location.offset ? n.location : lines.position(start);
    const loc: Location = { file: n.location.file, line: pos.line, col: pos.col, offset: start, end };
    (n as { location: Location }).location = loc;
    done.add(n);
    return end;
  };
  visit(module);
}
