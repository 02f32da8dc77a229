/** Exit codes shared by every command. */
export const ExitCode = {
  /** Valid / allowed / ok. */
  Ok: 0,
  /** Invalid input / denied / the check failed. */
  Failed: 1,
  /** Usage error, I/O error, engine error. */
  Error: 2,
} as const;

/** An error a command reports to the user as `error: <message>` with exit code 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Error,
  ) {
    super(message);
  }
}
