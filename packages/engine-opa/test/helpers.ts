import { createHash } from 'node:crypto';
import type { PolicyModule, PolicySet, RegoVersion } from '@policy-engine/evaluator';
import { unparsedModule } from '@policy-engine/evaluator/testing';

/**
 * Builds a module as a hand-built set holds it: package name and AST from the parser, also for
 * a source that does not parse (the engine's own compiler must report it).
 */
export function mod(id: string, regoVersion: RegoVersion, source: string): PolicyModule {
  return unparsedModule(id, source, regoVersion);
}

/** Builds a PolicySet with a content revision. */
export function policySet(modules: PolicyModule[], data: { path: string[]; value: unknown }[] = []): PolicySet {
  const docs = data.map((d, i) => ({ id: `data-${i}.json`, path: d.path, value: d.value }));
  const revision = createHash('sha256')
    .update(JSON.stringify({ modules: modules.map((m) => [m.id, m.regoVersion, m.source]), docs }))
    .digest('hex');
  return { modules, data: docs, revision };
}
