import type { Annotation, Comment, Term } from '../ast.js';
import type { Location } from '../location.js';
import { decodeAnnotation, isAnnotationProblem } from './annotation-yaml.js';
import { colonHints } from './yaml-lite.js';

/** A statement an annotation block can attach to (`ref`: a rule's head ref). */
export interface AnnotatableStatement {
  readonly kind: 'package' | 'import' | 'rule';
  readonly location: Location;
  readonly ref?: readonly Term[];
}

const SCOPES = ['rule', 'document', 'package', 'subpackages'];

/** OPA's `IsMetadataComment`. */
function isMetadata(c: Comment): boolean {
  return c.location.col === 1 && c.text.trim().startsWith('METADATA');
}

/** The text of a rule's ground head prefix (OPA's `rule.Ref().GroundPrefix()`), a map key. */
export function groundPrefixKey(ref: readonly Term[]): string {
  const parts: unknown[] = [];
  for (const [i, t] of ref.entries()) {
    if (i === 0 && t.type === 'var') parts.push(t.name);
    else if (t.type === 'string' || t.type === 'number' || t.type === 'boolean') parts.push(t.value);
    else if (t.type === 'null') parts.push(null);
    else break;
  }
  return JSON.stringify(parts);
}

/** An annotation read from a block, with the statement below it (OPA's `a.node`). */
interface Read {
  readonly a: Annotation;
  readonly node: AnnotatableStatement | undefined;
}

/**
 * Finds `# METADATA` blocks like OPA's `parseAnnotations` (a `# METADATA` comment in column 1,
 * then the comment lines right below it in column 1), decodes each block's YAML into OPA's
 * known keys (`annotation-yaml.ts`), attaches it to the statement right below it, defaults
 * and checks its scope (`attachAnnotationsNodes`), and gives each rule its annotations as
 * OPA's `attachRuleAnnotations` does. Errors carry OPA's messages and locations.
 */
export function collectAnnotations(
  comments: readonly Comment[],
  statements: readonly AnnotatableStatement[],
): { all: Annotation[]; byRule: Map<number, Annotation[]>; errors: { location: Location; message: string }[] } {
  const read: Read[] = [];
  const errors: { location: Location; message: string }[] = [];
  const sorted = [...statements].sort((a, b) => a.location.line - b.location.line);
  for (let i = 0; i < comments.length; i++) {
    const first = comments[i] as Comment;
    if (!isMetadata(first)) continue;
    const lines: Comment[] = [];
    for (i++; i < comments.length; i++) {
      const c = comments[i] as Comment;
      const prev = comments[i - 1] as Comment;
      if (c.location.col !== 1 || c.location.line - 1 !== prev.location.line || isMetadata(c)) break;
      lines.push(c);
    }
    i--;
    const texts = lines.map((c) => (c.text.startsWith(' ') ? c.text.slice(1) : c.text));
    const text = texts.join('\n');
    if (text.trim() === '') {
      errors.push({ location: first.location, message: 'expected METADATA block, found whitespace' });
      continue;
    }
    const decoded = decodeAnnotation(texts);
    if (isAnnotationProblem(decoded)) {
      // Like OPA: a `yaml: line N` error sits on the block's comment N (0-based, clamped to
      // the last), any other YAML error on the first line, OPA's own checks on `# METADATA`.
      const yaml = decoded.message.startsWith('yaml: ');
      const at = decoded.line !== undefined ? lines[Math.min(decoded.line, lines.length - 1)] : yaml ? lines[0] : first;
      errors.push({
        location: (at ?? first).location,
        message: yaml ? decoded.message + colonHints(lines.map((c) => ({ text: c.text, line: c.location.line }))) : decoded.message,
      });
      continue;
    }
    const node = sorted.find((s) => s.location.line >= first.location.line + 1);
    let scope = decoded.scope;
    if (!scope) {
      if (node?.kind === 'rule') scope = decoded.entrypoint ? 'document' : 'rule';
      else if (node?.kind === 'package') scope = 'package';
      else if (node?.kind === 'import') scope = 'import';
    }
    const last = lines[lines.length - 1] ?? first;
    const a: Annotation = {
      type: 'annotation',
      text,
      ...(scope ? { scope } : {}),
      ...(decoded.title ? { title: decoded.title } : {}),
      ...(decoded.description ? { description: decoded.description } : {}),
      ...(decoded.entrypoint ? { entrypoint: true } : {}),
      ...(decoded.organizations.length > 0 ? { organizations: decoded.organizations } : {}),
      ...(decoded.relatedResources.length > 0 ? { relatedResources: decoded.relatedResources } : {}),
      ...(decoded.authors.length > 0 ? { authors: decoded.authors } : {}),
      ...(decoded.schemas.length > 0 ? { schemas: decoded.schemas } : {}),
      ...(decoded.custom ? { custom: decoded.custom } : {}),
      ...(decoded.labels ? { labels: decoded.labels } : {}),
      location: { ...first.location, end: last.location.end },
    };
    read.push({ a, node });
    const have = node ? ` (have ${node.kind})` : '';
    if (scope === 'rule' || scope === 'document') {
      if (node?.kind !== 'rule')
        errors.push({ location: first.location, message: `annotation scope '${scope}' must be applied to rule${have}` });
    } else if (scope === 'package' || scope === 'subpackages') {
      if (node?.kind !== 'package')
        errors.push({ location: first.location, message: `annotation scope '${scope}' must be applied to package${have}` });
    } else {
      errors.push({
        location: first.location,
        message: `invalid annotation scope '${scope}'. Use one of ${SCOPES.map((s) => `'${s}'`)
          .join(', ')
          .replace(/, ('subpackages')$/, ', or $1')}`,
      });
    }
    if (decoded.entrypoint && scope !== 'document' && scope !== 'package') {
      errors.push({ location: first.location, message: `annotation entrypoint applied to non-document or package scope '${scope}'` });
    }
  }
  return { all: read.map((r) => r.a), byRule: attachRuleAnnotations(read, statements), errors };
}

/**
 * OPA's `attachRuleAnnotations`: each rule gets the `document`-scope annotations of its path
 * and the `rule`-scope ones of its path above it not yet claimed by an earlier rule (it
 * claims the last of those), in module order. Keyed by the rule's location offset.
 */
function attachRuleAnnotations(read: readonly Read[], statements: readonly AnnotatableStatement[]): Map<number, Annotation[]> {
  const byRule = new Map<number, Annotation[]>();
  const groups = new Map<string, { doc: number[]; byRow: number[]; next: number; pending: number[] }>();
  read.forEach(({ a, node }, i) => {
    if ((a.scope !== 'document' && a.scope !== 'rule') || node?.kind !== 'rule' || !node.ref) return;
    const k = groundPrefixKey(node.ref);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { doc: [], byRow: [], next: 0, pending: [] }));
    (a.scope === 'document' ? g.doc : g.byRow).push(i);
  });
  if (groups.size === 0) return byRule;
  const row = (i: number): number => (read[i] as Read).a.location.line;
  for (const g of groups.values()) g.byRow.sort((x, y) => row(x) - row(y));
  const rules = statements.filter((s) => s.kind === 'rule' && s.ref);
  const inOrder = rules.every((r, i) => i === 0 || (rules[i - 1] as AnnotatableStatement).location.line <= r.location.line);
  for (const rule of rules) {
    const g = groups.get(groundPrefixKey(rule.ref ?? []));
    if (!g) continue;
    const line = rule.location.line;
    if (!inOrder) {
      // OPA's `attachRuleAnnotationsUnsorted` (rules out of source order: not from this parser).
      g.pending = g.byRow.filter((i) => row(i) < line);
    } else {
      for (; g.next < g.byRow.length && row(g.byRow[g.next] as number) < line; g.next++) g.pending.push(g.byRow[g.next] as number);
      g.pending.sort((x, y) => x - y);
    }
    const list = [...g.doc, ...g.pending].sort((x, y) => x - y).map((i) => (read[i] as Read).a);
    if (list.length > 0) byRule.set(rule.location.offset, list);
    g.pending.pop();
  }
  return byRule;
}
