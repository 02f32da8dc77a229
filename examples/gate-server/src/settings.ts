import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, fleetSettingsFromEnv, type FleetSettings } from '@policy-engine/evaluator';
import { EngineNotAvailableError, parseEngineName, type EngineName } from '@policy-engine/engines';

/** Which evaluation backend the server uses: a name of `@policy-engine/engines` (`ENGINE_NAMES`). */
export type EngineChoice = EngineName;

/** Everything the example server is started with (`bundleUrl` replaces `policyDir`; the fleet settings are shared with the Orca runner). */
export interface GateServerSettings extends FleetSettings {
  /** Port to listen on (0 = any free port). */
  readonly port: number;
  /** Interface to listen on. */
  readonly host: string;
  /** Directory of `.rego` modules and data files. */
  readonly policyDir: string;
  readonly regoVersion: 'v0' | 'v1' | 'auto';
  readonly engine: EngineChoice;
  /** OPA to use with `engine: 'opa'`; without it a local OPA is started. */
  readonly opaUrl?: string;
  /** The `opa` binary (wasm builds, local OPA); default: tools/opa's `ensureOpa()`, only for those engines. */
  readonly opaPath?: string;
  /** Append one JSON line per decision to this file. */
  readonly decisionLog?: string;
  /** Users for HTTP Basic auth. */
  readonly usersFile: string;
  /** Armory-style YAML profile (`armory.policyEngine.*`), optional. */
  readonly gateConfigFile?: string;
  /** Re-read policies when files in `policyDir` change (default true). */
  readonly watchPolicies: boolean;
  /** `ENGINE=wasm`: worker threads evaluating in parallel (`WASM_WORKERS`; default the engine's, min(2, CPUs)). */
  readonly wasmWorkers?: number;
  /** `ENGINE=wasm`: evaluations that may wait for a worker before new ones get 503 `ENGINE_OVERLOADED` (`WASM_MAX_QUEUE`; default 1024). */
  readonly wasmMaxQueue?: number;
  /**
   * How long an API authorization answer is reused for the same input under the same policy set
   * (`DECISION_CACHE_MS`; default {@link DEFAULT_DECISION_CACHE_MS}; 0 turns the cache off). See the
   * evaluator's `decisionCache`: failures, non-deterministic policies and pulled bundles are never cached.
   */
  readonly decisionCacheMs?: number;
}

/** Default of `DECISION_CACHE_MS`: 10 s (Gate keeps Fiat's permissions 20 s). */
export const DEFAULT_DECISION_CACHE_MS = 10_000;

/** Default policy directory: the repository's `examples/policies`. */
export const DEFAULT_POLICY_DIR = fileURLToPath(new URL('../../policies', import.meta.url));
/** Default users file: `examples/gate-server/users.json`. */
export const DEFAULT_USERS_FILE = fileURLToPath(new URL('../users.json', import.meta.url));
/** Default port, Gate's. */
export const DEFAULT_PORT = 8084;

const REGO_VERSIONS = ['v0', 'v1', 'auto'] as const;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/**
 * Reads the settings from environment variables: `PORT`, `HOST`, `POLICY_DIR`, `ENGINE`,
 * `OPA_URL`, `OPA_BIN`, `DECISION_LOG`, `REGO_VERSION`, `USERS_FILE`, `GATE_CONFIG`,
 * `WATCH_POLICIES`, `WASM_WORKERS`, `WASM_MAX_QUEUE`, `DECISION_CACHE_MS`, `BUNDLE_URL`, `BUNDLE_POLLING_SECONDS`, `BUNDLE_VERIFICATION_KEY`
 * (a PEM file), `BUNDLE_VERIFICATION_ALG`, `BUNDLE_TOKEN`, `BUNDLE_PERSIST_DIR`, `DECISION_LOG_URL`, `DECISION_LOG_SECONDS`. Relative paths are resolved against `INIT_CWD` (where `npm start` was
 * typed) or `cwd`.
 * @throws EngineNotAvailableError on an unknown engine; ConfigurationError on a bad Rego version, port, or worker/queue count.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): GateServerSettings {
  const base = nonEmpty(env['INIT_CWD']) ?? cwd;
  const path = (v: string | undefined) => {
    const s = nonEmpty(v);
    return s === undefined ? undefined : isAbsolute(s) ? s : resolve(base, s);
  };
  const portText = nonEmpty(env['PORT']);
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigurationError(`PORT must be a port number, got "${portText}"`);
  // Unset ⇒ the factory's DEFAULT_ENGINE (native), the default of the CLI and the Orca runner too.
  let engine: EngineName;
  try {
    engine = parseEngineName(env['ENGINE']);
  } catch (e) {
    if (e instanceof EngineNotAvailableError) throw new EngineNotAvailableError(e.engineName, e.reason, `ENGINE: ${e.message}`);
    throw e;
  }
  const regoVersion = (nonEmpty(env['REGO_VERSION']) ?? 'auto').toLowerCase();
  if (!(REGO_VERSIONS as readonly string[]).includes(regoVersion)) {
    throw new ConfigurationError(`REGO_VERSION must be one of ${REGO_VERSIONS.join(', ')}, got "${env['REGO_VERSION']}"`);
  }
  const watch = nonEmpty(env['WATCH_POLICIES'])?.toLowerCase();
  if (watch !== undefined && watch !== 'true' && watch !== 'false')
    throw new ConfigurationError(`WATCH_POLICIES must be true or false, got "${watch}"`);
  const count = (name: string, min: number, max: number): number | undefined => {
    const text = nonEmpty(env[name]);
    if (text === undefined) return undefined;
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new ConfigurationError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    return n;
  };
  const wasmWorkers = count('WASM_WORKERS', 1, 64);
  const wasmMaxQueue = count('WASM_MAX_QUEUE', 0, 100_000);
  const decisionCacheMs = count('DECISION_CACHE_MS', 0, 3_600_000) ?? DEFAULT_DECISION_CACHE_MS;
  const opaUrl = nonEmpty(env['OPA_URL']);
  const opaPath = nonEmpty(env['OPA_BIN']);
  const decisionLog = path(env['DECISION_LOG']);
  const gateConfigFile = path(env['GATE_CONFIG']);
  return {
    port,
    host: nonEmpty(env['HOST']) ?? '127.0.0.1',
    policyDir: path(env['POLICY_DIR']) ?? DEFAULT_POLICY_DIR,
    regoVersion: regoVersion as GateServerSettings['regoVersion'],
    engine,
    usersFile: path(env['USERS_FILE']) ?? DEFAULT_USERS_FILE,
    watchPolicies: watch !== 'false',
    decisionCacheMs,
    ...(opaUrl ? { opaUrl } : {}),
    ...(opaPath ? { opaPath } : {}),
    ...(decisionLog ? { decisionLog } : {}),
    ...(gateConfigFile ? { gateConfigFile } : {}),
    ...(wasmWorkers !== undefined ? { wasmWorkers } : {}),
    ...(wasmMaxQueue !== undefined ? { wasmMaxQueue } : {}),
    ...fleetSettingsFromEnv(env, base),
  };
}
