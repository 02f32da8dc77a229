import { createHash } from 'node:crypto';
import type { PolicyModule, PolicySet, RegoVersion } from '@policy-engine/evaluator';

/** Builds a module; the package name is read from the source's `package` line. */
export function mod(id: string, regoVersion: RegoVersion, source: string): PolicyModule {
  const pkg = /^package\s+([\w.]+)/m.exec(source)?.[1];
  if (!pkg) throw new Error(`no package in ${id}`);
  return { id, source, regoVersion, packageName: pkg };
}

/** Builds a PolicySet with a content revision. */
export function policySet(modules: PolicyModule[], data: { path: string[]; value: unknown }[] = []): PolicySet {
  const docs = data.map((d, i) => ({ id: `data-${i}.json`, path: d.path, value: d.value }));
  const revision = createHash('sha256').update(JSON.stringify({ modules, docs })).digest('hex');
  return { modules, data: docs, revision };
}
