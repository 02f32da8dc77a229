/** The Engine contract on the native interpreter. */
import {
  EngineUnavailable,
  EvaluationError,
  InvalidInput,
  PolicyCompileError,
  type Engine,
  type EngineEvaluateOptions,
  type EngineResult,
  type PolicySet,
} from '@policy-engine/evaluator';
import { abortError, deadlineExceeded, deadlinePassed, mergedData, moduleAst } from '@policy-engine/evaluator/engine-kit';
import { RegoCompileError, RegoEvalError, compile, type BuiltinDef, type PreparedPolicySet } from '@policy-engine/rego-eval';
import { toJSON } from '@policy-engine/rego-value';

/** Options of {@link nativeEngine}. */
export interface NativeEngineOptions {
  /** Built-in errors abort the evaluation (EVALUATION_ERROR) instead of making the call undefined. */
  readonly strictBuiltinErrors?: boolean;
  /** User-defined built-ins, available to every policy. */
  readonly builtins?: readonly BuiltinDef[];
  /** The `print` hook (default: discard). */
  readonly print?: (message: string) => void;
}

/** Why `input` is not a JSON value (as the other engines see it: `JSON.stringify` fails), if it is not. */
function jsonProblem(input: unknown): string | undefined {
  try {
    JSON.stringify(input);
    return undefined;
  } catch (err) {
    return `input is not JSON-serialisable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Creates an engine that evaluates policies with the pure-TypeScript interpreter
 * (`@policy-engine/rego-eval`): no OPA binary, no worker threads. It runs synchronously on
 * the caller's thread and honours `EngineEvaluateOptions.deadline` by polling it in the
 * interpreter (rego-eval's `deadline`), failing with `EvaluationTimeout` past it; a signal is
 * checked before the evaluation starts. It implements `evaluateSync` (the facade then decides
 * without a promise, timer or abort controller per decision); `evaluate` is the same call, as a promise.
 */
export function nativeEngine(options: NativeEngineOptions = {}): Engine {
  let prepared: PreparedPolicySet | undefined;
  let closed = false;
  const strictBuiltinErrors = options.strictBuiltinErrors ?? false;

  const evaluateSync = (packageName: string, input: unknown, evalOptions?: EngineEvaluateOptions): EngineResult => {
    if (closed) throw new EngineUnavailable('the native engine is closed');
    const startedAt = performance.now();
    if (evalOptions?.signal?.aborted) throw abortError(evalOptions.signal);
    const deadline = evalOptions?.deadline;
    if (deadline !== undefined && deadlinePassed(deadline, startedAt)) throw deadlineExceeded(deadline, startedAt);
    const p = prepared;
    if (!p) return { defined: false };
    try {
      const value = p.evaluate(`data.${packageName}`, {
        input,
        jsonInput: true,
        ...(deadline !== undefined ? { deadline } : {}),
        strictBuiltinErrors,
        ...(options.print ? { print: options.print } : {}),
      });
      return value === undefined ? { defined: false } : { defined: true, value: toJSON(value) };
    } catch (err) {
      // Input is converted lazily: a circular or non-JSON input shows up as some failure on the way.
      const notJson = jsonProblem(input);
      if (notJson !== undefined) throw new InvalidInput(packageName, [notJson]);
      if (err instanceof RegoEvalError) {
        if (err.code === 'eval_cancel_error' && deadline !== undefined) throw deadlineExceeded(deadline, startedAt);
        if (err.code === 'eval_input_error') throw new InvalidInput(packageName, [err.detail]);
        const loc =
          err.location && err.location.row > 0 ? { file: err.location.file, line: err.location.row, col: err.location.col } : undefined;
        throw new EvaluationError(`${err.code}: ${err.detail}`, loc, { cause: err });
      }
      throw new EvaluationError(err instanceof Error ? err.message : String(err), undefined, { cause: err });
    }
  };

  return {
    name: 'native',
    load(policies: PolicySet): Promise<void> {
      if (closed) return Promise.reject(new EngineUnavailable('the native engine is closed'));
      try {
        const next = compile(
          policies.modules.map((m) => {
            // The AST the evaluator parsed when it built the set (or a hand-built module parsed once);
            // a module that does not parse goes to the compiler as source, which reports its errors.
            const ast = moduleAst(m);
            return { id: m.id, source: m.source, regoVersion: m.regoVersion, ...(ast !== undefined ? { ast } : {}) };
          }),
          { data: mergedData(policies), ...(options.builtins ? { builtins: options.builtins } : {}) },
        );
        prepared = next;
        return Promise.resolve();
      } catch (err) {
        if (err instanceof RegoCompileError) {
          return Promise.reject(
            new PolicyCompileError(
              err.errors.map((e) => ({
                message: e.message,
                code: e.code,
                ...(e.location ? { location: { file: e.location.file, line: e.location.row, col: e.location.col } } : {}),
              })),
              { cause: err },
            ),
          );
        }
        return Promise.reject(new PolicyCompileError([{ message: err instanceof Error ? err.message : String(err) }], { cause: err }));
      }
    },
    evaluateSync,
    // A user-defined built-in may be non-deterministic unless it says it is not (`nondeterministic: false`).
    decisionsCacheable: (options.builtins ?? []).every((b) => b.nondeterministic === false),
    evaluate(packageName: string, input: unknown, evalOptions?: EngineEvaluateOptions): Promise<EngineResult> {
      try {
        return Promise.resolve(evaluateSync(packageName, input, evalOptions));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new EvaluationError(String(err)));
      }
    },
    close(): Promise<void> {
      closed = true;
      prepared = undefined;
      return Promise.resolve();
    },
  };
}
