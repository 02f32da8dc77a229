import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { format, formatParseError, parse } from '@policy-engine/rego-parser';
import { CliError, ExitCode } from '../exit.js';
import { readText } from '../io.js';
import { setExit, type RegisterCommand } from '../program.js';
import { regoVersionOption } from './parse.js';

/** Parsed options of `policy-engine fmt`. */
interface FmtOptions {
  readonly write?: boolean;
  readonly regoVersion: string;
}

const helpText = `
Formats each Rego FILE in the project's stable layout. Without --write the formatted text
goes to stdout; with --write each changed file is rewritten and its name printed.
Files with parse errors are left alone; their errors go to stderr (exit 2).

Example:
  policy-engine fmt --write policies/*.rego
`;

/** `policy-engine fmt FILE... [--write]`: formats Rego files. */
export const registerFmt: RegisterCommand = (program: Command) => {
  program
    .command('fmt')
    .description('Format Rego files: print the formatted source, or rewrite the files with --write. Exit 0 ok, 2 parse errors.')
    .argument('<files...>', 'Rego files, or - for standard input (not with --write)')
    .option('-w, --write', 'rewrite the files in place')
    .option('--rego-version <v>', 'Rego syntax version: v0 or v1', 'v1')
    .addHelpText('after', helpText)
    .action((files: string[], opts: FmtOptions, cmd: Command) => {
      const write = cmd.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      const writeErr = cmd.configureOutput().writeErr ?? ((s: string) => process.stderr.write(s));
      const regoVersion = regoVersionOption(opts.regoVersion);
      if (opts.write && files.includes('-')) throw new CliError('--write cannot be used with standard input');
      let failed = false;
      for (const file of files) {
        const text = readText(file);
        const r = parse(text, { regoVersion, file: file === '-' ? '<stdin>' : file });
        if (!r.module) {
          failed = true;
          for (const e of r.errors) writeErr(`${formatParseError(e)}\n`);
          continue;
        }
        const out = format(r.module);
        if (!opts.write) write(out);
        else if (out !== text) {
          try {
            writeFileSync(file, out);
          } catch (err) {
            throw new CliError(`cannot write ${file}: ${(err as Error).message}`);
          }
          write(`${file}\n`);
        }
      }
      setExit(cmd, failed ? ExitCode.Error : ExitCode.Ok);
    });
};
