/**
 * Rego unit tests on the native interpreter, as `opa test` runs them: every rule whose
 * name starts with `test_` (or `todo_test_`, skipped) in any package is evaluated on its own;
 * it passes when its value is defined and `true` (a partial-object test: each leaf is a case).
 */
import { parse, walkExprs, walkRules, type Module, type Rule, type Term } from '@policy-engine/rego-parser';
import { RegoEvalError, compile, type ErrorLocation, type ModuleSource, type PreparedPolicySet } from '@policy-engine/rego-eval';
import { RObject, type Value } from '@policy-engine/rego-value';

/** Prefix of test rules (OPA's `tester.TestPrefix`). */
export const TEST_PREFIX = 'test_';
/** Prefix of skipped test rules (OPA's `tester.SkipTestPrefix`). */
export const SKIP_TEST_PREFIX = 'todo_test_';

/** One test's outcome. */
export interface RegoTestResult {
  /** Where the test rule starts. */
  readonly location: ErrorLocation;
  /** `data.<package>`, as OPA prints it. */
  readonly package: string;
  /** The rule's name (duplicates get OPA's `#01`, `#02` suffixes). */
  readonly name: string;
  /** `pass`, `fail`, `skip` (`todo_test_`) or `error` (an evaluation error). */
  readonly outcome: 'pass' | 'fail' | 'skip' | 'error';
  /** The evaluation error's text (`error` only). */
  readonly error?: string;
  /** For a partial-object test: each leaf case (`[note, …]` path) and whether it failed. */
  readonly cases?: readonly { readonly path: readonly string[]; readonly fail: boolean }[];
  /** Evaluation time in nanoseconds. */
  readonly durationNs: number;
}

/** Line coverage of one file. */
export interface FileCoverage {
  readonly file: string;
  /** Lines with an evaluated expression or a rule head that produced a value. */
  readonly covered: readonly number[];
  /** Lines with expressions or rule heads never reached (and nothing covered). */
  readonly notCovered: readonly number[];
  /** `covered / (covered + notCovered) * 100` (100 when the file has no such line). */
  readonly percent: number;
}

/** What `runRegoTests` returns. */
export interface RegoTestReport {
  readonly results: readonly RegoTestResult[];
  /** Per file, in file order (only when coverage was asked for). */
  readonly coverage?: readonly FileCoverage[];
  /** Covered lines over all files, in percent (only with coverage). */
  readonly coveragePercent?: number;
}

/** Options of `runRegoTests`. */
export interface RegoTestOptions {
  /** Only tests whose full name (`data.pkg.test_x`) matches. */
  readonly run?: RegExp;
  /** Collect line coverage. */
  readonly coverage?: boolean;
  /** Base data. */
  readonly data?: Record<string, unknown>;
}

interface TestRule {
  readonly module: ModuleSource;
  readonly pkg: readonly string[];
  /** Ref parts from the package to the test's name. */
  readonly ref: readonly string[];
  readonly name: string;
  readonly rule: Rule;
  readonly partialObject: boolean;
}

/** The ground part names of a rule head up to the first test-named one, or undefined. */
function testRef(rule: Rule): { ref: string[]; name: string } | undefined {
  const ref: string[] = [];
  for (const t of rule.head.ref) {
    const n = t.type === 'var' ? t.name : t.type === 'string' ? t.value : undefined;
    if (n === undefined) return undefined;
    ref.push(n);
    if (n.startsWith(TEST_PREFIX) || n.startsWith(SKIP_TEST_PREFIX)) return { ref, name: n };
  }
  return undefined;
}

/**
 * Renames duplicate test rules (same package and name) in the source text, as OPA's
 * `rewriteDuplicateTestNames` does (`test_x`, `test_x#01`, …): the rule name becomes an
 * identifier that cannot clash (`test_x__dup01`), reported as `test_x#01`.
 */
function collectTests(modules: readonly ModuleSource[], parsed: readonly Module[]): { sources: ModuleSource[]; tests: TestRule[] } {
  const count = new Map<string, number>();
  const tests: TestRule[] = [];
  const sources = modules.map((m, i) => {
    const mod = parsed[i] as Module;
    const edits: { offset: number; length: number; text: string }[] = [];
    for (const rule of mod.rules) {
      const tr = testRef(rule);
      if (!tr) continue;
      const key = [...mod.package.path, ...tr.ref].join('.');
      const k = count.get(key) ?? 0;
      count.set(key, k + 1);
      let name = tr.name;
      let ref = tr.ref;
      const first = rule.head.ref[0] as Term;
      if (k > 0 && tr.ref.length === 1 && first.type === 'var') {
        const renamed = `${tr.name}__dup${String(k).padStart(2, '0')}`;
        edits.push({ offset: first.location.offset, length: first.location.end - first.location.offset, text: renamed });
        name = `${tr.name}#${String(k).padStart(2, '0')}`;
        ref = [renamed];
      } else if (k > 0) continue; // a duplicate ref-head test: evaluated together with its first rule
      tests.push({ module: m, pkg: mod.package.path, ref, name, rule, partialObject: rule.kind === 'partial-object' });
    }
    if (edits.length === 0) return m;
    let source = m.source;
    for (const e of edits.sort((a, b) => b.offset - a.offset)) {
      source = source.slice(0, e.offset) + e.text + source.slice(e.offset + e.length);
    }
    return { ...m, source };
  });
  return { sources, tests };
}

function leafCases(v: Value, path: string[], out: { path: string[]; fail: boolean }[]): void {
  if (v instanceof RObject) {
    for (const [k, x] of v.sortedEntries()) {
      const name = typeof k === 'string' ? k : JSON.stringify(k);
      if (x instanceof RObject) leafCases(x, [...path, name], out);
      else out.push({ path: [...path, name], fail: x !== true });
    }
  }
}

function nowNs(): number {
  return Math.round(performance.now() * 1e6);
}

function runOne(policy: PreparedPolicySet, t: TestRule, cover: ((loc: ErrorLocation) => void) | undefined): RegoTestResult {
  const base = {
    location: { file: t.module.id, row: t.rule.location.line, col: t.rule.location.col },
    package: ['data', ...t.pkg].join('.'),
    name: t.name,
  };
  if (t.name.startsWith(SKIP_TEST_PREFIX)) return { ...base, outcome: 'skip', durationNs: 0 };
  const t0 = nowNs();
  try {
    const v = policy.evaluate(['data', ...t.pkg, ...t.ref].join('.'), cover ? { cover } : {});
    const durationNs = nowNs() - t0;
    if (t.partialObject) {
      const cases: { path: string[]; fail: boolean }[] = [];
      if (v !== undefined) leafCases(v, [], cases);
      const fail = v === undefined ? false : cases.some((c) => c.fail);
      return { ...base, outcome: fail ? 'fail' : 'pass', ...(cases.length > 0 ? { cases } : {}), durationNs };
    }
    return { ...base, outcome: v === true ? 'pass' : 'fail', durationNs };
  } catch (err) {
    if (!(err instanceof RegoEvalError)) throw err;
    return { ...base, outcome: 'error', error: err.message, durationNs: nowNs() - t0 };
  }
}

/** Coverable items of a module: rule heads (their lines) and body expressions (their lines). */
function coverage(modules: readonly ModuleSource[], parsed: readonly Module[], hits: ReadonlySet<string>): FileCoverage[] {
  return modules.map((m, i) => {
    const mod = parsed[i] as Module;
    const covered = new Set<number>();
    const all = new Set<number>();
    const item = (line: number, col: number, lastLine: number): void => {
      const hit = hits.has(`${m.id}:${line}:${col}`);
      for (let l = line; l <= lastLine; l++) {
        all.add(l);
        if (hit) covered.add(l);
      }
    };
    const lastLineOf = (start: number, end: number): number => {
      const text = m.source.slice(start, end);
      let n = 0;
      for (const ch of text) if (ch === '\n') n++;
      return n;
    };
    walkRules(mod, (r) => {
      const h = r.head.location;
      item(r.location.line, r.location.col, h.line + lastLineOf(h.offset, h.end));
      return false;
    });
    walkExprs(mod, (e) => {
      if (e.terms.type !== 'some') item(e.location.line, e.location.col, e.location.line + lastLineOf(e.location.offset, e.location.end));
      return false;
    });
    const notCovered = [...all].filter((l) => !covered.has(l)).sort((a, b) => a - b);
    const c = [...covered].sort((a, b) => a - b);
    return { file: m.id, covered: c, notCovered, percent: c.length + notCovered.length === 0 ? 100 : (100 * c.length) / all.size };
  });
}

/**
 * Compiles the modules and runs every test rule in source order.
 * @throws RegoCompileError when the modules do not compile.
 */
export function runRegoTests(modules: readonly ModuleSource[], options: RegoTestOptions = {}): RegoTestReport {
  const parsed = modules.map((m) => {
    const r = parse(m.source, { regoVersion: m.regoVersion ?? 'v1', file: m.id });
    if (!r.module) throw new Error(`${m.id}: does not parse (parse before running tests)`);
    return r.module;
  });
  const { sources, tests } = collectTests(modules, parsed);
  const policy = compile(sources, options.data ? { data: options.data } : {});
  const hits = new Set<string>();
  const cover = options.coverage ? (loc: ErrorLocation) => void hits.add(`${loc.file}:${loc.row}:${loc.col}`) : undefined;
  const results = tests
    .filter((t) => !options.run || options.run.test(['data', ...t.pkg, ...t.ref.slice(0, -1), t.name].join('.')))
    .map((t) => runOne(policy, t, cover));
  if (!options.coverage) return { results };
  const files = coverage(modules, parsed, hits);
  const c = files.reduce((n, f) => n + f.covered.length, 0);
  const total = files.reduce((n, f) => n + f.covered.length + f.notCovered.length, 0);
  return { results, coverage: files, coveragePercent: total === 0 ? 100 : (100 * c) / total };
}

/** Go's `time.Duration.String()` of a nanosecond count (`229.651µs`, `1.5ms`, `2s`). */
export function goDuration(ns: number): string {
  const n = Math.max(0, Math.round(ns));
  if (n < 1000) return `${n}ns`;
  const trim = (x: number, digits: number): string => x.toFixed(digits).replace(/\.?0+$/, '');
  if (n < 1e6) return `${trim(n / 1e3, 3)}µs`;
  if (n < 1e9) return `${trim(n / 1e6, 6)}ms`;
  return `${trim(n / 1e9, 9)}s`;
}

/** Pass, fail, skip and error counts as `opa test` counts them (partial-object tests count their leaves). */
export function testCounts(results: readonly RegoTestResult[]): { pass: number; fail: number; skip: number; error: number; total: number } {
  let pass = 0;
  let fail = 0;
  let skip = 0;
  let error = 0;
  for (const r of results) {
    if (r.outcome === 'skip') skip++;
    else if (r.outcome === 'error') error++;
    else if (r.cases && r.cases.length > 0) {
      for (const c of r.cases) {
        if (c.fail) fail++;
        else pass++;
      }
    } else if (r.outcome === 'pass') pass++;
    else fail++;
  }
  return { pass, fail, skip, error, total: pass + fail + skip + error };
}

/** `opa test`'s summary lines (`PASS: n/m`, `FAIL: k/m`, `SKIPPED: …`, `ERROR: …`), the zero ones left out. */
export function summaryLines(results: readonly RegoTestResult[]): string[] {
  const c = testCounts(results);
  const out: string[] = [];
  if (c.pass) out.push(`PASS: ${c.pass}/${c.total}`);
  if (c.fail) out.push(`FAIL: ${c.fail}/${c.total}`);
  if (c.skip) out.push(`SKIPPED: ${c.skip}/${c.total}`);
  if (c.error) out.push(`ERROR: ${c.error}/${c.total}`);
  return out;
}
