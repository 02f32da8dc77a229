import { createHash } from 'node:crypto';
import type { PolicyModule, PolicySet, RegoVersion } from '@policy-engine/evaluator';
import { unparsedModule } from '@policy-engine/evaluator/testing';
import { HTTP_AUTHZ } from '@policy-engine/inputs-http-authz';

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

/** A v0 module with a `deny` partial set over `input.pipeline.name` (package `opa.pipelines`). */
export const SAMPLE_V0_DENY: PolicyModule = mod(
  'policies/v0.rego',
  'v0',
  'package opa.pipelines\n\ndeny[msg] {\n  input.pipeline.name == "bad"\n  msg := sprintf("pipeline %q is bad", [input.pipeline.name])\n}\n',
);

/** A v1 `spinnaker.http.authz` module allowing users listed in `data.cfg.admins` ({@link SAMPLE_DATA}). */
export const SAMPLE_V1_AUTHZ: PolicyModule = mod(
  'policies/authz.rego',
  'v1',
  `package ${HTTP_AUTHZ}\n\ndefault allow := false\n\nallow if input.user in data.cfg.admins\n`,
);

/** The base data {@link SAMPLE_V1_AUTHZ} reads: `data.cfg.admins = ["ann"]`. */
export const SAMPLE_DATA: { path: string[]; value: unknown }[] = [{ path: ['cfg'], value: { admins: ['ann'] } }];
