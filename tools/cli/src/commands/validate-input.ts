import type { Command } from 'commander';
import { inputCodecFor, knownPackages, validateInput } from '@policy-engine/inputs';
import { CliError, ExitCode } from '../exit.js';
import { readJson, unwrapInput } from '../io.js';
import { commandOutput, setExit, type RegisterCommand } from '../program.js';

/** Parsed options of `policy-engine validate-input`. */
interface ValidateInputOptions {
  readonly package: string;
}

const helpText = `
FILE holds the input document, or OPA's request form {"input": ...}; "-" reads standard input.
Prints "ok" (exit 0), or one line per error: its JSON path, the expected type and what was found (exit 1).
Unknown package, unreadable file or malformed JSON: "error: ..." on stderr (exit 2).

Packages: every documented name (below) plus spinnaker.execution.stages.before|after.<stageType>,
spinnaker.execution.task.before.<task>, spinnaker.deployment.tasks[.before].<task> and
spinnaker.persistence.pipelines.before.

Documented packages:
${knownPackages()
  .map((p) => `  ${p}`)
  .join('\n')}

Example:
  policy-engine validate-input --package spinnaker.http.authz request.json
`;

/** `policy-engine validate-input --package PKG FILE`: checks an input document against its package's codec. */
export const registerValidateInput: RegisterCommand = (program: Command) => {
  program
    .command('validate-input')
    .description(
      'Check an input document (or OPA\'s {"input": …} request form) against a policy package\'s input type. Exit 0 valid, 1 invalid, 2 usage or I/O error.',
    )
    .requiredOption('-p, --package <name>', 'policy package, e.g. spinnaker.http.authz')
    .argument('<file>', 'input document (JSON), or - for standard input')
    .addHelpText('after', helpText)
    .action((file: string, opts: ValidateInputOptions, cmd: Command) => {
      const { out: write } = commandOutput(cmd);
      if (!inputCodecFor(opts.package)) {
        throw new CliError(`unknown policy package "${opts.package}" (see policy-engine validate-input --help)`);
      }
      const input = unwrapInput(readJson(file));
      const result = validateInput(opts.package, input);
      if (result.ok) {
        write('ok\n');
        setExit(cmd, ExitCode.Ok);
        return;
      }
      for (const e of result.errors) write(`${e.message}\n`);
      setExit(cmd, ExitCode.Failed);
    });
};
