import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from './exit.js';

/** A command module: adds one subcommand to the program. */
export type RegisterCommand = (program: Command) => void;

/** Output sinks, replaceable in tests. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The real standard output and standard error. */
export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Builds the `policy-engine` program with the given commands. */
export function buildProgram(commands: readonly RegisterCommand[], io: CliIo = processIo): Command {
  const program = new Command('policy-engine')
    .description('Policy engine for Spinnaker-style delivery platforms: validate inputs, parse and evaluate Rego policies.')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  program.exitOverride();
  for (const register of commands) register(program);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    cmd.configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return program;
}

/**
 * Runs the program on `argv` (without node and script) and returns the exit code:
 * commands set `process.exitCode`-style results by returning a number.
 */
export async function runProgram(program: Command, argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof program.getOptionValue('__exit') === 'number' ? (program.getOptionValue('__exit') as number) : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every usage error is exit 2.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Error;
    }
    if (err instanceof CliError) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    return ExitCode.Error;
  }
}

/** A command's output sinks: those configured on it (`buildProgram` sets the program's `CliIo`), else the process's. */
export function commandOutput(cmd: Command): CliIo {
  const config = cmd.configureOutput();
  return {
    out: (text) => (config.writeOut ? config.writeOut(text) : process.stdout.write(text)),
    err: (text) => (config.writeErr ? config.writeErr(text) : process.stderr.write(text)),
  };
}

/** Records a command's exit code on the root program (read by runProgram). */
export function setExit(cmd: Command, code: number): void {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  root.setOptionValue('__exit', code);
}
