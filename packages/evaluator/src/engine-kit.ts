/**
 * @policy-engine/evaluator/engine-kit — helpers for engine authors (not for users of the
 * facade): the time left before an evaluation's deadline, the typed errors for a deadline or an
 * aborted signal, the merged data tree of a policy set, the parsed AST of a module (also of a
 * hand-built one without `ast`) and the text a `--v0-compatible` OPA needs for a v1 module.
 * @packageDocumentation
 */
import type { EngineEvaluateOptions } from './engine.js';
import { EvaluationCancelled, EvaluationTimeout, PolicyEngineError } from './errors.js';

export { mergedData } from './data-tree.js';
export { v0CompatibleSource, type CompatSource } from './rego-compat.js';
export { moduleAst, parsedModule, type ModuleText } from './policy-module.js';

/**
 * Milliseconds left until `deadline` (a `performance.now()` time), never negative;
 * `Infinity` when there is no deadline.
 */
export function remainingMs(deadline: number | undefined, now: number = performance.now()): number {
  if (deadline === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(0, deadline - now);
}

/** True when `deadline` is set and has passed. */
export function deadlinePassed(deadline: number | undefined, now: number = performance.now()): boolean {
  return deadline !== undefined && now >= deadline;
}

/**
 * The typed error for an evaluation stopped at its deadline: `EvaluationTimeout`
 * (`EVALUATION_TIMEOUT`, the one timeout code of every engine), reporting the time the
 * evaluation had (from `startedAt`, a `performance.now()` time, to the deadline).
 */
export function deadlineExceeded(deadline: number, startedAt: number, message?: string): EvaluationTimeout {
  const allowed = Math.max(0, Math.round(deadline - startedAt));
  return message === undefined ? new EvaluationTimeout(allowed) : new EvaluationTimeout(allowed, message);
}

/**
 * The typed error for an aborted signal: its reason when that is already a
 * `PolicyEngineError` (the facade aborts with `EvaluationTimeout` or `EvaluationCancelled`),
 * otherwise `EvaluationCancelled`.
 */
export function abortError(signal: AbortSignal): PolicyEngineError {
  const reason: unknown = signal.reason;
  return reason instanceof PolicyEngineError ? reason : new EvaluationCancelled('evaluation cancelled by the caller');
}

/** What {@link evaluationSignal} returns. */
export interface EvaluationSignal {
  /** Aborts when the caller's signal aborts (its reason, see {@link abortError}) or at the deadline (`EvaluationTimeout`). */
  readonly signal: AbortSignal;
  /** Stops the deadline timer and the listener on the caller's signal; call it when the evaluation is over. */
  dispose(): void;
}

/**
 * One signal for an asynchronous engine that honours both halves of `EngineEvaluateOptions`:
 * it aborts when `options.signal` does and when `options.deadline` passes, its reason always a
 * `PolicyEngineError` (`EvaluationCancelled` / the caller's reason, or `EvaluationTimeout`).
 */
export function evaluationSignal(options: EngineEvaluateOptions | undefined, startedAt: number = performance.now()): EvaluationSignal {
  const controller = new AbortController();
  const caller = options?.signal;
  const deadline = options?.deadline;
  const onAbort = (): void => controller.abort(caller ? abortError(caller) : new EvaluationCancelled('evaluation cancelled by the caller'));
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (caller?.aborted) onAbort();
  else {
    caller?.addEventListener('abort', onAbort, { once: true });
    if (deadline !== undefined) {
      const left = remainingMs(deadline);
      const fire = (): void => controller.abort(deadlineExceeded(deadline, startedAt));
      if (left <= 0) fire();
      else timer = setTimeout(fire, left);
    }
  }
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}
