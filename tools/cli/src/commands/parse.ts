import type { Command } from 'commander';
import { formatParseError, parse, type Module } from '@policy-engine/rego-parser';
import { CliError, ExitCode } from '../exit.js';
import { readText, regoFiles } from '../io.js';
import { commandOutput, setExit, type RegisterCommand } from '../program.js';

/** Parsed options of `policy-engine parse`. */
interface ParseCommandOptions {
  readonly regoVersion: string;
  readonly format: string;
}

const helpText = `
Parses each Rego FILE ("-" reads standard input) with the project's own parser.
--format json (default) prints the located AST as JSON (one file: the module; several: an
array of {file, module}); --format pretty prints the package and one line per rule.
Parse errors go to stderr as file:line:col: code: message with a caret excerpt (exit 2).

Example:
  policy-engine parse --rego-version v0 policies/legacy.rego
`;

/** Checks the `--rego-version` option. */
export function regoVersionOption(v: string): 'v0' | 'v1' | 'auto' {
  if (v !== 'v0' && v !== 'v1' && v !== 'auto') throw new CliError(`--rego-version must be v0, v1 or auto, got "${v}"`);
  return v;
}

function pretty(file: string, m: Module): string {
  const lines = [`${file}: package ${m.package.path.join('.')} (rego ${m.regoVersion})`];
  for (const i of m.imports)
    lines.push(
      `  import ${i.path.value.map((t, k) => (k === 0 && t.type === 'var' ? t.name : t.type === 'string' ? `.${t.value}` : '[?]')).join('')}${i.alias ? ` as ${i.alias}` : ''}`,
    );
  for (const r of m.rules) lines.push(`  ${r.location.line}:${r.location.col} ${r.default ? 'default ' : ''}${r.name} (${r.kind})`);
  return `${lines.join('\n')}\n`;
}

/** `policy-engine parse FILE...`: prints the AST of Rego files, or their parse errors. */
export const registerParse: RegisterCommand = (program: Command) => {
  program
    .command('parse')
    .description('Parse Rego files and print their AST as JSON (or their errors with file:line:col). Exit 0 ok, 2 errors.')
    .argument('<files...>', 'Rego files or directories (their .rego files, recursively), or - for standard input')
    .option('--rego-version <v>', 'Rego syntax version: v0, v1 or auto (v1 when it parses as v1, else v0)', 'v1')
    .option('--format <f>', 'output format: json or pretty', 'json')
    .addHelpText('after', helpText)
    .action((files: string[], opts: ParseCommandOptions, cmd: Command) => {
      const { out: write, err: writeErr } = commandOutput(cmd);
      const regoVersion = regoVersionOption(opts.regoVersion);
      if (opts.format !== 'json' && opts.format !== 'pretty') throw new CliError(`--format must be json or pretty, got "${opts.format}"`);
      let failed = false;
      const parsed: { file: string; module: Module }[] = [];
      for (const file of regoFiles(files)) {
        const name = file === '-' ? '<stdin>' : file;
        const r = parse(readText(file), { regoVersion, file: name });
        if (!r.module) {
          failed = true;
          for (const e of r.errors) writeErr(`${formatParseError(e)}\n`);
          continue;
        }
        parsed.push({ file: name, module: r.module });
      }
      if (opts.format === 'pretty') for (const p of parsed) write(pretty(p.file, p.module));
      else if (files.length === 1 && parsed[0]) write(`${JSON.stringify(parsed[0].module, null, 2)}\n`);
      else if (files.length > 1) write(`${JSON.stringify(parsed, null, 2)}\n`);
      setExit(cmd, failed ? ExitCode.Error : ExitCode.Ok);
    });
};
