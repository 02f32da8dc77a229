/** One-line conformance figures, as `npm test` prints them (`tmp/test-results/conformance-figures.txt`). */
import type { ConformanceSummary } from './run.js';

/** The number of skipped cases of a summary (every reason). */
export function skippedCount(s: ConformanceSummary): number {
  return Object.values(s.skipped).reduce((a, b) => a + b, 0);
}

/**
 * One figure line: tree, engine, passed/run (run = total − skipped) with the percentage,
 * failed, skipped, then an optional note (time taken, sample size, …). Columns are padded so
 * that lines of one file line up.
 */
export function formatFigure(tree: string, engine: string, s: ConformanceSummary, note = ''): string {
  const skipped = skippedCount(s);
  const ran = s.total - skipped;
  const pct = ran > 0 ? ((100 * s.passed) / ran).toFixed(1) : '0.0';
  const figure = `${String(s.passed).padStart(5)}/${String(ran).padEnd(5)} passed (${pct.padStart(5)}%)`;
  return `${tree.padEnd(28)} ${engine.padEnd(6)} ${figure} ${String(s.failed).padStart(4)} failed ${String(skipped).padStart(4)} skipped${note ? `  ${note}` : ''}`;
}
