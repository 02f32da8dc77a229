/**
 * The `native` backend: `@policy-engine/rego-eval`, loaded by dynamic import so that this
 * package builds and runs before (or without) the interpreter. Values cross as JSON text
 * (`@policy-engine/rego-value`'s `toJSONText` / `parseJSONText`), which keeps numbers exact
 * and turns sets into arrays in OPA's order, as OPA's runner does.
 */
import type { BackendOptions, Binding, CaseOutcome, ConformanceBackend } from '../backend.js';
import type { ConformanceCase } from '../load.js';
import { isJObject, parseJsonExact, toJSONText } from '../value.js';
import { inputOf } from './input.js';

/** The native engine is not available (rego-eval not installed in this checkout). */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  readonly code = 'CONFORMANCE_BACKEND_UNAVAILABLE';
}

interface RegoModuleIn {
  readonly id: string;
  readonly source: string;
  readonly regoVersion?: 'v0' | 'v1';
}
interface Prepared {
  query(text: string, options: { input?: unknown; strictBuiltinErrors?: boolean }): readonly Record<string, unknown>[];
}
interface RegoEvalModule {
  compile(modules: readonly RegoModuleIn[], options: { data?: unknown }): Prepared;
}
interface RegoValueModule {
  toJSONText(v: unknown): string;
  parseJSONText(text: string): unknown;
}

// Variables, so that TypeScript does not resolve (and require) the packages at build time.
const REGO_EVAL = '@policy-engine/rego-eval';
const REGO_VALUE = '@policy-engine/rego-value';

interface ErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly errors?: unknown;
  readonly location?: unknown;
}

/** A location field's text: a number or string as it is, anything else as JSON. */
function scalarText(v: unknown): string {
  return typeof v === 'number' || typeof v === 'string' ? String(v) : (JSON.stringify(v) ?? 'undefined');
}

function locText(loc: unknown): string {
  if (loc === null || typeof loc !== 'object') return '';
  const l = loc as { file?: unknown; line?: unknown; row?: unknown; col?: unknown };
  const line = l.line ?? l.row;
  return typeof l.file === 'string' && l.file !== ''
    ? `${l.file}:${scalarText(line)}: `
    : line !== undefined
      ? `${scalarText(line)}:${scalarText(l.col)}: `
      : '';
}

/** An error thrown by rego-eval as an outcome (the first of a compile error's list). */
export function nativeErrorOutcome(err: unknown): CaseOutcome {
  const e = (err ?? {}) as ErrorLike;
  const first = Array.isArray(e.errors) && e.errors.length > 0 ? (e.errors[0] as ErrorLike) : e;
  if (typeof first.code !== 'string') throw err;
  const message = typeof first.message === 'string' ? first.message : String(first.message);
  return { error: { code: first.code, message, text: `${locText(first.location)}${first.code}: ${message}` } };
}

/** rego-eval as a conformance backend. Rejects with {@link BackendUnavailableError} when it is not installed. */
export async function nativeBackend(options: BackendOptions): Promise<ConformanceBackend> {
  let evalMod: RegoEvalModule;
  let valueMod: RegoValueModule;
  try {
    evalMod = (await import(REGO_EVAL)) as RegoEvalModule;
    valueMod = (await import(REGO_VALUE)) as RegoValueModule;
  } catch (err) {
    throw new BackendUnavailableError(`the native engine is not available: ${(err as Error).message}`);
  }
  if (typeof evalMod.compile !== 'function')
    throw new BackendUnavailableError('the native engine is not available: @policy-engine/rego-eval exports no compile() yet');
  /** One case, synchronously: rego-eval compiles and evaluates in process. */
  const runCase = (c: ConformanceCase): CaseOutcome => {
    const input = inputOf(c);
    if ('error' in input) return input;
    try {
      const data = c.data === undefined ? undefined : valueMod.parseJSONText(toJSONText(c.data));
      const prepared = evalMod.compile(
        c.modules.map((source, i) => ({ id: `test-${i}.rego`, source, regoVersion: options.regoVersion })),
        data === undefined ? {} : { data },
      );
      const rows = prepared.query(input.query, {
        ...(input.input === undefined ? {} : { input: valueMod.parseJSONText(toJSONText(input.input)) }),
        strictBuiltinErrors: c.strictError,
      });
      const result: Binding[] = rows.map((row) => {
        const b: Record<string, Binding[string]> = {};
        for (const [k, v] of Object.entries(row)) b[k] = parseJsonExact(valueMod.toJSONText(v));
        return b;
      });
      return { result: result.filter((b) => isJObject(b)) };
    } catch (err) {
      return nativeErrorOutcome(err);
    }
  };
  return {
    name: 'native',
    run: (c: ConformanceCase): Promise<CaseOutcome> => Promise.resolve(runCase(c)),
  };
}
