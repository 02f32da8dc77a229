/**
 * Decision log: one JSON line per decision, to a file or a writable stream.
 */
import { createWriteStream } from 'node:fs';
import type { Decision } from './decision.js';
import { canonicalHash } from './canonical-json.js';
import type { DecisionContext } from './options.js';

/** Options of {@link decisionLogSink}. */
export interface DecisionLogOptions {
  /** Write the whole input document (default false: only `inputHash`, the sha256 of its canonical JSON). */
  readonly includeInput?: boolean;
}

/** Anything with a Node-style `write`. */
export interface WritableTarget {
  write(chunk: string): unknown;
  end?(callback?: () => void): unknown;
}

/** A decision hook that writes JSON lines; `close()` flushes and closes a file it opened itself. */
export interface DecisionLogSink {
  (decision: Decision, context: DecisionContext): void;
  close(): Promise<void>;
}

/** One decision log line, as written. */
export interface DecisionLogRecord {
  readonly id: string;
  readonly time: string;
  readonly package: string;
  readonly input?: unknown;
  readonly inputHash?: string;
  readonly result: {
    readonly allowed: boolean;
    readonly denies: readonly string[];
    readonly message: string | null;
    readonly policyFound: boolean;
    readonly error?: { readonly code: string; readonly message: string };
  };
  readonly durationMs: number;
  readonly engine: string;
}

/** Builds the log record of one decision. */
export function decisionLogRecord(decision: Decision, context: DecisionContext, options: DecisionLogOptions = {}): DecisionLogRecord {
  const result = {
    allowed: decision.allowed,
    denies: decision.denies,
    message: decision.message,
    policyFound: decision.policyFound,
    ...(decision.error ? { error: { code: decision.error.code, message: decision.error.message } } : {}),
  };
  return {
    id: context.id,
    time: context.time,
    package: decision.package,
    ...(options.includeInput ? { input: context.input } : { inputHash: canonicalHash(context.input) }),
    result,
    durationMs: decision.durationMs,
    engine: decision.engine,
  };
}

/**
 * Returns an `onDecision` hook writing one JSON line per decision to `target`
 * (a file path, appended to, or a writable stream).
 */
export function decisionLogSink(target: string | WritableTarget, options: DecisionLogOptions = {}): DecisionLogSink {
  const owned = typeof target === 'string';
  const stream: WritableTarget = typeof target === 'string' ? createWriteStream(target, { flags: 'a' }) : target;
  const sink = (decision: Decision, context: DecisionContext): void => {
    stream.write(`${JSON.stringify(decisionLogRecord(decision, context, options))}\n`);
  };
  return Object.assign(sink, {
    close: (): Promise<void> =>
      new Promise<void>((resolve) => {
        if (!owned || stream.end === undefined) resolve();
        else stream.end(() => resolve());
      }),
  });
}
