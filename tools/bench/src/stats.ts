/**
 * Pure statistics of the harness: percentiles by nearest rank, weighted medians, summaries.
 */

/** p50/p99/mean of a latency sample, in the sample's unit. */
export interface LatencySummary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1) of an ascending sample by the nearest-rank method: the smallest
 * value with at least `q·n` values at or below it (`q = 0` gives the minimum).
 * @throws RangeError for an empty sample or a `q` outside [0, 1].
 */
export function percentile(sortedAscending: readonly number[], q: number): number {
  if (sortedAscending.length === 0) throw new RangeError('percentile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile rank must lie in [0, 1], got ${q}`);
  const rank = Math.max(1, Math.ceil(q * sortedAscending.length));
  return sortedAscending[rank - 1] as number;
}

/**
 * Summary of an unsorted sample (it is not modified).
 * @throws RangeError for an empty sample.
 */
export function summarize(sample: readonly number[]): LatencySummary {
  const sorted = [...sample].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: sum / Math.max(1, sorted.length),
    min: percentile(sorted, 0),
    max: percentile(sorted, 1),
  };
}

/**
 * Median of values that each stand for `weight` observations (e.g. one `opa bench` run per
 * package standing for that package's decision cases): the smallest value at which the
 * cumulative weight reaches half the total.
 * @throws RangeError when there is no positive weight.
 */
export function weightedMedian(items: readonly { readonly value: number; readonly weight: number }[]): number {
  const sorted = items.filter((i) => i.weight > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, i) => s + i.weight, 0);
  if (total <= 0) throw new RangeError('weighted median without positive weights');
  let seen = 0;
  for (const item of sorted) {
    seen += item.weight;
    if (seen >= total / 2) return item.value;
  }
  return (sorted[sorted.length - 1] as { value: number }).value;
}

/** `a / b` rounded to 3 significant digits; `null` when either side is missing or `b` is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  return Number((a / b).toPrecision(3));
}

/** Rounds to `digits` significant digits (numbers in results.json stay readable). */
export function sig(value: number, digits = 3): number {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)) : value;
}

/**
 * Least-squares slope of log(y) over log(x): 1 means y grows linearly with x, 2 quadratically,
 * 0 not at all. `null` with fewer than two usable points (x and y must be positive).
 */
export function logLogSlope(points: readonly { readonly x: number; readonly y: number }[]): number | null {
  const usable = points.filter((p) => p.x > 0 && p.y > 0).map((p) => ({ x: Math.log(p.x), y: Math.log(p.y) }));
  if (usable.length < 2) return null;
  const mx = usable.reduce((s, p) => s + p.x, 0) / usable.length;
  const my = usable.reduce((s, p) => s + p.y, 0) / usable.length;
  const num = usable.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = usable.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? null : num / den;
}
