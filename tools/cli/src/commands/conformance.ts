import { basename, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  BackendUnavailableError,
  createBackend,
  ENGINES,
  formatSummary,
  loadCases,
  loadSkipList,
  mergeSummaries,
  runCases,
  summaryJson,
  type ConformanceSummary,
  type EngineName,
} from '@policy-engine/conformance';
import { DEFAULT_ENGINE } from '@policy-engine/engines';
import { CliError, ExitCode } from '../exit.js';
import { commandOutput, setExit, type RegisterCommand } from '../program.js';

/** Parsed options of `policy-engine conformance`. */
interface ConformanceOptions {
  readonly engine: EngineName;
  readonly regoVersion?: 'v0' | 'v1';
  readonly format: 'json' | 'pretty';
  readonly concurrency?: number;
  readonly filter?: string;
}

const helpText = `
Runs OPA's YAML conformance cases (every .yaml/.yml under each DIR) on an engine and
prints a summary. Skips come only from tools/conformance/skip-<engine>.tsv.
--rego-version defaults per DIR: v0 when the directory's name starts with "v0", else v1.
--format json: the last line of stdout is one JSON object
  {"total","passed","failed","skipped":{"<reason>":n},"failures":[{"file","index","note","reason"}],"skips":[…]}
(file relative to its DIR, index the case's position in its file). Progress goes to stderr
on a terminal. Exit 0 when nothing failed, 1 when a case failed, 2 on errors.

Example:
  policy-engine conformance --engine opa ../shared/opa-conformance/v1
`;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** The Rego version of a case directory when `--rego-version` is not given. */
export function defaultRegoVersion(dir: string): 'v0' | 'v1' {
  return basename(resolve(dir)).startsWith('v0') ? 'v0' : 'v1';
}

/** `policy-engine conformance DIR...`: OPA's conformance cases on one engine. */
export const registerConformance: RegisterCommand = (program: Command) => {
  program
    .command('conformance')
    .description("Run OPA's YAML Rego conformance cases on an engine and print a summary. Exit 0 all passed, 1 failures, 2 errors.")
    .argument('<dirs...>', 'directories (or files) of OPA YAML test cases')
    .addOption(new Option('--engine <engine>', 'engine under test').choices([...ENGINES]).default(DEFAULT_ENGINE))
    .addOption(new Option('--rego-version <v>', 'Rego version of every module (default: per DIR)').choices(['v0', 'v1']))
    .addOption(new Option('--format <f>', 'output format').choices(['json', 'pretty']).default('pretty'))
    .option('--concurrency <n>', 'cases in flight at once (default 1 for native, else 2)', positiveInt)
    .option('--filter <text>', 'only cases whose file or note contains this text')
    .addHelpText('after', helpText)
    .action(async (dirs: string[], opts: ConformanceOptions, cmd: Command) => {
      const { out: write, err: writeErr } = commandOutput(cmd);
      const tty = process.stderr.isTTY === true;
      const skips = loadSkipList(opts.engine);
      const parts: ConformanceSummary[] = [];
      for (const dir of dirs) {
        let cases;
        try {
          cases = loadCases(dir);
        } catch (err) {
          throw new CliError(`cannot load cases from ${dir}: ${(err as Error).message}`);
        }
        let backend;
        try {
          backend = await createBackend(opts.engine, { regoVersion: opts.regoVersion ?? defaultRegoVersion(dir) });
        } catch (err) {
          if (err instanceof BackendUnavailableError) throw new CliError(err.message);
          throw err;
        }
        try {
          const summary = await runCases(cases, {
            backend,
            skips,
            concurrency: opts.concurrency ?? (opts.engine === 'native' ? 1 : 2),
            ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
            ...(tty
              ? {
                  onProgress: (p) => {
                    if (p.done % 10 === 0 || p.done === p.total) {
                      process.stderr.write(
                        `\r\x1b[K${dir}: ${p.done}/${p.total}  passed ${p.passed}  failed ${p.failed}  skipped ${p.skipped}`,
                      );
                    }
                  },
                }
              : {}),
          });
          if (tty) process.stderr.write('\r\x1b[K');
          parts.push(summary);
          if (opts.format === 'pretty') write(formatSummary(summary, `${dir} (${opts.engine})`));
        } finally {
          await backend.close?.();
        }
      }
      const total = mergeSummaries(parts);
      if (opts.format === 'json') write(`${summaryJson(total)}\n`);
      else if (dirs.length > 1) write(formatSummary(total, `all (${opts.engine})`, 0));
      if (total.failed > 0 && opts.format === 'json') writeErr(`${total.failed} of ${total.total} cases failed\n`);
      setExit(cmd, total.failed > 0 ? ExitCode.Failed : ExitCode.Ok);
    });
};
