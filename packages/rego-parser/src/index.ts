/**
 * @policy-engine/rego-parser — lexer, parser, located AST and formatter for Rego v0/v1.
 * @packageDocumentation
 */
import type { Module, Package } from './ast.js';
import { RegoParseError } from './errors.js';
import { parseModule, type ParseOptions, type ParseResult } from './parser/module.js';

/** The AST node types (Module, Rule, Term, …). */
export type * from './ast.js';
/** A source span: file, line, col, offset and end offset. */
export type { Location } from './location.js';
/** Parse errors: the typed error class, its formatter and types. */
export { RegoParseError, formatParseError, type ParseError, type ParseErrorCode } from './errors.js';
/** Options and result of `parse`. */
export type { ParseOptions, ParseResult } from './parser/module.js';
/** Text of a ref's parts, e.g. `a.b[x]`. */
export { refText } from './parser/util.js';

/** Parses a Rego module; never throws — returns the module (when valid) and every error found. */
export function parse(source: string, options: ParseOptions = {}): ParseResult {
  return parseModule(source, options);
}

/** Parses a Rego module or throws a `RegoParseError` carrying every error. */
export function parseOrThrow(source: string, options: ParseOptions = {}): Module {
  const r = parseModule(source, options);
  if (!r.module) throw new RegoParseError(r.errors);
  return r.module;
}

/** The dotted package name of a module, e.g. `opa.pipelines` (without `data.`). */
export function packageName(module: Module): string {
  return module.package.path.join('.');
}
/**
 * The `package` clause a parse read: the module's, or for a module with errors the one
 * the parser still read (`ParseResult.partial`); undefined when there is none.
 */
export function declaredPackage(result: ParseResult): Package | undefined {
  return result.module?.package ?? result.partial?.package;
}
/** The formatter. */
export { format, formatRule } from './format/format.js';
/** OPA's v1 compile-time check for deprecated built-ins. */
export { DEPRECATED_BUILTINS, checkRegoV1 } from './check/v1.js';
/** Line table: offset ↔ line/column by binary search. */
export { LineTable } from './lines.js';
/** AST walking after OPA's `visit.go`. */
export {
  children,
  isTerm,
  walk,
  walkBeforeAndAfter,
  walkBodies,
  walkCalls,
  walkClosures,
  walkExprs,
  walkRefs,
  walkRules,
  walkTerms,
  walkVars,
  walkWiths,
  type Closure,
  type Visitor,
} from './walk.js';
/** OPA's AST JSON (`opa parse --format json`, `rego.parse_module`), without locations and annotations. */
export { OpaAstJsonError, goJsonString, toOpaAstJson, type OpaAstJsonOptions } from './opa-json.js';
