import { InvalidArgumentError, Option, type Command } from 'commander';
import { PolicyEngineError, fleetSettingsFromEnv } from '@policy-engine/evaluator';
import { DEFAULT_ENGINE, ENGINE_NAMES, type EngineName } from '@policy-engine/engines';
import { OpaNotFoundError } from '@policy-engine/opa';
import { runPipelineExample, DEFAULT_POLICY_DIR } from '@policy-engine/orca-runner';
import { CliError, ExitCode } from '../exit.js';
import { readJson } from '../io.js';
import { commandOutput, setExit, type RegisterCommand } from '../program.js';

/** Parsed options of `policy-engine run-pipeline`. */
interface RunPipelineOptions {
  readonly policy: string;
  readonly engine: EngineName;
  readonly user?: string;
  readonly role: string[];
  readonly format: 'pretty' | 'json';
  readonly legacyPackageNames?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return [...previous, value];
}

/**
 * `policy-engine run-pipeline PIPELINE.json`: executes a pipeline configuration with simulated
 * tasks under every policy hook and prints the execution log. Exit 0 when the pipeline
 * succeeds, 1 when a policy stops it, 2 on bad input. The logic lives in `@policy-engine/orca-runner`.
 */
export const registerRunPipeline: RegisterCommand = (program: Command) => {
  program
    .command('run-pipeline')
    .description(
      'Run a pipeline configuration (JSON as Spinnaker saves it) with simulated tasks under the Orca policy hooks; print the execution log.',
    )
    .argument('<pipeline>', 'pipeline configuration JSON file (- for stdin)')
    .option('--policy <dir>', 'policy directory (.rego + data files, Rego v0/v1 auto-detected)', DEFAULT_POLICY_DIR)
    .addOption(
      new Option('--engine <engine>', 'evaluation engine (the same default as eval and the gate)')
        .choices(ENGINE_NAMES)
        .default(DEFAULT_ENGINE),
    )
    .option('--user <name>', 'user who starts the pipeline (default anonymous)')
    .option('--role <name>', 'a role of the user (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['pretty', 'json']).default('pretty'))
    .option('--legacy-package-names', 'also consult spinnaker.execution.task.before.* and spinnaker.deployment.tasks.*')
    .action(async (file: string, opts: RunPipelineOptions, cmd: Command) => {
      const pipeline = readJson(file);
      const user =
        opts.user === undefined && opts.role.length === 0
          ? undefined
          : { username: opts.user ?? 'anonymous', isAdmin: false, roles: opts.role.map((name) => ({ name, source: 'CLI' })) };
      try {
        const run = await runPipelineExample(pipeline, {
          policyDir: opts.policy,
          engine: opts.engine,
          format: opts.format,
          legacyPackageNames: opts.legacyPackageNames === true,
          ...(user ? { user } : {}),
          // The gate's fleet settings: BUNDLE_URL (replaces --policy), BUNDLE_POLLING_SECONDS, BUNDLE_VERIFICATION_KEY, BUNDLE_TOKEN, DECISION_LOG_URL, …
          fleet: fleetSettingsFromEnv(process.env, process.env['INIT_CWD'] ?? process.cwd()),
        });
        const { out: write } = commandOutput(cmd);
        write(run.output);
        setExit(cmd, run.exitCode === 0 ? ExitCode.Ok : ExitCode.Failed);
      } catch (err) {
        if (err instanceof PolicyEngineError) throw new CliError(err.message);
        if (err instanceof OpaNotFoundError)
          throw new CliError(`${err.code}: --engine ${opts.engine} needs OPA: ${err.message} --engine native needs none.`);
        throw err;
      }
    });
};
