/** The Engine contract on the native interpreter. */
import {
  ConfigurationError,
  EngineUnavailable,
  EvaluationCancelled,
  EvaluationError,
  EvaluationTimeout,
  InvalidInput,
  PolicyCompileError,
  mergedData,
  type Engine,
  type EngineEvaluateOptions,
  type EngineResult,
  type PolicySet,
} from '@policy-engine/evaluator';
import { RegoCompileError, RegoEvalError, compile, type BuiltinDef, type PreparedPolicySet } from '@policy-engine/rego-eval';
import { toJSON } from '@policy-engine/rego-value';

/** Options of {@link nativeEngine}. */
export interface NativeEngineOptions {
  /** Time bound of one evaluation, ms (default 10 000); polled by the interpreter on the main thread. */
  readonly timeoutMs?: number;
  /** Built-in errors abort the evaluation (EVALUATION_ERROR) instead of making the call undefined. */
  readonly strictBuiltinErrors?: boolean;
  /** User-defined built-ins, available to every policy. */
  readonly builtins?: readonly BuiltinDef[];
  /** The `print` hook (default: discard). */
  readonly print?: (message: string) => void;
}

/**
 * Creates an engine that evaluates policies with the pure-TypeScript interpreter
 * (`@policy-engine/rego-eval`): no OPA binary, no worker threads.
 */
export function nativeEngine(options: NativeEngineOptions = {}): Engine {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0)) throw new ConfigurationError('nativeEngine timeoutMs must be positive');
  let prepared: PreparedPolicySet | undefined;
  let closed = false;

  return {
    name: 'native',
    load(policies: PolicySet): Promise<void> {
      if (closed) return Promise.reject(new EngineUnavailable('the native engine is closed'));
      try {
        const next = compile(
          policies.modules.map((m) => ({ id: m.id, source: m.source, regoVersion: m.regoVersion })),
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
    evaluate(packageName: string, input: unknown, evalOptions?: EngineEvaluateOptions): Promise<EngineResult> {
      if (closed) return Promise.reject(new EngineUnavailable('the native engine is closed'));
      if (evalOptions?.signal?.aborted) return Promise.reject(new EvaluationCancelled('evaluation cancelled before it started'));
      const p = prepared;
      if (!p) return Promise.resolve({ defined: false });
      try {
        const value = p.evaluate(`data.${packageName}`, {
          input,
          deadline: performance.now() + timeoutMs,
          strictBuiltinErrors: options.strictBuiltinErrors ?? false,
          ...(options.print ? { print: options.print } : {}),
        });
        return Promise.resolve(value === undefined ? { defined: false } : { defined: true, value: toJSON(value) });
      } catch (err) {
        if (err instanceof RegoEvalError) {
          if (err.code === 'eval_cancel_error') return Promise.reject(new EvaluationTimeout(timeoutMs));
          if (err.code === 'eval_input_error') return Promise.reject(new InvalidInput(packageName, [err.detail]));
          const loc = err.location && err.location.row > 0 ? { file: err.location.file, line: err.location.row, col: err.location.col } : undefined;
          return Promise.reject(new EvaluationError(`${err.code}: ${err.detail}`, loc, { cause: err }));
        }
        return Promise.reject(new EvaluationError(err instanceof Error ? err.message : String(err), undefined, { cause: err }));
      }
    },
    close(): Promise<void> {
      closed = true;
      prepared = undefined;
      return Promise.resolve();
    },
  };
}
