import { statSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createPolicyEngine, PolicyEngineError, type Decision, type PolicySource, type RegoVersionSetting } from '@policy-engine/evaluator';
import {
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  EngineNotAvailableError,
  createEngineByName,
  type EngineName,
  type NamedEngine,
} from '@policy-engine/engines';
import { inputCodecFor } from '@policy-engine/inputs';
import { OpaNotFoundError, ensureOpa, startOpaServer } from '@policy-engine/opa';
import { CliError, ExitCode } from '../exit.js';
import { readJson, unwrapInput } from '../io.js';
import { commandOutput, setExit, type RegisterCommand } from '../program.js';

/** Parsed options of `policy-engine eval`. */
interface EvalOptions {
  readonly engine: EngineName;
  readonly opaUrl?: string[];
  readonly policy?: string[];
  readonly data?: string[];
  readonly regoVersion: RegoVersionSetting;
  readonly package: string;
  readonly input: string;
  readonly format: 'json' | 'pretty';
  readonly failOpen?: boolean;
  readonly timeoutMs?: number;
}

const PACKAGE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `--package`: a Rego package path, dot-separated identifiers (`opa.pipelines`); anything else is a usage error. */
export function packageName(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty (a package such as opa.pipelines)');
  if (!PACKAGE_NAME.test(value)) {
    throw new InvalidArgumentError(
      'must be a Rego package path: dot-separated identifiers of letters, digits and _ (e.g. spinnaker.http.authz)',
    );
  }
  return value;
}

/**
 * Why `pkg` is probably a typo, or undefined: no loaded module declares it, a parent of it
 * (ref-head rules) or a sub-package of it, and it is no decision point of `@policy-engine/inputs`.
 */
export function unknownPackageWarning(pkg: string, loaded: readonly string[]): string | undefined {
  const matches = loaded.some((p) => p === pkg || pkg.startsWith(`${p}.`) || p.startsWith(`${pkg}.`));
  if (matches || inputCodecFor(pkg) !== undefined) return undefined;
  const list = loaded.length > 0 ? loaded.join(', ') : '(none)';
  return `package ${pkg} matches no loaded module and no known decision point; the no-policy rule decided (loaded packages: ${list})`;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** `--policy` paths and `--data` files as policy sources: directories, bundles (.tar.gz) and single files. */
function policySources(policies: readonly string[], data: readonly string[], regoVersion: RegoVersionSetting): PolicySource[] {
  const sources: PolicySource[] = [];
  const files: string[] = [];
  for (const path of policies) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new CliError(`cannot read ${path}: no such file or directory`);
    }
    if (isDir) sources.push({ kind: 'directory', path, regoVersion });
    else if (/\.tar\.gz$|\.tgz$/.test(path)) sources.push({ kind: 'bundle', path, regoVersion });
    else files.push(path);
  }
  for (const path of data) {
    if (!/\.(json|ya?ml)$/.test(path)) throw new CliError(`--data ${path}: expected a .json, .yaml or .yml file`);
    files.push(path);
  }
  if (files.length > 0) sources.push({ kind: 'files', paths: files, regoVersion });
  return sources;
}

/** A Decision for people: verdict line, denies, message, error. */
export function formatPretty(d: Decision): string {
  const lines = [`${d.allowed ? 'ALLOWED' : 'DENIED'}  ${d.package}  (engine ${d.engine}, ${d.durationMs.toFixed(1)} ms)`];
  if (!d.policyFound) lines.push('  no policy defines this package: the no-policy rule decided');
  for (const deny of d.denies) lines.push(`  deny: ${deny}`);
  if (d.message !== null) lines.push(`  message: ${d.message}`);
  if (d.error) lines.push(`  error: ${d.error.code}: ${d.error.message}`);
  return `${lines.join('\n')}\n`;
}

/** The engine for `opts`, from the one engine factory; `--opa-url` given without `--engine` means opa. */
async function makeEngine(opts: EvalOptions): Promise<NamedEngine> {
  const urls = opts.opaUrl ?? [];
  if (urls.length > 0 && opts.engine !== 'opa') throw new CliError(`--opa-url only applies to --engine opa (not ${opts.engine})`);
  try {
    // No timeout here: the facade's one `timeoutMs` reaches every engine as a deadline.
    return await createEngineByName(opts.engine, {
      // OPA is located (or installed) only for the engines that need it.
      wasm: async () => ({ opaPath: await ensureOpa() }),
      opa: { ...(urls.length > 0 ? { urls } : {}) },
      // Token-protected: no other local process can rewrite the policies of this run's OPA.
      startOpa: async () => startOpaServer({ v0Compatible: true, protect: true, opaBin: await ensureOpa() }),
    });
  } catch (err) {
    if (err instanceof EngineNotAvailableError) throw new CliError(err.message);
    if (err instanceof OpaNotFoundError)
      throw new CliError(`${err.code}: --engine ${opts.engine} needs OPA: ${err.message} --engine native needs none.`);
    throw err;
  }
}

/** Runs one evaluation; returns the Decision. Starts and stops its own OPA when no `--opa-url` is given. */
async function evaluate(opts: EvalOptions): Promise<{ decision: Decision; warning?: string }> {
  const policies = opts.policy ?? [];
  if (policies.length === 0) throw new CliError('--policy is required (a .rego file, a directory or a bundle)');
  const input = unwrapInput(readJson(opts.input));
  const sources = policySources(policies, opts.data ?? [], opts.regoVersion);
  const made = await makeEngine(opts);
  try {
    const pe = await createPolicyEngine({
      engine: made.engine,
      policies: sources,
      options: { failOpen: opts.failOpen ?? false, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) },
    });
    try {
      const decision = await pe.evaluate(opts.package, input);
      const warning = unknownPackageWarning(opts.package, pe.packages());
      return warning === undefined ? { decision } : { decision, warning };
    } finally {
      await pe.close();
    }
  } catch (err) {
    if (err instanceof PolicyEngineError) throw new CliError(`${err.code}: ${err.message}`);
    throw err;
  } finally {
    await made.close();
  }
}

/** `policy-engine eval`: evaluate one package for one input on a real engine and print the Decision. */
export const registerEval: RegisterCommand = (program) => {
  program
    .command('eval')
    .description(
      'Evaluate a policy package for one input document on an engine (native, wasm or opa) and print the Decision. Exit 0 allowed, 1 denied, 2 error.',
    )
    .addOption(
      new Option('--engine <engine>', 'evaluation engine (the same default as run-pipeline and the gate)')
        .choices(ENGINE_NAMES)
        .default(DEFAULT_ENGINE),
    )
    .option(
      '--opa-url <url...>',
      'OPA server(s) to use instead of starting one (with /v1 or /v1/data or neither; several = failover); implies --engine opa',
    )
    .option('--policy <path...>', 'policy files or directories (.rego, data .json/.yaml, bundle .tar.gz); repeatable')
    .option('--data <file...>', 'data files merged at the root of data; repeatable')
    .addOption(new Option('--rego-version <version>', 'Rego syntax of the policies').choices(['v0', 'v1', 'auto']).default('auto'))
    .requiredOption('--package <pkg>', 'policy package, e.g. opa.pipelines', packageName)
    .requiredOption('--input <file>', 'input document (JSON, optionally {"input": …}); - reads stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'pretty']).default('pretty'))
    .option('--fail-open', 'engine errors allow instead of deny (Armory: armory.policyEngine.failOpen)')
    .option('--timeout-ms <ms>', 'evaluation timeout in milliseconds (default 10000)', positiveInt)
    .action(async (given: EvalOptions, cmd: Command) => {
      // `--opa-url` alone means "evaluate on that OPA".
      const opts: EvalOptions =
        given.opaUrl && given.opaUrl.length > 0 && cmd.getOptionValueSource('engine') === 'default' ? { ...given, engine: 'opa' } : given;
      const { decision, warning } = await evaluate(opts);
      const { out: write, err: writeErr } = commandOutput(cmd);
      write(opts.format === 'json' ? `${JSON.stringify(decision)}\n` : formatPretty(decision));
      if (warning !== undefined) writeErr(`warning: ${warning}\n`);
      if (decision.error && decision.allowed)
        writeErr(`warning: engine error, allowed because of --fail-open: ${decision.error.message}\n`);
      setExit(cmd, decision.error && !decision.allowed ? ExitCode.Error : decision.allowed ? ExitCode.Ok : ExitCode.Failed);
    });
};
