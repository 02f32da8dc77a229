/**
 * Modules with their parsed AST: building one by hand (`policyModule`) and reading the AST of
 * any module, hand-built ones without `ast` included (`moduleAst`, for engines).
 */
import { declaredPackage, parse, type Module, type ParseResult } from '@policy-engine/rego-parser';
import { discoverModule } from './discovery.js';
import type { PolicyModule, RegoVersion } from './engine.js';
import type { RegoVersionSetting } from './options.js';

/** What a module needs to be parsed: its text and version, its id (for locations) and AST when known. */
export type ModuleText = Pick<PolicyModule, 'source' | 'regoVersion'> & Partial<Pick<PolicyModule, 'id' | 'ast'>>;

/** Parse results of modules that came without an AST, so each is parsed at most once. */
const parsedWithoutAst = new WeakMap<ModuleText, ParseResult>();

/**
 * The parse of `module`: its `ast` when it carries one, else the module parsed with its
 * `regoVersion` (once per module object; later calls return the same result).
 */
export function parsedModule(module: ModuleText): ParseResult {
  if (module.ast !== undefined) return { module: module.ast, errors: [] };
  const known = parsedWithoutAst.get(module);
  if (known !== undefined) return known;
  const result = parse(module.source, { regoVersion: module.regoVersion, file: module.id ?? '' });
  parsedWithoutAst.set(module, result);
  return result;
}

/**
 * The AST of a module of a `PolicySet`: `module.ast`, or for a hand-built module without one
 * its source parsed once with its `regoVersion`. Undefined when the source does not parse
 * (a hand-built set may hold such a module; the engine's compiler then reports it).
 */
export function moduleAst(module: ModuleText): Module | undefined {
  return parsedModule(module).module;
}

/** What {@link policyModule} needs: a module as a file holds it. */
export interface PolicyModuleInit {
  /** Stable id, used in error locations (a file path, `configmap:<name>/<key>`, …). */
  readonly id: string;
  /** The Rego source text. */
  readonly source: string;
  /** Syntax version (default `v1`); `auto` picks v1 when the module parses as v1, else v0. */
  readonly regoVersion?: RegoVersionSetting;
}

/**
 * A complete `PolicyModule` for a hand-built `PolicySet`: the source parsed once, its package
 * name, resolved Rego version and AST filled in, exactly as `loadPolicySources` builds them.
 * @throws PolicyCompileError (file:line:col of each problem) when the source does not parse.
 */
export function policyModule(init: PolicyModuleInit): PolicyModule {
  const found = discoverModule(init.source, init.id, init.regoVersion ?? 'v1');
  return { id: init.id, source: init.source, regoVersion: found.regoVersion, packageName: found.packageName, ast: found.ast };
}

/**
 * A module for a hand-built set that may not parse, for tests of an engine's own compiler
 * (`policyModule` and the loaders refuse such a source): the package name is read from the
 * `package` clause the parser still finds (`''` when there is none), the AST is set when
 * the source parses.
 */
export function unparsedModule(id: string, source: string, regoVersion: RegoVersion): PolicyModule {
  const parsed = parse(source, { regoVersion, file: id });
  const packageName = declaredPackage(parsed)?.path.join('.') ?? '';
  return { id, source, regoVersion, packageName, ...(parsed.module !== undefined ? { ast: parsed.module } : {}) };
}
