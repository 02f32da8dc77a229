import type { Annotation, Comment } from '../ast.js';
import type { Location } from '../location.js';
import { colonHints, yamlProblem } from './yaml-lite.js';

/** A statement an annotation block can attach to. */
export interface AnnotatableStatement {
  readonly kind: 'package' | 'import' | 'rule';
  readonly location: Location;
}

const SCOPES = ['rule', 'document', 'package', 'subpackages'];

function isMetadata(c: Comment): boolean {
  return c.location.col === 1 && c.text.trim().startsWith('METADATA');
}

function unquote(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const m = /^(['"])(.*)\1$/.exec(s);
  return m ? m[2] : s;
}

/**
 * Finds `# METADATA` blocks like OPA (a `# METADATA` comment in column 1, then the comment
 * lines right below it in column 1), works out each block's scope from the statement
 * right below it, and checks the scope is valid for that statement. The YAML itself is
 * kept as text (only `scope:` and `entrypoint:` are read).
 */
export function collectAnnotations(
  comments: readonly Comment[],
  statements: readonly AnnotatableStatement[],
): { all: Annotation[]; byRule: Map<number, Annotation[]>; errors: { location: Location; message: string }[] } {
  const all: Annotation[] = [];
  const byRule = new Map<number, Annotation[]>();
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
    const text = lines.map((c) => (c.text.startsWith(' ') ? c.text.slice(1) : c.text)).join('\n');
    if (text.trim() === '') {
      errors.push({ location: first.location, message: 'expected METADATA block, found whitespace' });
      continue;
    }
    const problem = yamlProblem(lines.map((c) => (c.text.startsWith(' ') ? c.text.slice(1) : c.text)));
    if (problem) {
      // Like OPA: the error sits on the comment its line number names (clamped), else the first line.
      const at = problem.line !== undefined ? lines[Math.min(problem.line, lines.length - 1)] : lines[0];
      errors.push({
        location: (at ?? first).location,
        message: problem.message + colonHints(lines.map((c) => ({ text: c.text, line: c.location.line }))),
      });
      continue;
    }
    let scope = unquote(/^scope:[ \t]*(.*?)[ \t]*$/m.exec(text)?.[1]);
    const entrypoint = /^entrypoint:[ \t]*true[ \t]*$/m.test(text);
    const node = sorted.find((s) => s.location.line >= first.location.line + 1);
    if (!scope) {
      if (node?.kind === 'rule') scope = entrypoint ? 'document' : 'rule';
      else if (node?.kind === 'package') scope = 'package';
      else if (node?.kind === 'import') scope = 'import';
      else scope = '';
    }
    const last = lines[lines.length - 1] ?? first;
    const a: Annotation = {
      type: 'annotation',
      text,
      ...(scope ? { scope } : {}),
      location: { ...first.location, end: last.location.end },
    };
    all.push(a);
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
    if (entrypoint && scope !== 'document' && scope !== 'package') {
      errors.push({ location: first.location, message: `annotation entrypoint applied to non-document or package scope '${scope}'` });
    }
    if (node?.kind === 'rule') {
      const list = byRule.get(node.location.offset) ?? [];
      list.push(a);
      byRule.set(node.location.offset, list);
    }
  }
  return { all, byRule, errors };
}
