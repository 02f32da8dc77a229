import type { PolicySet } from '@policy-engine/evaluator';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function mergeAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  if (path.length === 0) {
    if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) mergeAt(target, [k], v);
    return;
  }
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    const existing = target[head];
    if (isPlainObject(existing) && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) mergeAt(existing, [k], v);
    } else {
      target[head] = isPlainObject(value) ? structuredClone(value) : value;
    }
    return;
  }
  let child = target[head];
  if (!isPlainObject(child)) {
    child = {};
    target[head] = child;
  }
  mergeAt(child as Record<string, unknown>, rest, value);
}

/** Merges every data document of a set into one `data` tree (objects merge deeply, later documents win). */
export function mergedData(set: PolicySet): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const doc of set.data) mergeAt(root, doc.path, doc.value);
  return root;
}

/** The value at `path` inside `value`, or undefined when a segment is missing. */
export function lookup(value: unknown, path: readonly string[]): { found: boolean; value?: unknown } {
  let cur: unknown = value;
  for (const seg of path) {
    if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else if (Array.isArray(cur) && /^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else return { found: false };
  }
  return { found: true, value: cur };
}
