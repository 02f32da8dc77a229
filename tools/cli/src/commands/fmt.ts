import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { format, formatParseError, parse } from '@policy-engine/rego-parser';
import { CliError, ExitCode } from '../exit.js';
import { readText, regoFiles } from '../io.js';
import { commandOutput, setExit, type RegisterCommand } from '../program.js';
import { regoVersionOption } from './parse.js';

/** Parsed options of `policy-engine fmt`. */
interface FmtOptions {
  readonly write?: boolean;
  readonly check?: boolean;
  readonly regoVersion: string;
}

const helpText = `
Formats each Rego FILE in the project's stable layout. Without --write the formatted text
goes to stdout; with --write each changed file is rewritten and its name printed; with
--check nothing is written, the names of files that would change are printed and the exit
code is 1 if there is any (for CI). A directory stands for its .rego files, recursively.
Files with parse errors are left alone; their errors go to stderr (exit 2).

Examples:
  policy-engine fmt --write policies/*.rego
  policy-engine fmt --check --rego-version auto policies/
`;

/** `policy-engine fmt FILE... [--write]`: formats Rego files. */
export const registerFmt: RegisterCommand = (program: Command) => {
  program
    .command('fmt')
    .description(
      'Format Rego files: print the formatted source, rewrite the files with --write, or list files that would change with --check. Exit 0 ok, 1 --check found changes, 2 parse errors.',
    )
    .argument('<files...>', 'Rego files or directories (their .rego files, recursively), or - for standard input (not with --write)')
    .option('-w, --write', 'rewrite the files in place')
    .option('--check', 'write nothing; print the files that would change and exit 1 if any')
    .option('--rego-version <v>', 'Rego syntax version: v0, v1 or auto (v1 when it parses as v1, else v0)', 'v1')
    .addHelpText('after', helpText)
    .action((files: string[], opts: FmtOptions, cmd: Command) => {
      const { out: write, err: writeErr } = commandOutput(cmd);
      const regoVersion = regoVersionOption(opts.regoVersion);
      if (opts.write && files.includes('-')) throw new CliError('--write cannot be used with standard input');
      if (opts.write && opts.check) throw new CliError('--write and --check cannot be used together');
      let failed = false;
      let changed = false;
      for (const file of regoFiles(files)) {
        const text = readText(file);
        const r = parse(text, { regoVersion, file: file === '-' ? '<stdin>' : file });
        if (!r.module) {
          failed = true;
          for (const e of r.errors) writeErr(`${formatParseError(e)}\n`);
          continue;
        }
        const out = format(r.module);
        if (opts.check) {
          if (out !== text) {
            changed = true;
            write(`${file === '-' ? '<stdin>' : file}\n`);
          }
        } else if (!opts.write) write(out);
        else if (out !== text) {
          try {
            writeFileSync(file, out);
          } catch (err) {
            throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
          }
          write(`${file}\n`);
        }
      }
      setExit(cmd, failed ? ExitCode.Error : changed ? ExitCode.Failed : ExitCode.Ok);
    });
};
