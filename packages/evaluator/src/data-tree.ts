import type { PolicySet } from './engine.js';

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

/**
 * Merges every data document of a policy set into one `data` tree, as OPA does: objects
 * merge deeply, anything else replaces, later documents win. For engine authors.
 */
export function mergedData(set: Pick<PolicySet, 'data'>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const doc of set.data) mergeAt(root, doc.path, doc.value);
  return root;
}
