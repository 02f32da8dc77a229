import type { Annotation, Comment } from '../ast.js';

/**
 * Finds `# METADATA` blocks (consecutive comment lines in one column, the first reading
 * `METADATA`) and attaches each to the rule that starts right after it.
 */
export function collectAnnotations(
  comments: readonly Comment[],
  ruleOffsets: readonly number[],
  packageOffset: number | undefined,
): { all: Annotation[]; byOffset: Map<number, Annotation[]> } {
  const blocks: Comment[][] = [];
  let cur: Comment[] = [];
  for (const c of comments) {
    const prev = cur[cur.length - 1];
    if (prev && (c.location.line - prev.location.line !== 1 || c.location.col !== prev.location.col)) {
      blocks.push(cur);
      cur = [];
    }
    cur.push(c);
  }
  if (cur.length > 0) blocks.push(cur);
  const all: Annotation[] = [];
  const byOffset = new Map<number, Annotation[]>();
  const sorted = [...ruleOffsets].sort((a, b) => a - b);
  for (const b of blocks) {
    const first = b[0];
    if (!first || first.text.trim() !== 'METADATA') continue;
    const text = b
      .slice(1)
      .map((c) => (c.text.startsWith(' ') ? c.text.slice(1) : c.text))
      .join('\n');
    const scope = /^scope:\s*(\S+)\s*$/m.exec(text)?.[1];
    const last = b[b.length - 1] as Comment;
    const a: Annotation = { type: 'annotation', text, ...(scope ? { scope } : {}), location: first.location };
    all.push(a);
    const next = sorted.find((o) => o > last.location.offset);
    if (next !== undefined && (packageOffset === undefined || packageOffset < last.location.offset || packageOffset > next)) {
      const list = byOffset.get(next) ?? [];
      list.push(a);
      byOffset.set(next, list);
    }
  }
  return { all, byOffset };
}
