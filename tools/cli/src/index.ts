/**
 * @policy-engine/cli — the `policy-engine` command. Thin: argument parsing and printing
 * around the packages' public APIs.
 * @packageDocumentation
 */
export { CliError, ExitCode } from './exit.js';
export { lineCol, parseJson, readJson, readText, unwrapInput } from './io.js';
export { buildProgram, commandOutput, processIo, runProgram, setExit, type CliIo, type RegisterCommand } from './program.js';
export { commands } from './commands/index.js';
