/**
 * The fleet settings every replica reads the same way (the example gate and the Orca runner):
 * where policies come from (an OPA bundle service) and where decisions go (a decision-log
 * collector), from environment variables or from the Armory-style config file
 * (`armory.policyEngine.bundle.*`, `.decisionLogs.url`), and the source / decision-log sink they make.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { BundleServiceSource } from './sources/bundle-service.js';
import { decisionLogService, type DecisionLogService } from './decision-log-service.js';
import { ConfigurationError } from './errors.js';
import type { PolicyMetricsObserver } from './metrics.js';
import type { Logger, RegoVersionSetting } from './options.js';

/** Bundle and decision-log settings of one replica. */
export interface FleetSettings {
  /** Poll policies from this OPA bundle service URL (`BUNDLE_URL`). */
  readonly bundleUrl?: string;
  /** Seconds between bundle polls (`BUNDLE_POLLING_SECONDS`, OPA `min_delay_seconds`; max is 2×; default 60). */
  readonly bundlePollingSeconds?: number;
  /** PEM text of the key bundles must be signed with (read from the file `BUNDLE_VERIFICATION_KEY`). */
  readonly bundleVerificationKey?: string;
  /** `BUNDLE_VERIFICATION_ALG` (default RS256). */
  readonly bundleVerificationAlgorithm?: string;
  /** Bearer token for the bundle service (`BUNDLE_TOKEN`). */
  readonly bundleToken?: string;
  /** Where the last good bundle is kept (`BUNDLE_PERSIST_DIR`). */
  readonly bundlePersistDir?: string;
  /** Ship OPA decision log events to this URL (`DECISION_LOG_URL`). */
  readonly decisionLogUrl?: string;
  /** Seconds between decision log uploads (`DECISION_LOG_SECONDS`, OPA `min_delay_seconds`; default 300). */
  readonly decisionLogSeconds?: number;
}

/** The environment variables {@link fleetSettingsFromEnv} reads. */
export const FLEET_ENV_VARIABLES: readonly string[] = Object.freeze([
  'BUNDLE_URL',
  'BUNDLE_POLLING_SECONDS',
  'BUNDLE_VERIFICATION_KEY',
  'BUNDLE_VERIFICATION_ALG',
  'BUNDLE_TOKEN',
  'BUNDLE_PERSIST_DIR',
  'DECISION_LOG_URL',
  'DECISION_LOG_SECONDS',
]);

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

function readKey(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigurationError(`${what}: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Reads {@link FLEET_ENV_VARIABLES}; relative paths (`BUNDLE_VERIFICATION_KEY`, `BUNDLE_PERSIST_DIR`) are resolved
 * against `baseDir`. `BUNDLE_VERIFICATION_KEY` is read here (a missing file is a configuration error at start).
 * @throws ConfigurationError for a non-positive number of seconds or an unreadable key file.
 */
export function fleetSettingsFromEnv(env: Readonly<Record<string, string | undefined>>, baseDir: string): FleetSettings {
  const path = (v: string | undefined): string | undefined => {
    const s = nonEmpty(v);
    return s === undefined ? undefined : isAbsolute(s) ? s : resolve(baseDir, s);
  };
  const seconds = (name: string): number | undefined => {
    const text = nonEmpty(env[name]);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new ConfigurationError(`${name} must be a positive number of seconds, got "${text}"`);
    return n;
  };
  const keyFile = path(env['BUNDLE_VERIFICATION_KEY']);
  const bundleUrl = nonEmpty(env['BUNDLE_URL']);
  const bundlePollingSeconds = seconds('BUNDLE_POLLING_SECONDS');
  const bundleVerificationKey = keyFile === undefined ? undefined : readKey(keyFile, 'BUNDLE_VERIFICATION_KEY');
  const bundleVerificationAlgorithm = nonEmpty(env['BUNDLE_VERIFICATION_ALG']);
  const bundleToken = nonEmpty(env['BUNDLE_TOKEN']);
  const bundlePersistDir = path(env['BUNDLE_PERSIST_DIR']);
  const decisionLogUrl = nonEmpty(env['DECISION_LOG_URL']);
  const decisionLogSeconds = seconds('DECISION_LOG_SECONDS');
  return {
    ...(bundleUrl ? { bundleUrl } : {}),
    ...(bundlePollingSeconds !== undefined ? { bundlePollingSeconds } : {}),
    ...(bundleVerificationKey !== undefined ? { bundleVerificationKey } : {}),
    ...(bundleVerificationAlgorithm ? { bundleVerificationAlgorithm } : {}),
    ...(bundleToken ? { bundleToken } : {}),
    ...(bundlePersistDir ? { bundlePersistDir } : {}),
    ...(decisionLogUrl ? { decisionLogUrl } : {}),
    ...(decisionLogSeconds !== undefined ? { decisionLogSeconds } : {}),
  };
}

/** The fleet keys of the Armory-style file, as its reader parsed them (`armory.policyEngine.bundle.*`, `.decisionLogs.url`). */
export interface FleetFileSettings {
  readonly bundle?: {
    readonly url: string;
    readonly pollingSeconds?: number;
    /** A PEM file path, relative to the config file. */
    readonly verificationKey?: string;
    readonly token?: string;
    /** Relative to the config file. */
    readonly persistDir?: string;
  };
  readonly decisionLogUrl?: string;
}

/**
 * `settings` completed from the config file where the environment gave nothing (the environment
 * wins; the file's bundle keys count only when the environment names no `BUNDLE_URL`). Relative
 * `verificationKey` / `persistDir` are resolved against the directory of `configFile`.
 * @throws ConfigurationError for an unreadable verification key file.
 */
export function withFleetFileSettings(settings: FleetSettings, file: FleetFileSettings, configFile?: string): FleetSettings {
  const dir = configFile !== undefined ? dirname(configFile) : process.cwd();
  const bundle = file.bundle;
  let out = settings;
  if (settings.bundleUrl === undefined && bundle !== undefined) {
    const key =
      bundle.verificationKey !== undefined && settings.bundleVerificationKey === undefined
        ? readKey(resolve(dir, bundle.verificationKey), 'armory.policyEngine.bundle.verificationKey')
        : undefined;
    out = {
      ...out,
      bundleUrl: bundle.url,
      ...(bundle.pollingSeconds !== undefined && settings.bundlePollingSeconds === undefined
        ? { bundlePollingSeconds: bundle.pollingSeconds }
        : {}),
      ...(key !== undefined ? { bundleVerificationKey: key } : {}),
      ...(bundle.token !== undefined && settings.bundleToken === undefined ? { bundleToken: bundle.token } : {}),
      ...(bundle.persistDir !== undefined && settings.bundlePersistDir === undefined
        ? { bundlePersistDir: resolve(dir, bundle.persistDir) }
        : {}),
    };
  }
  if (settings.decisionLogUrl === undefined && file.decisionLogUrl !== undefined) out = { ...out, decisionLogUrl: file.decisionLogUrl };
  return out;
}

/** The bundle-service source of `settings` (undefined without `bundleUrl`): polling min/max = seconds / 2× seconds, the key as key id `name`. */
export function fleetBundleSource(
  settings: FleetSettings,
  options: { readonly name: string; readonly regoVersion?: RegoVersionSetting },
): BundleServiceSource | undefined {
  if (settings.bundleUrl === undefined) return undefined;
  const seconds = settings.bundlePollingSeconds ?? 60;
  return {
    kind: 'bundle-service',
    url: settings.bundleUrl,
    name: options.name,
    ...(options.regoVersion !== undefined ? { regoVersion: options.regoVersion } : {}),
    polling: { minDelaySeconds: seconds, maxDelaySeconds: seconds * 2 },
    ...(settings.bundleToken !== undefined ? { token: settings.bundleToken } : {}),
    ...(settings.bundlePersistDir !== undefined ? { persistDir: settings.bundlePersistDir } : {}),
    ...(settings.bundleVerificationKey !== undefined
      ? {
          verification: {
            keys: { [options.name]: { algorithm: settings.bundleVerificationAlgorithm ?? 'RS256', key: settings.bundleVerificationKey } },
            keyId: options.name,
          },
        }
      : {}),
  };
}

/**
 * The OPA configuration (`services`, `bundles`, `keys`, `persistence_directory`) with which an OPA pulls
 * the same bundle as {@link fleetBundleSource} with its own bundle plugin (undefined without `bundleUrl`):
 * service `url` = the origin of `bundleUrl`, `resource` = its path and query; bearer `credentials` for
 * `bundleToken`; polling min/max = seconds / 2× seconds, rounded to whole seconds of at least 1 (OPA's are
 * integers); `signing.keyid` = `name` with `keys.<name>` for the verification key; with `bundlePersistDir`,
 * OPA's own persistence in its subdirectory `opa` (ours is `<dir>/bundles/<name>`, OPA's would be too).
 * A plain object, for JSON/YAML config files (tools/opa's `startOpaServer({ config })`).
 */
export function fleetOpaBundleConfig(settings: FleetSettings, options: { readonly name: string }): Record<string, unknown> | undefined {
  if (settings.bundleUrl === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(settings.bundleUrl);
  } catch {
    throw new ConfigurationError(`BUNDLE_URL is not a URL: ${JSON.stringify(settings.bundleUrl)}`);
  }
  const seconds = Math.max(1, Math.round(settings.bundlePollingSeconds ?? 60));
  const service = `${options.name}-bundles`;
  const key = settings.bundleVerificationKey;
  return {
    services: {
      [service]: {
        url: url.origin,
        ...(settings.bundleToken !== undefined ? { credentials: { bearer: { token: settings.bundleToken } } } : {}),
      },
    },
    bundles: {
      [options.name]: {
        service,
        resource: `${url.pathname}${url.search}`,
        polling: { min_delay_seconds: seconds, max_delay_seconds: seconds * 2 },
        ...(key !== undefined ? { signing: { keyid: options.name } } : {}),
        ...(settings.bundlePersistDir !== undefined ? { persist: true } : {}),
      },
    },
    ...(key !== undefined ? { keys: { [options.name]: { algorithm: settings.bundleVerificationAlgorithm ?? 'RS256', key } } } : {}),
    ...(settings.bundlePersistDir !== undefined ? { persistence_directory: join(settings.bundlePersistDir, 'opa') } : {}),
  };
}

/** The decision-log shipper of `settings` (undefined without `decisionLogUrl`): reporting every seconds..2× seconds. */
export function fleetDecisionLog(
  settings: FleetSettings,
  options: { readonly labels?: Readonly<Record<string, string>>; readonly logger?: Logger; readonly metrics?: PolicyMetricsObserver } = {},
): DecisionLogService | undefined {
  if (settings.decisionLogUrl === undefined) return undefined;
  const seconds = settings.decisionLogSeconds;
  return decisionLogService({
    url: settings.decisionLogUrl,
    ...(options.labels !== undefined ? { labels: options.labels } : {}),
    ...(seconds !== undefined ? { minDelaySeconds: seconds, maxDelaySeconds: seconds * 2 } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
  });
}
