// Issue: "--help on every command". Walks the registered commands, so a new command is covered too.
import { describe, expect, it } from 'vitest';
import { buildProgram, commands, runProgram, type CliIo } from '../src/index.js';

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => (stdout += t), err: (t) => (stderr += t) };
  const code = await runProgram(buildProgram(commands, io), args, io);
  return { code, stdout, stderr };
}

const names = buildProgram(commands, { out: () => undefined, err: () => undefined }).commands.map((c) => c.name());

describe('--help', () => {
  it('the top-level help lists every command, exit 0', async () => {
    expect(names.length).toBe(commands.length);
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const name of names) expect(r.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
  });

  it.each(names)('policy-engine %s --help prints its usage and options, exit 0', async (name) => {
    const r = await run([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: policy-engine ${name} `);
    expect(r.stdout).toContain('-h, --help');
    expect(r.stderr).toBe('');
  });
});
