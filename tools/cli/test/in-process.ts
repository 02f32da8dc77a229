import { buildProgram, commands, runProgram, type CliIo } from '../src/index.js';

/** Runs `policy-engine <args>` in this process; returns the exit code and what it printed. */
export async function inProcess(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => (stdout += t), err: (t) => (stderr += t) };
  const code = await runProgram(buildProgram(commands, io), args, io);
  return { code, stdout, stderr };
}
