import type { RegisterCommand } from '../program.js';

/** Every subcommand of `policy-engine`, in help order. Each lives in its own file. */
export const commands: readonly RegisterCommand[] = [];
