import type { Command } from 'commander';
import { formatParseError, parse } from '@policy-engine/rego-parser';
import { RegoCompileError, type ModuleSource } from '@policy-engine/rego-eval';
import { CliError, ExitCode } from '../exit.js';
import { readJson, readText, regoFiles } from '../io.js';
import { setExit, type RegisterCommand } from '../program.js';
import { goDuration, runRegoTests, summaryLines, testCounts, type RegoTestReport, type RegoTestResult } from '../rego-test.js';
import { regoVersionOption } from './parse.js';

/** Parsed options of `policy-engine test`. */
interface TestOptions {
  readonly format: string;
  readonly coverage?: boolean;
  readonly run?: string;
  readonly regoVersion: string;
  readonly data?: string[];
}

const helpText = `
Runs the Rego unit tests in the given files and directories (their .rego files, recursively)
on the native interpreter, as "opa test" does: every rule named test_* in any package is a
test (todo_test_* are skipped); it passes when it is defined and true. "with" mocks of input,
data and functions work as in OPA. Each test is printed with its location, verdict and
duration, then OPA's summary lines (PASS: n/m, FAIL: k/m, SKIPPED, ERROR).

--coverage adds, per file, the covered and not covered lines and a percentage.
--format json prints one JSON document: {"results": [...], "coverage"?: {...}}.
Exit 0 all tests pass, 1 a test fails or errors, 2 parse or compile errors (or no test found).

Examples:
  policy-engine test policies/
  policy-engine test --run 'deny_' --coverage policies/
  policy-engine test --rego-version v0 legacy/
`;

function resultLine(r: RegoTestResult): string {
  const full = `${r.package}.${r.name}`;
  if (r.outcome === 'skip') return `${full}: SKIPPED`;
  const verdict = r.outcome === 'pass' ? 'PASS' : r.outcome === 'fail' ? 'FAIL' : 'ERROR';
  return `${full}: ${verdict} (${goDuration(r.durationNs)})`;
}

function pretty(report: RegoTestReport): string {
  const lines: string[] = [];
  let lastFile: string | undefined;
  for (const r of report.results) {
    if (lastFile !== undefined && lastFile !== r.location.file) lines.push('');
    lastFile = r.location.file;
    lines.push(`${r.location.file}:${r.location.row}:`, resultLine(r));
    for (const c of r.cases ?? []) {
      c.path.forEach((p, i) => {
        if (i === c.path.length - 1) lines.push(`  ${'  '.repeat(i)}${p}: ${c.fail ? 'FAIL' : 'PASS'}`);
      });
    }
    if (r.error) lines.push(`  ${r.error}`);
  }
  if (report.results.length > 0) lines.push('-'.repeat(80));
  lines.push(...summaryLines(report.results));
  if (report.coverage) {
    lines.push('', 'COVERAGE');
    for (const f of report.coverage) {
      lines.push(`${f.file}: ${f.percent.toFixed(1)}% (${f.covered.length} covered, ${f.notCovered.length} not covered)`);
      if (f.notCovered.length > 0) lines.push(`  not covered: ${ranges(f.notCovered)}`);
    }
    lines.push(`total: ${(report.coveragePercent ?? 100).toFixed(1)}%`);
  }
  return `${lines.join('\n')}\n`;
}

/** `3,4,5,9` → `3-5, 9`. */
function ranges(lines: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && (lines[j + 1] as number) === (lines[j] as number) + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

function json(report: RegoTestReport): string {
  const results = report.results.map((r) => ({
    location: r.location,
    package: r.package,
    name: r.name,
    ...(r.outcome === 'fail' ? { fail: true } : {}),
    ...(r.outcome === 'skip' ? { skip: true } : {}),
    ...(r.error ? { error: r.error } : {}),
    ...(r.cases ? { cases: r.cases } : {}),
    duration: r.durationNs,
  }));
  const coverage = report.coverage
    ? {
        files: Object.fromEntries(
          report.coverage.map((f) => [f.file, { covered_lines: f.covered, not_covered_lines: f.notCovered, coverage: f.percent }]),
        ),
        coverage: report.coveragePercent,
      }
    : undefined;
  return `${JSON.stringify({ results, counts: testCounts(report.results), ...(coverage ? { coverage } : {}) })}\n`;
}

/** Reads and parses the modules; parse errors are printed and make the result undefined. */
function loadModules(paths: readonly string[], version: 'v0' | 'v1' | 'auto', writeErr: (s: string) => void): ModuleSource[] | undefined {
  const modules: ModuleSource[] = [];
  let failed = false;
  for (const file of regoFiles(paths)) {
    if (file === '-') throw new CliError('test reads files and directories, not standard input');
    const source = readText(file);
    const r = parse(source, { regoVersion: version, file });
    if (r.module) modules.push({ id: file, source, regoVersion: r.module.regoVersion });
    else {
      failed = true;
      for (const e of r.errors) writeErr(`${formatParseError(e)}\n`);
    }
  }
  return failed ? undefined : modules;
}

/** `policy-engine test PATH...`: runs Rego unit tests on the native interpreter. */
export const registerTest: RegisterCommand = (program: Command) => {
  program
    .command('test')
    .description(
      'Run Rego unit tests (test_* rules) on the native interpreter, as opa test does. Exit 0 all pass, 1 a test fails, 2 errors.',
    )
    .argument('<paths...>', 'Rego files or directories (their .rego files, recursively)')
    .option('--format <format>', 'pretty or json', 'pretty')
    .option('--coverage', 'report covered and not covered lines per file')
    .option('--run <regex>', 'only tests whose full name (data.pkg.test_x) matches')
    .option('--rego-version <v>', 'Rego syntax version: v0, v1 or auto (v1 when it parses as v1, else v0)', 'v1')
    .option('--data <file...>', 'JSON data merged at the root of data')
    .addHelpText('after', helpText)
    .action((paths: string[], opts: TestOptions, cmd: Command) => {
      const output = cmd.configureOutput();
      const write = (s: string): void => void (output.writeOut ? output.writeOut(s) : process.stdout.write(s));
      const writeErr = (s: string): void => void (output.writeErr ? output.writeErr(s) : process.stderr.write(s));
      if (opts.format !== 'pretty' && opts.format !== 'json') throw new CliError(`--format must be pretty or json, got "${opts.format}"`);
      let run: RegExp | undefined;
      try {
        run = opts.run === undefined ? undefined : new RegExp(opts.run);
      } catch (err) {
        throw new CliError(`--run: ${(err as Error).message}`);
      }
      const data: Record<string, unknown> = {};
      for (const f of opts.data ?? []) {
        const doc = readJson(f);
        if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new CliError(`--data ${f}: expected a JSON object`);
        Object.assign(data, doc);
      }
      const modules = loadModules(paths, regoVersionOption(opts.regoVersion), writeErr);
      if (!modules) return setExit(cmd, ExitCode.Error);
      let report: RegoTestReport;
      try {
        report = runRegoTests(modules, { ...(run ? { run } : {}), coverage: opts.coverage ?? false, data });
      } catch (err) {
        if (!(err instanceof RegoCompileError)) throw err;
        for (const e of err.errors) {
          const at = e.location ? `${e.location.file}:${e.location.row}:${e.location.col}: ` : '';
          writeErr(`${at}${e.code}: ${e.message}\n`);
        }
        return setExit(cmd, ExitCode.Error);
      }
      write(opts.format === 'json' ? json(report) : pretty(report));
      if (report.results.length === 0) {
        writeErr('error: no test cases found\n');
        return setExit(cmd, ExitCode.Error);
      }
      const c = testCounts(report.results);
      setExit(cmd, c.fail > 0 || c.error > 0 ? ExitCode.Failed : ExitCode.Ok);
    });
};
