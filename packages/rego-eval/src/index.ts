/**
 * @policy-engine/rego-eval — a pure-TypeScript Rego interpreter with OPA's semantics.
 * @packageDocumentation
 */
/** The built-in registry contract and helpers for writing built-ins. */
export {
  type BuiltinDef,
  type BuiltinContext,
  type BuiltinErrorCode,
  BuiltinError,
  typeError,
  builtinError,
  argString,
  argNumber,
  argArray,
  argObject,
  argSet,
  argBoolean,
  builtinTable,
} from './builtins/registry.js';
/** Every shipped built-in, as a list and by name. */
export { coreBuiltins, defaultBuiltins } from './builtins/index.js';
/** Compile and evaluate. */
export { compile, type CompileOptions, type EvalOptions, type PreparedPolicySet } from './prepared.js';
/** A module to compile. */
export type { ModuleSource } from './compile.js';
/** Typed errors. */
export { RegoCompileError, RegoEvalError, type CompileProblem, type ErrorLocation, type EvalErrorCode } from './errors.js';
