/**
 * The built-in registry contract. Every built-in is a `BuiltinDef`: a name as Rego calls it
 * (`count`, `object.get`, `internal.member_2`), its arity, and a synchronous function of
 * ground argument values. Returning `undefined` makes the call undefined; throwing a
 * `BuiltinError` is OPA's `eval_builtin_error` (or `eval_type_error` via `typeError`): in
 * non-strict mode the evaluator turns it into undefined, in strict mode it aborts the query.
 */
import { RObject, RSet, isArray, isNumber, typeName, type RNumber, type Value } from '@policy-engine/rego-value';

/** What a built-in may use of the running query. */
export interface BuiltinContext {
  /** The built-in's name (for messages). */
  readonly name: string;
  /** Evaluation time, ns since the Unix epoch, fixed for the whole query (`time.now_ns`). */
  readonly now: bigint;
  /** `strict-builtin-errors` is on. */
  readonly strict: boolean;
  /** Per-query cache shared by built-ins (e.g. compiled regexes, `rand.intn` results). */
  readonly cache: Map<string, unknown>;
  /** The print hook (`print`). */
  print(message: string): void;
  /** The query's deadline (`performance.now()` time), for built-ins that loop long (e.g. `numbers.range`). */
  readonly deadline?: number | undefined;
}

/** One built-in function. */
export interface BuiltinDef {
  /** Name as called from Rego, e.g. `count`, `object.get`. */
  readonly name: string;
  /** Number of arguments (operands; the output is not counted). */
  readonly arity: number;
  /** Computes the result from ground arguments; `undefined` = undefined. Throws `BuiltinError`. */
  fn(args: Value[], ctx: BuiltinContext): Value | undefined;
  /** Calls are not pure (time, randomness, http): results are not cached across identical calls. */
  readonly nondeterministic?: boolean;
}

/** Error codes a built-in raises. */
export type BuiltinErrorCode = 'eval_builtin_error' | 'eval_type_error';

/** A built-in's failure; the message is OPA's (`<name>: <detail>`). */
export class BuiltinError extends Error {
  /** `eval_builtin_error` or `eval_type_error`. */
  readonly code: BuiltinErrorCode;
  constructor(message: string, code: BuiltinErrorCode = 'eval_builtin_error') {
    super(message);
    this.name = 'BuiltinError';
    this.code = code;
  }
}

/** OPA's operand type error: `"<name>: operand <argIndex> must be <want> but got <type of got>"` (argIndex 1-based). */
export function typeError(name: string, argIndex: number, want: string, got: Value): BuiltinError {
  return new BuiltinError(`${name}: operand ${argIndex} must be ${want} but got ${typeName(got)}`, 'eval_type_error');
}

/** A built-in error `"<name>: <detail>"`. */
export function builtinError(name: string, detail: string): BuiltinError {
  return new BuiltinError(`${name}: ${detail}`);
}

/** Argument `i` (0-based) as a string, or a type error. */
export function argString(name: string, args: readonly Value[], i: number): string {
  const v = args[i] as Value;
  if (typeof v !== 'string') throw typeError(name, i + 1, 'string', v);
  return v;
}
/** Argument `i` as a number, or a type error. */
export function argNumber(name: string, args: readonly Value[], i: number): RNumber {
  const v = args[i] as Value;
  if (!isNumber(v)) throw typeError(name, i + 1, 'number', v);
  return v;
}
/** Argument `i` as an array, or a type error. */
export function argArray(name: string, args: readonly Value[], i: number): readonly Value[] {
  const v = args[i] as Value;
  if (!isArray(v)) throw typeError(name, i + 1, 'array', v);
  return v;
}
/** Argument `i` as an object, or a type error. */
export function argObject(name: string, args: readonly Value[], i: number): RObject {
  const v = args[i] as Value;
  if (!(v instanceof RObject)) throw typeError(name, i + 1, 'object', v);
  return v;
}
/** Argument `i` as a set, or a type error. */
export function argSet(name: string, args: readonly Value[], i: number): RSet {
  const v = args[i] as Value;
  if (!(v instanceof RSet)) throw typeError(name, i + 1, 'set', v);
  return v;
}
/** Argument `i` as a boolean, or a type error. */
export function argBoolean(name: string, args: readonly Value[], i: number): boolean {
  const v = args[i] as Value;
  if (typeof v !== 'boolean') throw typeError(name, i + 1, 'boolean', v);
  return v;
}

/** A lookup table of built-ins by name (later definitions replace earlier ones). */
export function builtinTable(...lists: readonly (readonly BuiltinDef[])[]): Map<string, BuiltinDef> {
  const m = new Map<string, BuiltinDef>();
  for (const list of lists) for (const b of list) m.set(b.name, b);
  return m;
}
