/** Runs cases through a backend and adds up the summary. */
import type { ConformanceBackend } from './backend.js';
import { judge } from './compare.js';
import { loadCases, type ConformanceCase } from './load.js';
import { skipFor, type SkipEntry } from './skip.js';

/** One failed case. `file` is relative to the directory it was loaded from. */
export interface ConformanceFailure {
  readonly file: string;
  readonly index: number;
  readonly note: string;
  readonly reason: string;
}

/** One skipped case and the skip list's reason. */
export interface ConformanceSkip {
  readonly file: string;
  readonly index: number;
  readonly reason: string;
}

/** The figures of a run; `--format json` prints exactly this object. */
export interface ConformanceSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  /** Skipped cases counted per reason. */
  readonly skipped: { readonly [reason: string]: number };
  readonly failures: readonly ConformanceFailure[];
  readonly skips: readonly ConformanceSkip[];
}

/** Progress after each case. */
export interface ConformanceProgress {
  readonly done: number;
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly current: ConformanceCase;
}

/** Options of {@link runCases} and {@link runConformance}. */
export interface RunOptions {
  readonly backend: ConformanceBackend;
  /** Skip entries (from `loadSkipList(backend.name)`); skips come only from here. */
  readonly skips?: readonly SkipEntry[];
  /** Cases in flight at once (default 1; the opa backend runs a process per case). */
  readonly concurrency?: number;
  /** Only cases whose file (relative) or note contains this text. */
  readonly filter?: string;
  readonly onProgress?: (p: ConformanceProgress) => void;
}

/** Runs the given cases (in order; results are reported in case order). */
export async function runCases(cases: readonly ConformanceCase[], options: RunOptions): Promise<ConformanceSummary> {
  const selected =
    options.filter === undefined
      ? cases
      : cases.filter((c) => c.file.includes(options.filter as string) || c.note.includes(options.filter as string));
  const skips: ConformanceSkip[] = [];
  const skipped: Record<string, number> = {};
  const verdicts = new Array<ConformanceFailure | 'pass' | 'skip' | undefined>(selected.length);
  let passed = 0;
  let failed = 0;
  let done = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < selected.length) {
      const i = next++;
      const c = selected[i] as ConformanceCase;
      const skip = skipFor(c, options.skips ?? []);
      if (skip) {
        verdicts[i] = 'skip';
      } else {
        let reason: string | undefined;
        try {
          const v = judge(c, await options.backend.run(c));
          if (!v.pass) reason = v.reason;
        } catch (err) {
          reason = `backend threw: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
        }
        if (reason === undefined) {
          verdicts[i] = 'pass';
          passed++;
        } else {
          verdicts[i] = { file: c.file, index: c.index, note: c.note, reason };
          failed++;
        }
      }
      done++;
      options.onProgress?.({ done, total: selected.length, passed, failed, skipped: done - passed - failed, current: c });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  const failures: ConformanceFailure[] = [];
  selected.forEach((c, i) => {
    const v = verdicts[i];
    if (v === 'skip') {
      const reason = (skipFor(c, options.skips ?? []) as SkipEntry).reason;
      skips.push({ file: c.file, index: c.index, reason });
      skipped[reason] = (skipped[reason] ?? 0) + 1;
    } else if (v !== undefined && v !== 'pass') failures.push(v);
  });
  return { total: selected.length, passed, failed, skipped, failures, skips };
}

/** Loads every case under each directory and runs them; `file`s are relative to their directory. */
export async function runConformance(dirs: readonly string[], options: RunOptions): Promise<ConformanceSummary> {
  return runCases(
    dirs.flatMap((d) => loadCases(d)),
    options,
  );
}

/** Adds summaries of several runs (e.g. one per directory) into one. */
export function mergeSummaries(parts: readonly ConformanceSummary[]): ConformanceSummary {
  const skipped: Record<string, number> = {};
  for (const p of parts) for (const [r, n] of Object.entries(p.skipped)) skipped[r] = (skipped[r] ?? 0) + n;
  return {
    total: parts.reduce((n, p) => n + p.total, 0),
    passed: parts.reduce((n, p) => n + p.passed, 0),
    failed: parts.reduce((n, p) => n + p.failed, 0),
    skipped,
    failures: parts.flatMap((p) => p.failures),
    skips: parts.flatMap((p) => p.skips),
  };
}

/** The one-line JSON form of a summary (keys in the documented order). */
export function summaryJson(s: ConformanceSummary): string {
  return JSON.stringify({ total: s.total, passed: s.passed, failed: s.failed, skipped: s.skipped, failures: s.failures, skips: s.skips });
}

/** A human summary: the figures, then failures grouped by reason's first words. */
export function formatSummary(s: ConformanceSummary, label = '', maxFailures = 50): string {
  const pct = s.total - sumSkipped(s) > 0 ? ((100 * s.passed) / (s.total - sumSkipped(s))).toFixed(1) : '0.0';
  const lines = [
    `${label ? `${label}: ` : ''}${s.passed}/${s.total - sumSkipped(s)} passed (${pct}%), ${s.failed} failed, ${sumSkipped(s)} skipped`,
  ];
  for (const [r, n] of Object.entries(s.skipped).sort((a, b) => b[1] - a[1])) lines.push(`  skipped ${n}: ${r}`);
  for (const f of s.failures.slice(0, maxFailures)) lines.push(`  FAIL ${f.file}#${f.index} ${f.note}: ${f.reason}`);
  if (s.failures.length > maxFailures) lines.push(`  … ${s.failures.length - maxFailures} more failures (--format json lists all)`);
  return `${lines.join('\n')}\n`;
}

function sumSkipped(s: ConformanceSummary): number {
  return Object.values(s.skipped).reduce((a, b) => a + b, 0);
}
