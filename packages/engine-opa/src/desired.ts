import { createHash } from 'node:crypto';
import type { PolicySet } from '@policy-engine/evaluator';
import { mergedData, v0CompatibleSource } from '@policy-engine/evaluator/engine-kit';

/** Prefix of every policy id this engine pushes; others on the server are left alone. */
export const POLICY_ID_PREFIX = 'policy-engine-';

/** What one OPA server should hold for a policy set. */
export interface DesiredState {
  readonly revision: string;
  /** policy id → source text (v1 modules carry `import rego.v1`, see v0CompatibleSource in @policy-engine/evaluator/engine-kit). */
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
