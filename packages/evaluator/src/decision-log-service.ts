/**
 * Decision logs shipped to a service as OPA's decision log plugin ships them (`v1/plugins/logs`):
 * events of OPA's shape (`EventV1`), buffered, uploaded as a gzip-compressed JSON array with
 * `POST <url>` (`Content-Type: application/json`, `Content-Encoding: gzip`) when the batch is full
 * or at a jittered interval, retried with OPA's exponential backoff; a bounded buffer drops the
 * oldest events (counted and logged); OPA's mask rules erase or replace fields first.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Decision } from './decision.js';
import { ConfigurationError } from './errors.js';
import { exchange } from './http-client.js';
import type { PolicyMetricsObserver } from './metrics.js';
import type { DecisionContext, Logger } from './options.js';
import { quietConsoleLogger } from './policy-engine.js';
import { retryDelayMs } from './sources/bundle-service.js';

/** OPA's mask rule: a path string (`/input/password`: remove) or `{ op: 'upsert' | 'remove', path, value }`. */
export type MaskRule = string | { readonly op?: 'remove' | 'upsert'; readonly path: string; readonly value?: unknown };

/** One decision log event in OPA's format (`EventV1`). */
export interface DecisionLogEvent {
  readonly labels: Readonly<Record<string, string>>;
  readonly decision_id: string;
  readonly bundles?: Readonly<Record<string, { readonly revision: string }>>;
  readonly path: string;
  readonly input?: unknown;
  readonly result?: unknown;
  readonly erased?: readonly string[];
  readonly masked?: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly timestamp: string;
  readonly metrics: { readonly timer_rego_query_eval_ns: number };
  readonly req_id?: number;
}

/** Options of {@link decisionLogService}. */
export interface DecisionLogServiceOptions {
  /** Upload URL (OPA: the service `url` + the `resource`, default `/logs`). */
  readonly url: string;
  /** Event labels (OPA `labels`); `id` (default a random UUID per service) and `version` are always set. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** PEM text of CA certificates for `https`. */
  readonly ca?: string;
  /** Upload interval, jittered in [min, max] seconds (OPA `reporting.min_delay_seconds`/`max_delay_seconds`, default 300–600). */
  readonly minDelaySeconds?: number;
  readonly maxDelaySeconds?: number;
  /** A batch is uploaded at once when its gzip-compressed size would pass this (OPA `reporting.upload_size_limit_bytes`, default 32768). */
  readonly uploadSizeLimitBytes?: number;
  /** At most this many events are buffered; older ones are dropped first (OPA `reporting.buffer_size_limit_events`, default 10000). */
  readonly bufferSizeLimitEvents?: number;
  /** OPA mask rules applied to every event before it is buffered. */
  readonly mask?: readonly MaskRule[];
  /** Put the input into events (default true). */
  readonly includeInput?: boolean;
  readonly logger?: Logger;
  /** Told the buffer size and the drops whenever they change (the metrics hook's `decisionLog`). */
  readonly metrics?: PolicyMetricsObserver;
  /** Timeout of one upload (default 10 000 ms). */
  readonly requestTimeoutMs?: number;
}

/** Counters of a {@link DecisionLogService}. */
export interface DecisionLogStats {
  readonly buffered: number;
  readonly dropped: number;
  readonly uploadedEvents: number;
  readonly uploads: number;
  readonly failedUploads: number;
}

/** The sink: `onDecision` for the facade, `flush()` to upload now, `close()` to flush and stop. */
export interface DecisionLogService {
  readonly onDecision: (decision: Decision, context: DecisionContext) => void;
  /** Uploads everything buffered now; resolves when done (rejects when the upload fails; the events stay buffered). */
  flush(): Promise<void>;
  stats(): DecisionLogStats;
  /** Tries a last upload, then stops the timers. */
  close(): Promise<void>;
}

const clone = (value: unknown): unknown => (value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown));

function parseRule(rule: MaskRule): { op: 'remove' | 'upsert'; parts: string[]; path: string; value?: unknown } {
  const path = typeof rule === 'string' ? rule : rule.path;
  const op = typeof rule === 'string' ? 'remove' : (rule.op ?? 'remove');
  if (op !== 'remove' && op !== 'upsert') throw new ConfigurationError(`mask op is not supported: ${String(op)}`);
  if (typeof path !== 'string' || path.length === 0) throw new ConfigurationError('mask must be non-empty');
  if (!path.startsWith('/')) throw new ConfigurationError('mask must be slash-prefixed');
  const parts = path.slice(1).split('/');
  if (parts[0] !== 'input' && parts[0] !== 'result') throw new ConfigurationError(`mask prefix not allowed: ${parts[0] ?? ''}`);
  return typeof rule === 'string' || rule.value === undefined ? { op, parts, path } : { op, parts, path, value: rule.value };
}

/** OPA's `removeValue`: true when the path existed and was removed (array elements are spliced out). */
function removeAt(root: unknown, parts: readonly string[]): boolean {
  let node = root;
  for (const key of parts.slice(0, -1)) {
    if (Array.isArray(node)) node = (node as unknown[])[Number(key)];
    else if (node !== null && typeof node === 'object' && Object.hasOwn(node, key)) node = (node as Record<string, unknown>)[key];
    else return false;
  }
  const last = parts[parts.length - 1] ?? '';
  if (Array.isArray(node)) {
    const index = /^\d+$/.test(last) ? Number(last) : -1;
    if (index < 0 || index >= node.length) return false;
    node.splice(index, 1);
    return true;
  }
  if (node === null || typeof node !== 'object' || !Object.hasOwn(node, last)) return false;
  delete (node as Record<string, unknown>)[last];
  return true;
}

/** OPA's `mkdirp`: objects are created along the way; false when a non-object is in the way. */
function upsertAt(root: unknown, parts: readonly string[], value: unknown): boolean {
  let node = root;
  for (const key of parts.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
    const record = node as Record<string, unknown>;
    if (!Object.hasOwn(record, key)) record[key] = {};
    node = record[key];
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  (node as Record<string, unknown>)[parts[parts.length - 1] ?? ''] = value;
  return true;
}

/**
 * Applies OPA's mask rules to an event's `input` and `result` (copies; the caller's values stay):
 * a removed path is listed in `erased`, an upserted one in `masked`; paths that do not exist are skipped.
 */
export function maskEvent(event: DecisionLogEvent, rules: readonly MaskRule[]): DecisionLogEvent {
  if (rules.length === 0) return event;
  const doc: { input?: unknown; result?: unknown } = { input: clone(event.input), result: clone(event.result) };
  const erased: string[] = [];
  const masked: string[] = [];
  for (const rule of rules.map(parseRule)) {
    const part = rule.parts[0] as 'input' | 'result';
    if (doc[part] === undefined) continue;
    if (rule.op === 'remove') {
      if (rule.parts.length === 1) doc[part] = undefined;
      else if (!removeAt(doc[part], rule.parts.slice(1))) continue;
      erased.push(rule.path);
    } else {
      if (rule.parts.length === 1) doc[part] = rule.value;
      else if (!upsertAt(doc[part], rule.parts.slice(1), rule.value)) continue;
      masked.push(rule.path);
    }
  }
  const { input: _input, result: _result, ...rest } = event;
  return {
    ...rest,
    ...(doc.input !== undefined ? { input: doc.input } : {}),
    ...(doc.result !== undefined ? { result: doc.result } : {}),
    ...(erased.length > 0 ? { erased } : {}),
    ...(masked.length > 0 ? { masked } : {}),
  };
}

/** One decision as OPA's decision log event (before masking). */
export function decisionLogEvent(
  decision: Decision,
  context: DecisionContext,
  labels: Readonly<Record<string, string>>,
  includeInput = true,
): DecisionLogEvent {
  return {
    labels,
    decision_id: context.id,
    ...(context.bundles !== undefined && Object.keys(context.bundles).length > 0 ? { bundles: context.bundles } : {}),
    path: decision.package.replace(/\./g, '/'),
    ...(includeInput && context.input !== undefined ? { input: context.input } : {}),
    ...(context.result !== undefined ? { result: context.result } : {}),
    ...(decision.error !== undefined ? { error: decision.error } : {}),
    timestamp: context.time,
    metrics: { timer_rego_query_eval_ns: Math.round(decision.durationMs * 1e6) },
  };
}

/**
 * An `onDecision` sink that uploads OPA decision log events to `options.url`.
 * @throws ConfigurationError for a bad URL, delays or mask rules.
 */
export function decisionLogService(options: DecisionLogServiceOptions): DecisionLogService {
  try {
    const u = new URL(options.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new ConfigurationError(`decision log url must be an http(s) URL, got ${JSON.stringify(options.url)}`);
  }
  const rules = options.mask ?? [];
  rules.forEach(parseRule); // configuration errors now, not per event
  const logger = options.logger ?? quietConsoleLogger;
  const minMs = (options.minDelaySeconds ?? 300) * 1000;
  const maxMs = (options.maxDelaySeconds ?? Math.max(600, options.minDelaySeconds ?? 0)) * 1000;
  if (!(minMs > 0) || !(maxMs >= minMs)) throw new ConfigurationError('max reporting delay must be >= min reporting delay, both positive');
  const sizeLimit = options.uploadSizeLimitBytes ?? 32_768;
  const bufferLimit = options.bufferSizeLimitEvents ?? 10_000;
  const labels = { id: randomUUID(), version: '0.1.0', ...options.labels };
  const buffer: DecisionLogEvent[] = [];
  let bufferedBytes = 0;
  const counts = { dropped: 0, uploadedEvents: 0, uploads: 0, failedUploads: 0 };
  let retries = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let uploading: Promise<void> | undefined;

  const headers: Record<string, string> = { ...options.headers, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' };
  if (options.token !== undefined) headers['Authorization'] = `Bearer ${options.token}`;
  const report = (): void => {
    try {
      options.metrics?.decisionLog?.({ buffered: buffer.length, dropped: counts.dropped });
    } catch (error) {
      logger.error(`metrics observer failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const upload = async (): Promise<void> => {
    while (buffer.length > 0) {
      // One chunk: everything buffered, halved until its gzip-compressed size fits the limit (at least one event).
      let chunk = buffer.slice();
      let body = gzipSync(JSON.stringify(chunk));
      while (body.length > sizeLimit && chunk.length > 1) {
        chunk = chunk.slice(0, Math.ceil(chunk.length / 2));
        body = gzipSync(JSON.stringify(chunk));
      }
      const res = await exchange(options.url, {
        method: 'POST',
        headers,
        body,
        timeoutMs: options.requestTimeoutMs ?? 10_000,
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
      }).catch((error: unknown) => {
        counts.failedUploads++;
        throw error;
      });
      if (res.status < 200 || res.status >= 300) {
        counts.failedUploads++;
        throw new Error(`log upload failed, server replied with HTTP ${res.status}`);
      }
      const sent = buffer.splice(0, chunk.length);
      for (const event of sent) bufferedBytes -= JSON.stringify(event).length;
      counts.uploads++;
      counts.uploadedEvents += sent.length;
      report();
    }
  };
  const flush = (): Promise<void> => {
    const run = (uploading ?? Promise.resolve()).catch(() => undefined).then(upload);
    uploading = run;
    return run.finally(() => {
      if (uploading === run) uploading = undefined;
    });
  };
  /** One upload attempt; the next one is scheduled after it (the interval, or OPA's backoff after a failure). */
  const attempt = (): void => {
    clearTimeout(timer);
    flush().then(
      () => {
        retries = 0;
        schedule();
      },
      (error: unknown) => {
        retries++;
        logger.error(
          `decision log upload failed (${buffer.length} events kept, retry ${retries}): ${error instanceof Error ? error.message : String(error)}`,
        );
        schedule();
      },
    );
  };
  const schedule = (): void => {
    if (closed) return;
    clearTimeout(timer);
    const delay = retries > 0 ? retryDelayMs(100, maxMs, retries) : minMs + Math.random() * (maxMs - minMs);
    timer = setTimeout(attempt, delay);
    timer.unref();
  };
  schedule();

  return {
    onDecision: (decision, context) => {
      if (closed) return;
      const event = maskEvent(decisionLogEvent(decision, context, labels, options.includeInput ?? true), rules);
      buffer.push(event);
      bufferedBytes += JSON.stringify(event).length;
      if (buffer.length > bufferLimit) {
        const dropped = buffer.splice(0, buffer.length - bufferLimit);
        for (const old of dropped) bufferedBytes -= JSON.stringify(old).length;
        counts.dropped += dropped.length;
        logger.warn(
          `decision log buffer full (${bufferLimit} events): dropped ${dropped.length} oldest (${counts.dropped} dropped in all)`,
        );
      }
      report();
      // A full batch goes at once (unless uploads are failing: then the backoff decides).
      if (bufferedBytes >= sizeLimit && retries === 0 && uploading === undefined) attempt();
    },
    flush,
    stats: () => ({ buffered: buffer.length, ...counts }),
    close: async () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await flush().catch((error: unknown) =>
        logger.error(
          `decision log: last upload failed, ${buffer.length} events lost: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    },
  };
}
