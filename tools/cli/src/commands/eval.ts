import { statSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  createPolicyEngine,
  PolicyEngineError,
  type Decision,
  type Engine,
  type PolicySource,
  type RegoVersionSetting,
} from '@policy-engine/evaluator';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';
import { CliError, ExitCode } from '../exit.js';
import { readJson, unwrapInput } from '../io.js';
import { setExit, type RegisterCommand } from '../program.js';

/** Parsed options of `policy-engine eval`. */
interface EvalOptions {
  readonly engine: 'opa' | 'wasm' | 'native';
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

async function makeEngine(opts: EvalOptions, timeoutMs: number | undefined): Promise<{ engine: Engine; server?: OpaServer }> {
  switch (opts.engine) {
    case 'native':
      throw new CliError('engine native is not available yet (use --engine opa or --engine wasm)');
    case 'wasm':
      if (opts.opaUrl) throw new CliError('--opa-url only applies to --engine opa');
      return { engine: wasmEngine({ opaPath: findOpa(), ...(timeoutMs ? { timeoutMs } : {}) }) };
    case 'opa': {
      if (opts.opaUrl && opts.opaUrl.length > 0) {
        return {
          engine: opaEngine({ urls: opts.opaUrl, ...(timeoutMs ? { timeoutMs } : {}) }),
        };
      }
      // Token-protected: no other local process can rewrite the policies of this run's OPA.
      const server = await startOpaServer({ v0Compatible: true, protect: true });
      return { engine: opaEngine({ baseUrl: server.url, headers: server.headers, ...(timeoutMs ? { timeoutMs } : {}) }), server };
    }
  }
}

/** Runs one evaluation; returns the Decision. Starts and stops its own OPA when no `--opa-url` is given. */
async function evaluate(opts: EvalOptions): Promise<Decision> {
  const policies = opts.policy ?? [];
  if (policies.length === 0) throw new CliError('--policy is required (a .rego file, a directory or a bundle)');
  const input = unwrapInput(readJson(opts.input));
  const sources = policySources(policies, opts.data ?? [], opts.regoVersion);
  const { engine, server } = await makeEngine(opts, opts.timeoutMs);
  try {
    const pe = await createPolicyEngine({
      engine,
      policies: sources,
      options: { failOpen: opts.failOpen ?? false, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) },
    });
    try {
      return await pe.evaluate(opts.package, input);
    } finally {
      await pe.close();
    }
  } catch (err) {
    if (err instanceof PolicyEngineError) throw new CliError(`${err.code}: ${err.message}`);
    throw err;
  } finally {
    await engine.close().catch(() => undefined);
    await server?.stop();
  }
}

/** `policy-engine eval`: evaluate one package for one input on a real engine and print the Decision. */
export const registerEval: RegisterCommand = (program) => {
  program
    .command('eval')
    .description('Evaluate a policy package for one input document on the opa or wasm engine and print the Decision. Exit 0 allowed, 1 denied, 2 error.')
    .addOption(new Option('--engine <engine>', 'evaluation engine').choices(['opa', 'wasm', 'native']).default('opa'))
    .option('--opa-url <url...>', 'OPA server(s) to use instead of starting one (with /v1 or /v1/data or neither; several = failover)')
    .option('--policy <path...>', 'policy files or directories (.rego, data .json/.yaml, bundle .tar.gz); repeatable')
    .option('--data <file...>', 'data files merged at the root of data; repeatable')
    .addOption(new Option('--rego-version <version>', 'Rego syntax of the policies').choices(['v0', 'v1', 'auto']).default('auto'))
    .requiredOption('--package <pkg>', 'policy package, e.g. opa.pipelines')
    .requiredOption('--input <file>', 'input document (JSON, optionally {"input": …}); - reads stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'pretty']).default('pretty'))
    .option('--fail-open', 'engine errors allow instead of deny (Armory: armory.policyEngine.failOpen)')
    .option('--timeout-ms <ms>', 'evaluation timeout in milliseconds (default 10000)', positiveInt)
    .action(async (opts: EvalOptions, cmd: Command) => {
      const decision = await evaluate(opts);
      const out = cmd.configureOutput();
      const write = out.writeOut ?? ((s: string) => process.stdout.write(s));
      const writeErr = out.writeErr ?? ((s: string) => process.stderr.write(s));
      write(opts.format === 'json' ? `${JSON.stringify(decision)}\n` : formatPretty(decision));
      if (decision.error && decision.allowed) writeErr(`warning: engine error, allowed because of --fail-open: ${decision.error.message}\n`);
      setExit(cmd, decision.error && !decision.allowed ? ExitCode.Error : decision.allowed ? ExitCode.Ok : ExitCode.Failed);
    });
};
