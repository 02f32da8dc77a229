import type { RegisterCommand } from '../program.js';
import { registerBuild } from './build.js';
import { registerCheck } from './check.js';
import { registerConformance } from './conformance.js';
import { registerEval } from './eval.js';
import { registerFmt } from './fmt.js';
import { registerParse } from './parse.js';
import { registerRunPipeline } from './run-pipeline.js';
import { registerTest } from './test.js';
import { registerValidateInput } from './validate-input.js';

/** Every subcommand of `policy-engine`, in help order. Each lives in its own file. */
export const commands: readonly RegisterCommand[] = [
  registerEval,
  registerRunPipeline,
  registerValidateInput,
  registerParse,
  registerFmt,
  registerTest,
  registerCheck,
  registerBuild,
  registerConformance,
];
