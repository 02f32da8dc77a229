import { readFileSync } from 'node:fs';
import { ConfigurationError, type FleetFileSettings } from '@policy-engine/evaluator';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { DEFAULT_MAX_BODY_DEPTH } from './body.js';

/** A `forceAuthentication` entry: requests matching `path` (and `method`, if set) need an identity. */
export interface ForceAuthenticationEntry {
  /** Ant-style pattern, e.g. `/webhooks/**`. */
  readonly path: string;
  /** HTTP method; absent or `*` means any method. */
  readonly method?: string;
}

/** Resolved Gate adapter configuration (every field has a value). */
export interface GateAuthzConfig {
  /** `armory.policyEngine.opa.baseUrl`: OPA endpoint, when the OPA engine is used. */
  readonly opaBaseUrl?: string;
  /** `armory.policyEngine.opa.timeoutSeconds` (default 10). */
  readonly timeoutSeconds: number;
  /**
   * `armory.policyEngine.bundle.{url,pollingSeconds,verificationKey,token,persistDir}` (not Armory keys; OPA's bundle
   * plugin settings): pull policies from an OPA bundle service. `verificationKey` is a PEM file path.
   */
  readonly bundle?: FleetFileSettings['bundle'];
  /** `armory.policyEngine.decisionLogs.url` (not an Armory key): ship OPA decision log events there. */
  readonly decisionLogUrl?: string;
  /** `armory.policyEngine.failOpen` (default false): allow when no decision can be obtained. */
  readonly failOpen: boolean;
  /** `armory.policyEngine.allow[].path`: exempt patterns added to the six defaults. */
  readonly allow: readonly string[];
  /** `armory.policyEngine.forceAuthentication[]`. */
  readonly forceAuthentication: readonly ForceAuthenticationEntry[];
  /** Largest accepted request body in bytes (default 10 MiB); larger ⇒ 413. Not an Armory key. */
  readonly bodyLimitBytes: number;
  /** Deepest accepted nesting of arrays/objects in a request body (default 1000); deeper ⇒ 400. Not an Armory key. */
  readonly maxBodyDepth: number;
  /** Route of the UI entitlements check (default `/policy-engine/isFeatureEnabled`). Not an Armory key. */
  readonly entitlementsPath: string;
  /** What to do when no policy defines `spinnaker.http.authz` (default `allow`, as plugin ≥ 0.1.6). */
  readonly onMissingPolicy: 'allow' | 'deny';
  /** Message in a 403 body when the policy gave none. */
  readonly defaultDenyMessage: string;
}

/** Partial configuration as a caller passes it in code. */
export type GateAuthzConfigInput = Partial<GateAuthzConfig>;

/** The six paths Gate never authorizes (Armory docs; always applied). */
export const DEFAULT_EXEMPT_PATHS: readonly string[] = Object.freeze([
  '/auth/user',
  '/auth/loggedOut',
  '/webhooks/**',
  '/notifications/callbacks/**',
  '/health',
  '/plugins/deck/**',
]);

/** Defaults of every configuration field. */
export const DEFAULT_GATE_CONFIG: GateAuthzConfig = Object.freeze({
  timeoutSeconds: 10,
  failOpen: false,
  allow: [],
  forceAuthentication: [],
  bodyLimitBytes: 10 * 1024 * 1024,
  maxBodyDepth: DEFAULT_MAX_BODY_DEPTH,
  entitlementsPath: '/policy-engine/isFeatureEnabled',
  onMissingPolicy: 'allow',
  defaultDenyMessage: 'Access denied by policy',
});

/** Fills defaults in and checks a configuration given in code. */
export function resolveGateConfig(input: GateAuthzConfigInput = {}): GateAuthzConfig {
  const merged: GateAuthzConfig = { ...DEFAULT_GATE_CONFIG, ...stripUndefined(input) };
  if (!(merged.timeoutSeconds > 0)) throw new ConfigurationError(`timeoutSeconds must be a positive number, got ${merged.timeoutSeconds}`);
  if (!(merged.bodyLimitBytes > 0)) throw new ConfigurationError(`bodyLimitBytes must be a positive number, got ${merged.bodyLimitBytes}`);
  if (!Number.isInteger(merged.maxBodyDepth) || merged.maxBodyDepth <= 0) {
    throw new ConfigurationError(`maxBodyDepth must be a positive integer, got ${merged.maxBodyDepth}`);
  }
  if (merged.onMissingPolicy !== 'allow' && merged.onMissingPolicy !== 'deny') {
    throw new ConfigurationError(`onMissingPolicy must be "allow" or "deny", got ${String(merged.onMissingPolicy)}`);
  }
  return merged;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads `key` of the nested `armory.policyEngine` block, or the flat `armory.policyEngine.<key>` spelling. */
function lookup(doc: Record<string, unknown>, dotted: string): unknown {
  if (dotted in doc) return doc[dotted];
  const parts = dotted.split('.');
  // Try every split point so half-flat spellings (`armory.policyEngine: {opa.baseUrl: …}`) work too.
  for (let i = 1; i < parts.length; i++) {
    const head = parts.slice(0, i).join('.');
    const next = doc[head];
    if (isRecord(next)) {
      const found = lookup(next, parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function asBoolean(v: unknown, key: string, where: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ConfigurationError(`${where}: ${key} must be a boolean, got ${JSON.stringify(v)}`);
}

function asPositiveNumber(v: unknown, key: string, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n === 'number' && Number.isFinite(n) && n > 0) return n;
  throw new ConfigurationError(`${where}: ${key} must be a positive number, got ${JSON.stringify(v)}`);
}

function asList(v: unknown, key: string, where: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  // Spring binds indexed maps ({0: …, 1: …}) to lists; accept that spelling too.
  if (isRecord(v) && Object.keys(v).every((k) => /^\d+$/.test(k))) {
    return Object.keys(v)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => v[k]);
  }
  throw new ConfigurationError(`${where}: ${key} must be a list, got ${JSON.stringify(v)}`);
}

/**
 * Reads Armory's configuration keys from a parsed profile (`gate-local.yml`, a Spring
 * `spinnaker` profile, or an object in code): `armory.policyEngine.opa.baseUrl`,
 * `.opa.timeoutSeconds`, `.failOpen`, `.allow[].path`, `.forceAuthentication[].{path,method}`.
 * Nested and flat (`armory.policyEngine.failOpen: true`) spellings are both accepted.
 * `overrides` (fields of {@link GateAuthzConfig}) win over the document.
 *
 * @throws ConfigurationError naming the key and the source on a malformed value.
 */
export function readArmoryConfig(doc: unknown, overrides: GateAuthzConfigInput = {}, where = 'configuration'): GateAuthzConfig {
  if (doc !== undefined && doc !== null && !isRecord(doc)) {
    throw new ConfigurationError(`${where}: expected a mapping at the top level`);
  }
  const root = doc ?? {};
  const base = 'armory.policyEngine';
  const baseUrl = lookup(root, `${base}.opa.baseUrl`);
  if (baseUrl !== undefined && baseUrl !== null && typeof baseUrl !== 'string') {
    throw new ConfigurationError(`${where}: ${base}.opa.baseUrl must be a string, got ${JSON.stringify(baseUrl)}`);
  }
  const allow = asList(lookup(root, `${base}.allow`), `${base}.allow`, where).map((entry, i) => {
    if (isRecord(entry) && typeof entry['path'] === 'string' && entry['path'] !== '') return entry['path'];
    throw new ConfigurationError(`${where}: ${base}.allow[${i}] must be an object with a "path" key, got ${JSON.stringify(entry)}`);
  });
  const force = asList(lookup(root, `${base}.forceAuthentication`), `${base}.forceAuthentication`, where).map((entry, i) => {
    if (!isRecord(entry) || typeof entry['path'] !== 'string' || entry['path'] === '') {
      throw new ConfigurationError(
        `${where}: ${base}.forceAuthentication[${i}] must be an object with a "path" key, got ${JSON.stringify(entry)}`,
      );
    }
    const method = entry['method'];
    if (method !== undefined && method !== null && typeof method !== 'string') {
      throw new ConfigurationError(`${where}: ${base}.forceAuthentication[${i}].method must be a string`);
    }
    return typeof method === 'string' ? { path: entry['path'], method: method.toUpperCase() } : { path: entry['path'] };
  });
  const text = (key: string): string | undefined => {
    const v = lookup(root, `${base}.${key}`);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '') {
      throw new ConfigurationError(`${where}: ${base}.${key} must be a non-empty string, got ${JSON.stringify(v)}`);
    }
    return v.trim();
  };
  const bundleUrl = text('bundle.url');
  const bundleExtras = {
    pollingSeconds: asPositiveNumber(lookup(root, `${base}.bundle.pollingSeconds`), `${base}.bundle.pollingSeconds`, where),
    verificationKey: text('bundle.verificationKey'),
    token: text('bundle.token'),
    persistDir: text('bundle.persistDir'),
  };
  if (bundleUrl === undefined && Object.values(bundleExtras).some((v) => v !== undefined)) {
    throw new ConfigurationError(`${where}: ${base}.bundle needs a url`);
  }
  const fromDoc: GateAuthzConfigInput = {
    opaBaseUrl: typeof baseUrl === 'string' ? baseUrl : undefined,
    bundle: bundleUrl === undefined ? undefined : { url: bundleUrl, ...stripUndefined(bundleExtras) },
    decisionLogUrl: text('decisionLogs.url'),
    timeoutSeconds: asPositiveNumber(lookup(root, `${base}.opa.timeoutSeconds`), `${base}.opa.timeoutSeconds`, where),
    failOpen: asBoolean(lookup(root, `${base}.failOpen`), `${base}.failOpen`, where),
    allow,
    forceAuthentication: force,
  };
  return resolveGateConfig({ ...stripUndefined(fromDoc), ...stripUndefined(overrides) });
}

/**
 * Parses Armory-style YAML (e.g. the content of `gate-local.yml`) and reads it with
 * {@link readArmoryConfig}. A YAML syntax error becomes a ConfigurationError with line:col.
 */
export function parseArmoryConfigYaml(text: string, source = 'configuration', overrides: GateAuthzConfigInput = {}): GateAuthzConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const pos = e.linePos?.[0];
      const at = pos ? `${source}:${pos.line}:${pos.col}` : source;
      throw new ConfigurationError(`${at}: ${e.message.split('\n')[0] ?? 'invalid YAML'}`, { cause: e });
    }
    throw new ConfigurationError(`${source}: invalid YAML`, { cause: e });
  }
  return readArmoryConfig(doc, overrides, source);
}

/** Reads an Armory-style YAML file (see {@link parseArmoryConfigYaml}). */
export function loadArmoryConfigFile(file: string, overrides: GateAuthzConfigInput = {}): GateAuthzConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigurationError(`${file}: cannot read configuration file (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return parseArmoryConfigYaml(text, file, overrides);
}
