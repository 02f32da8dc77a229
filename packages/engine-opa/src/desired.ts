import { createHash } from 'node:crypto';
import type { PolicySet } from '@policy-engine/evaluator';
import { v0CompatibleSource } from './rego-compat.js';

/** Prefix of every policy id this engine pushes; others on the server are left alone. */
export const POLICY_ID_PREFIX = 'policy-engine-';

/** What one OPA server should hold for a policy set. */
export interface DesiredState {
  readonly revision: string;
  /** policy id → source text (v1 modules carry `import rego.v1`, see rego-compat). */
  readonly modules: ReadonlyMap<string, string>;
  /** policy id → module id (the file name errors are reported against). */
  readonly files: ReadonlyMap<string, string>;
  /** top-level data key → value. */
  readonly data: ReadonlyMap<string, unknown>;
  /** Dotted package names declared by the set. */
  readonly packages: ReadonlySet<string>;
  /** Module ids of the v0 modules (they need an OPA started with `--v0-compatible`). */
  readonly v0Modules: ReadonlySet<string>;
}

/** Stable, URL-safe policy id for a module id. */
export function policyId(moduleId: string): string {
  return POLICY_ID_PREFIX + createHash('sha256').update(moduleId).digest('hex').slice(0, 20);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep-merges `value` into `target` at `path` (objects merge, anything else replaces). */
export function mergeAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
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

/** Merges every data document of a set into one `data` tree. */
export function mergedData(set: PolicySet): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const doc of set.data) mergeAt(root, doc.path, doc.value);
  return root;
}

/** Computes what a server should hold for `set`. */
export function desiredState(set: PolicySet): DesiredState {
  const modules = new Map<string, string>();
  const files = new Map<string, string>();
  const packages = new Set<string>();
  const v0Modules = new Set<string>();
  for (const m of set.modules) {
    if (m.regoVersion === 'v0') v0Modules.add(m.id);
    const id = policyId(m.id);
    modules.set(id, v0CompatibleSource(m).source);
    files.set(id, m.id);
    packages.add(m.packageName);
  }
  return { revision: set.revision, modules, files, data: new Map(Object.entries(mergedData(set))), packages, v0Modules };
}
