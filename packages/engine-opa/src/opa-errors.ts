import type { PolicyProblem, SourceLocation } from '@policy-engine/evaluator';

interface OpaErrorItem {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly location?: { readonly file?: unknown; readonly row?: unknown; readonly col?: unknown };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function location(item: OpaErrorItem, fileName: (policyId: string) => string | undefined): SourceLocation | undefined {
  const loc = item.location;
  if (!loc || typeof loc.file !== 'string' || typeof loc.row !== 'number') return undefined;
  const file = fileName(loc.file);
  if (file === undefined) return undefined;
  return { file, line: loc.row, col: typeof loc.col === 'number' ? loc.col : 1 };
}

/**
 * Turns OPA's error body (`{code, message, errors: [{code, message, location}]}`) into
 * problems. `fileName` maps the policy id OPA reports back to the module id (file).
 */
export function opaProblems(body: unknown, fileName: (policyId: string) => string | undefined): PolicyProblem[] {
  if (!isRecord(body)) return [{ message: typeof body === 'string' && body !== '' ? body : 'OPA rejected the request' }];
  const items = Array.isArray(body['errors']) ? (body['errors'] as unknown[]) : [];
  const problems: PolicyProblem[] = [];
  for (const raw of items) {
    if (!isRecord(raw)) continue;
    const item = raw as OpaErrorItem;
    const loc = location(item, fileName);
    const code = typeof item.code === 'string' ? item.code : undefined;
    problems.push({
      message: `${code ? `${code}: ` : ''}${typeof item.message === 'string' ? item.message : 'error'}`,
      ...(loc ? { location: loc } : {}),
      ...(code ? { code } : {}),
    });
  }
  if (problems.length === 0) {
    const code = typeof body['code'] === 'string' ? body['code'] : undefined;
    problems.push({
      message: typeof body['message'] === 'string' ? body['message'] : JSON.stringify(body),
      ...(code ? { code } : {}),
    });
  }
  return problems;
}

/** Rewrites `<policy id>:<row>` mentions inside OPA messages (e.g. conflict errors) to module files. */
export function rewriteIds(message: string, ids: ReadonlyMap<string, string>): string {
  let out = message;
  for (const [policyId, file] of ids) out = out.split(`${policyId}:`).join(`${file}:`);
  return out;
}
