import type { Command } from 'commander';
import { parse } from '@policy-engine/rego-parser';
import { checkModules, compileProblems, type CheckModule, type CheckProblem } from '../check.js';
import { CliError, ExitCode } from '../exit.js';
import { readText, regoFiles } from '../io.js';
import { setExit, type RegisterCommand } from '../program.js';
import { regoVersionOption } from './parse.js';

/** Parsed options of `policy-engine check`. */
interface CheckOptions {
  readonly strict?: boolean;
  readonly format: string;
  readonly regoVersion: string;
}

const helpText = `
Checks policy modules without running them:
  - parse and compile errors (file:line:col and OPA's codes: rego_parse_error, rego_unsafe_var_error, …);
  - every input.… path in a module of package P against P's typed input (@policy-engine/inputs),
    following variables bound by iteration (some s in input.pipeline.stages; s.tpye) and
    assignment; a field that cannot exist is reported with the nearest valid name; open maps
    (stage contexts, request bodies, records) are not checked;
  - result rules of the wrong shape for the package's decision (allow in a deny package, deny
    as a boolean, message that is not a string);
  - spinnaker.* / opa.* packages with result rules that match no decision point (nearest one named).
Findings other than parse/compile errors are warnings (exit 0); with --strict they are errors (exit 1).
Parse or compile errors: exit 2. --format json prints {"problems": [...], "errors": n, "warnings": n}.

Examples:
  policy-engine check policies/
  policy-engine check --strict --format json policies/
`;

function line(p: CheckProblem, strict: boolean): string {
  const severity = p.severity === 'error' || strict ? 'error' : 'warning';
  return `${p.file}:${p.line}:${p.col}: ${severity}: ${p.code}: ${p.message}`;
}

/** Reads and parses the files (v1, v0 or auto). */
function load(paths: readonly string[], version: 'v0' | 'v1' | 'auto'): { modules: CheckModule[]; problems: CheckProblem[] } {
  const modules: CheckModule[] = [];
  const problems: CheckProblem[] = [];
  for (const file of regoFiles(paths)) {
    if (file === '-') throw new CliError('check reads files and directories, not standard input');
    const text = readText(file);
    const r = parse(text, { regoVersion: version, file });
    if (r.module) modules.push({ source: { id: file, source: text, regoVersion: r.module.regoVersion }, module: r.module });
    else {
      for (const e of r.errors) {
        problems.push({ file, line: e.location.line, col: e.location.col, severity: 'error', code: e.code, message: e.message });
      }
    }
  }
  return { modules, problems };
}

/** `policy-engine check PATH...`: static checks of policies against the decision points' typed inputs. */
export const registerCheck: RegisterCommand = (program: Command) => {
  program
    .command('check')
    .description(
      'Check policies statically: parse/compile errors, input paths against the typed inputs, result rule shapes, package names. Exit 0 ok (warnings allowed), 1 warnings with --strict, 2 errors.',
    )
    .argument('<paths...>', 'Rego files or directories (their .rego files, recursively)')
    .option('--strict', 'treat warnings as errors (exit 1)')
    .option('--format <format>', 'pretty or json', 'pretty')
    .option('--rego-version <v>', 'Rego syntax version: v0, v1 or auto (v1 when it parses as v1, else v0)', 'auto')
    .addHelpText('after', helpText)
    .action((paths: string[], opts: CheckOptions, cmd: Command) => {
      const output = cmd.configureOutput();
      const write = (s: string): void => void (output.writeOut ? output.writeOut(s) : process.stdout.write(s));
      if (opts.format !== 'pretty' && opts.format !== 'json') throw new CliError(`--format must be pretty or json, got "${opts.format}"`);
      const strict = opts.strict ?? false;
      const { modules, problems } = load(paths, regoVersionOption(opts.regoVersion));
      if (problems.length === 0) problems.push(...compileProblems(modules.map((m) => m.source)));
      const fatal = problems.length > 0;
      if (!fatal) problems.push(...checkModules(modules));
      const errors = problems.filter((p) => p.severity === 'error').length;
      const warnings = problems.length - errors;
      if (opts.format === 'json') {
        const shown = problems.map((p) => ({ ...p, severity: strict ? 'error' : p.severity }));
        write(`${JSON.stringify({ problems: shown, errors: strict ? problems.length : errors, warnings: strict ? 0 : warnings })}\n`);
      } else {
        for (const p of problems) write(`${line(p, strict)}\n`);
        const files = modules.length;
        write(
          problems.length === 0
            ? `${files} file${files === 1 ? '' : 's'} checked, no problems\n`
            : `${files} file${files === 1 ? '' : 's'} checked: ${strict ? problems.length : errors} error(s), ${strict ? 0 : warnings} warning(s)\n`,
        );
      }
      setExit(cmd, fatal ? ExitCode.Error : strict && warnings > 0 ? ExitCode.Failed : ExitCode.Ok);
    });
};
