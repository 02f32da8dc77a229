import { commands } from './commands/index.js';
import { buildProgram, runProgram } from './program.js';

// A reader that closes the pipe early (`policy-engine parse … | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const code = await runProgram(buildProgram(commands), process.argv.slice(2));
process.exitCode = code;
