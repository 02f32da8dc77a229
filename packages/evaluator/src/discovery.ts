/**
 * Package discovery: the one place that parses Rego source text while a set is built. It
 * parses each module with `@policy-engine/rego-parser` to find the package it declares and to
 * resolve `regoVersion: 'auto'`, and keeps the AST (`PolicyModule.ast`) for the engines;
 * parse errors become a PolicyCompileError with file:line:col.
 */
import { checkRegoV1, packageName, parse, type Module, type ParseError } from '@policy-engine/rego-parser';
import type { RegoVersion } from './engine.js';
import { PolicyCompileError, type PolicyProblem } from './errors.js';
import type { RegoVersionSetting, RegoVersionSource } from './options.js';

/** A module whose package and Rego version are known. */
export interface DiscoveredModule {
  readonly packageName: string;
  /** The module parsed with `regoVersion` (what `PolicyModule.ast` carries). */
  readonly ast: Module;
  readonly regoVersion: RegoVersion;
  readonly regoVersionSource: RegoVersionSource;
}

interface ParseAttempt {
  readonly module?: Module;
  readonly problems: readonly PolicyProblem[];
}

function problemOf(error: ParseError): PolicyProblem {
  return {
    message: `${error.code}: ${error.message}`,
    location: { file: error.location.file, line: error.location.line, col: error.location.col },
    code: error.code,
  };
}

function attempt(source: string, version: RegoVersion, file: string): ParseAttempt {
  const result = parse(source, { regoVersion: version, file });
  // In v1, OPA's compiler also rejects the deprecated built-ins (`any`, `re_match`, …) that
  // its parser accepts; count them as v1 problems so `auto` picks the version OPA loads.
  const errors =
    result.module !== undefined && result.errors.length === 0 && version === 'v1' ? checkRegoV1(result.module, source) : result.errors;
  if (result.module === undefined || errors.length > 0) {
    const problems = errors.map(problemOf);
    return {
      problems:
        problems.length > 0
          ? problems
          : [{ message: 'rego_parse_error: module could not be parsed', location: { file, line: 1, col: 1 }, code: 'rego_parse_error' }],
    };
  }
  return { module: result.module, problems: [] };
}

/**
 * Finds the package of `source` and resolves its Rego version. `auto`: v1 when the module
 * parses as v1, else v0 when it parses as v0, else a PolicyCompileError with the v1 problems.
 * `fromManifest` marks a version that a bundle manifest chose.
 * @throws PolicyCompileError with file:line:col of each parse problem.
 */
export function discoverModule(source: string, file: string, setting: RegoVersionSetting, fromManifest = false): DiscoveredModule {
  const found = (ast: Module, regoVersion: RegoVersion, regoVersionSource: RegoVersionSource): DiscoveredModule => ({
    packageName: packageName(ast),
    ast,
    regoVersion,
    regoVersionSource,
  });
  if (setting === 'auto') {
    const v1 = attempt(source, 'v1', file);
    if (v1.module !== undefined) return found(v1.module, 'v1', 'auto-v1');
    const v0 = attempt(source, 'v0', file);
    if (v0.module !== undefined) return found(v0.module, 'v0', 'auto-v0');
    throw new PolicyCompileError(v1.problems);
  }
  const result = attempt(source, setting, file);
  if (result.module === undefined) throw new PolicyCompileError(result.problems);
  return found(result.module, setting, fromManifest ? 'manifest' : 'configured');
}
