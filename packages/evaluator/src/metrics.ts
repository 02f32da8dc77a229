/**
 * The metrics hook: what a service exposes about its policy engine (decisions by package and
 * outcome, latency, engine errors by code, reloads, bundle activations and failures with the
 * active revision, the decision-log buffer and its drops), with no metrics library. Pass an
 * observer as `options.metrics` of `createPolicyEngine`; {@link createPolicyMetrics} is one that
 * counts into plain numbers (`snapshot()`), and an exporter (e.g. a prom-client adapter) is another.
 */
import type { Decision } from './decision.js';

/** How a decision ended: allowed, denied, or failed with an error (fail-open or not). */
export type DecisionOutcome = 'allowed' | 'denied' | 'error';

/** One decision, as the metrics see it. */
export interface DecisionMetric {
  readonly package: string;
  readonly outcome: DecisionOutcome;
  /** Wall time of the decision (input checks and engine evaluation). */
  readonly durationMs: number;
  /** The decision's `error.code` when it failed. */
  readonly errorCode?: string;
}

/** One reload attempt (manual, watched or bundle-driven). */
export interface ReloadMetric {
  readonly ok: boolean;
  /** Revision of the active set after the attempt. */
  readonly revision: string;
  /** The error's code when it failed. */
  readonly errorCode?: string;
}

/** A bundle-service event: a bundle activated, refused (verification or activation failed), or a failed download. */
export interface BundleMetric {
  readonly bundle: string;
  readonly kind: 'activated' | 'refused' | 'download-failed';
  /** Revision of the bundle active after the event (absent while none is). */
  readonly activeRevision?: string;
}

/** Decision-log buffer state, reported on every change (an event buffered, uploaded or dropped). */
export interface DecisionLogMetric {
  readonly buffered: number;
  /** Events dropped because the buffer was full, since the sink started. */
  readonly dropped: number;
}

/** The hook. Every method is optional; exceptions are logged by the caller, never propagated. */
export interface PolicyMetricsObserver {
  decision?(event: DecisionMetric): void;
  reload?(event: ReloadMetric): void;
  bundle?(event: BundleMetric): void;
  decisionLog?(event: DecisionLogMetric): void;
}

/** The outcome of a decision: `error` when it carries one, else allowed / denied. */
export function decisionOutcome(decision: Decision): DecisionOutcome {
  return decision.error !== undefined ? 'error' : decision.allowed ? 'allowed' : 'denied';
}

/** The metric of a decision. */
export function decisionMetric(decision: Decision): DecisionMetric {
  return {
    package: decision.package,
    outcome: decisionOutcome(decision),
    durationMs: decision.durationMs,
    ...(decision.error !== undefined ? { errorCode: decision.error.code } : {}),
  };
}

/** Calls every observer, shielding each from the others' exceptions (reported to `onError`). */
export function combineMetricsObservers(
  observers: readonly PolicyMetricsObserver[],
  onError: (error: unknown) => void = () => undefined,
): PolicyMetricsObserver {
  const each =
    <K extends keyof PolicyMetricsObserver>(key: K) =>
    (event: Parameters<NonNullable<PolicyMetricsObserver[K]>>[0]): void => {
      for (const o of observers) {
        try {
          (o[key] as ((e: typeof event) => void) | undefined)?.call(o, event);
        } catch (error) {
          onError(error);
        }
      }
    };
  return { decision: each('decision'), reload: each('reload'), bundle: each('bundle'), decisionLog: each('decisionLog') };
}

/** What {@link createPolicyMetrics} has counted. */
export interface PolicyMetricsSnapshot {
  /** Decisions by package, then by outcome. */
  readonly decisions: Readonly<Record<string, Readonly<Record<DecisionOutcome, number>>>>;
  /** Latency by package: count, sum and max in milliseconds. */
  readonly latency: Readonly<Record<string, { readonly count: number; readonly sumMs: number; readonly maxMs: number }>>;
  /** Failed decisions by error code. */
  readonly errors: Readonly<Record<string, number>>;
  readonly reloads: { readonly ok: number; readonly failed: number; readonly revision?: string };
  /** Per bundle: activations, refusals, failed downloads and the active revision. */
  readonly bundles: Readonly<
    Record<
      string,
      { readonly activated: number; readonly refused: number; readonly failedDownloads: number; readonly activeRevision?: string }
    >
  >;
  readonly decisionLog: DecisionLogMetric;
}

interface BundleCounts {
  activated: number;
  refused: number;
  failedDownloads: number;
  activeRevision?: string;
}

/** An observer that counts, and its counts. */
export interface PolicyMetrics extends Required<PolicyMetricsObserver> {
  /** A copy of the counts so far. */
  snapshot(): PolicyMetricsSnapshot;
}

/** A counting {@link PolicyMetricsObserver} (no metrics library): for tests, `/health`-style JSON, or any exporter that pulls. */
export function createPolicyMetrics(): PolicyMetrics {
  // Keyed by package / code / bundle name: tables without a prototype, so `constructor` is just a name.
  const table = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
  const decisions = table<Record<DecisionOutcome, number>>();
  const latency = table<{ count: number; sumMs: number; maxMs: number }>();
  const errors = table<number>();
  const reloads: { ok: number; failed: number; revision?: string } = { ok: 0, failed: 0 };
  const bundles = table<BundleCounts>();
  let decisionLog: DecisionLogMetric = { buffered: 0, dropped: 0 };
  const entry = <T>(table: Record<string, T>, key: string, make: () => T): T => (table[key] ??= make());
  return {
    decision(e) {
      entry(decisions, e.package, () => ({ allowed: 0, denied: 0, error: 0 }))[e.outcome]++;
      const l = entry(latency, e.package, () => ({ count: 0, sumMs: 0, maxMs: 0 }));
      l.count++;
      l.sumMs += e.durationMs;
      l.maxMs = Math.max(l.maxMs, e.durationMs);
      if (e.errorCode !== undefined) errors[e.errorCode] = (errors[e.errorCode] ?? 0) + 1;
    },
    reload(e) {
      if (e.ok) reloads.ok++;
      else reloads.failed++;
      reloads.revision = e.revision;
    },
    bundle(e) {
      const b = entry(bundles, e.bundle, (): BundleCounts => ({ activated: 0, refused: 0, failedDownloads: 0 }));
      if (e.kind === 'activated') b.activated++;
      else if (e.kind === 'refused') b.refused++;
      else b.failedDownloads++;
      if (e.activeRevision !== undefined) b.activeRevision = e.activeRevision;
    },
    decisionLog(e) {
      decisionLog = { buffered: e.buffered, dropped: e.dropped };
    },
    snapshot: () => structuredClone({ decisions, latency, errors, reloads, bundles, decisionLog }),
  };
}
