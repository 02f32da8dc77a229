/**
 * Decision log: one JSON line per decision, to a file or a writable stream.
 */
import { createWriteStream, openSync } from 'node:fs';
import type { Decision } from './decision.js';
import { canonicalHash } from './canonical-json.js';
import { ConfigurationError } from './errors.js';
import type { DecisionContext } from './options.js';

/** Options of {@link decisionLogSink}. */
export interface DecisionLogOptions {
  /** Write the whole input document (default false: only `inputHash`, the sha256 of its canonical JSON). */
  readonly includeInput?: boolean;
  /**
   * Called when writing to a log file fails after it was opened (disk full, file removed…).
   * Default: `console.error`. A failed write never stops decisions.
   */
  readonly onError?: (error: Error) => void;
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

/** Opens (creating or appending to) a log file now, so a bad path is a typed error, not a crash later. */
function openLogFile(path: string, onError: (error: Error) => void): WritableTarget {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(`cannot open the decision log ${path}: ${reason}`, { cause: error });
  }
  const stream = createWriteStream(path, { fd });
  // Without a listener a stream error would be thrown as an uncaught exception and end the process.
  stream.on('error', (error) => onError(new Error(`writing the decision log ${path} failed: ${error.message}`, { cause: error })));
  return stream;
}

/**
 * Returns an `onDecision` hook writing one JSON line per decision to `target`
 * (a file path, appended to, or a writable stream).
 * @throws ConfigurationError when the file cannot be opened for appending (e.g. its directory is missing).
 */
export function decisionLogSink(target: string | WritableTarget, options: DecisionLogOptions = {}): DecisionLogSink {
  const owned = typeof target === 'string';
  const onError = options.onError ?? ((error: Error) => console.error(`[policy-engine] ${error.message}`));
  const stream: WritableTarget = typeof target === 'string' ? openLogFile(target, onError) : target;
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
