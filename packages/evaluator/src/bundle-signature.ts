/**
 * Signed OPA bundles, verified as OPA verifies them (`v1/bundle/verify.go`, `hash.go`): the
 * `.signatures.json` file holds exactly one JWT whose payload lists every file of the bundle
 * with its digest; the JWT is checked with the configured key (key id from the configuration,
 * else the JWT header's `kid`, else the payload's `keyid`), the payload's `scope` must equal the
 * configured one, and every file (except `exclude` globs) must be listed with a matching digest.
 * Structured files (`data.json`, `data.yaml`, `.manifest`) are hashed over their canonical JSON
 * (sorted keys, numbers as written), other files over their bytes.
 */
import { createHash, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { parse as parseYaml } from 'yaml';
import { PolicySourceError } from './errors.js';
import { globToRegExp } from './sources/glob.js';
import type { BundleArchiveFile } from './sources/bundle.js';

/** One verification key, as OPA's `keys.<id>` configuration: `algorithm` (default RS256), the PEM key (or the HMAC secret), an optional `scope`. */
export interface BundleVerificationKey {
  readonly algorithm?: string;
  readonly key: string;
  readonly scope?: string;
}

/** How bundles are verified (OPA's bundle `signing` section plus its `keys`). */
export interface BundleVerificationConfig {
  /** Keys by id. */
  readonly keys: Readonly<Record<string, BundleVerificationKey>>;
  /** The key to use (OPA `signing.keyid`); default: the JWT's `kid`, else its payload's `keyid`. */
  readonly keyId?: string;
  /** Required scope (OPA `signing.scope`); default: the key's scope, else none. */
  readonly scope?: string;
  /** Globs of files that need not be signed (OPA `signing.exclude_files`). */
  readonly exclude?: readonly string[];
}

const ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512']);

const HASHES: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
};

interface SignedFile {
  readonly name: string;
  readonly hash: string;
  readonly algorithm: string;
}

function isStructured(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === 'data.json' || base === 'data.yaml' || base === 'data.yml' || base === '.manifest';
}

/** Go's `json.Encoder` with HTML escaping off, for a string: JSON.stringify plus U+2028/U+2029 escapes. */
const goString = (s: string): string =>
  JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** OPA's `walk` in `hash.go`: sorted keys (byte order), no whitespace, numbers as written. */
function canonical(value: unknown): string {
  if (isLosslessNumber(value)) return value.value;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'string') return goString(value);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${goString(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The digest OPA computes for one bundle file. */
export function bundleFileDigest(path: string, bytes: Uint8Array, algorithm = 'SHA-256'): string {
  const hashName = HASHES[algorithm];
  if (hashName === undefined) throw new PolicySourceError(`unsupported hashing algorithm: ${algorithm}`, path);
  const hash = createHash(hashName);
  if (isStructured(path)) {
    const text = Buffer.from(bytes).toString('utf8');
    let value: unknown;
    try {
      value = path.endsWith('.json') || path.endsWith('.manifest') ? parseLossless(text) : (parseYaml(text) as unknown);
    } catch (cause) {
      throw new PolicySourceError(`cannot parse for its digest: ${cause instanceof Error ? cause.message : String(cause)}`, path, {
        cause,
      });
    }
    hash.update(canonical(value));
  } else {
    hash.update(bytes);
  }
  return hash.digest('hex');
}

function verificationKey(config: BundleVerificationKey, algorithm: string, id: string): KeyObject {
  try {
    return algorithm.startsWith('HS') ? createSecretKey(Buffer.from(config.key, 'utf8')) : createPublicKey(config.key);
  } catch (cause) {
    throw new PolicySourceError('failed to parse PEM block containing the key', id, { cause });
  }
}

function decodeJson(part: string): Record<string, unknown> {
  const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Verifies a bundle's files against its `.signatures.json` as OPA does. With no configuration an
 * unsigned bundle passes and a signed one is refused ("verification key not provided"); with
 * one, an unsigned bundle is refused.
 * @throws PolicySourceError naming what did not verify (OPA's wording).
 */
export async function verifyBundle(
  files: readonly BundleArchiveFile[],
  config: BundleVerificationConfig | undefined,
  id: string,
): Promise<void> {
  const signatureFiles = files.filter((f) => f.path === '.signatures.json' || f.path.endsWith('/.signatures.json'));
  if (signatureFiles.length > 1) throw new PolicySourceError('bundle contains multiple signatures files', id);
  const signatureFile = signatureFiles[0];
  if (signatureFile === undefined) {
    if (config !== undefined) throw new PolicySourceError('bundle missing .signatures.json file', id);
    return;
  }
  if (config === undefined) throw new PolicySourceError('verification key not provided', id);
  let tokens: unknown;
  try {
    tokens = (JSON.parse(signatureFile.bytes.toString('utf8')) as { signatures?: unknown }).signatures;
  } catch (cause) {
    throw new PolicySourceError('bundle load failed on signatures decode', id, { cause });
  }
  if (!Array.isArray(tokens) || tokens.length === 0)
    throw new PolicySourceError('.signatures.json: missing JWT (expected exactly one)', id);
  if (tokens.length > 1) throw new PolicySourceError('.signatures.json: multiple JWTs not supported (expected exactly one)', id);
  const token = tokens[0] as unknown;
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) throw new PolicySourceError('failed to split compact JWT', id);
  const [headerPart = '', payloadPart = ''] = parts;
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeJson(headerPart);
    payload = decodeJson(payloadPart);
  } catch (cause) {
    throw new PolicySourceError('failed to base64 decode JWT', id, { cause });
  }
  const kid = typeof header['kid'] === 'string' ? header['kid'] : '';
  const payloadKeyId = typeof payload['keyid'] === 'string' ? payload['keyid'] : '';
  const keyId = config.keyId || kid || payloadKeyId;
  if (keyId === '') throw new PolicySourceError('verification key ID is empty', id);
  const keyConfig = Object.hasOwn(config.keys, keyId) ? config.keys[keyId] : undefined;
  if (keyConfig === undefined) throw new PolicySourceError(`verification key corresponding to ID ${keyId} not found`, id);
  const algorithm = keyConfig.algorithm ?? 'RS256';
  if (!ALGORITHMS.has(algorithm)) throw new PolicySourceError(`unknown signature algorithm: ${algorithm}`, id);
  try {
    await compactVerify(token as string, verificationKey(keyConfig, algorithm, id), { algorithms: [algorithm] });
  } catch (cause) {
    if (cause instanceof PolicySourceError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PolicySourceError(`failed to verify JWT signature: ${reason}`, id, { cause });
  }
  const scope = config.scope || keyConfig.scope || '';
  const payloadScope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
  if (payloadScope !== scope) throw new PolicySourceError('scope mismatch', id);
  const signed = new Map<string, SignedFile>();
  for (const entry of Array.isArray(payload['files']) ? (payload['files'] as unknown[]) : []) {
    const file = entry as Partial<SignedFile>;
    if (typeof file.name === 'string') {
      signed.set(file.name, { name: file.name, hash: String(file.hash ?? ''), algorithm: String(file.algorithm ?? '') });
    }
  }
  const excluded = (config.exclude ?? []).map((glob) => globToRegExp(glob));
  for (const file of files) {
    if (file === signatureFile) continue;
    if (excluded.some((pattern) => pattern.test(file.path))) {
      signed.delete(file.path);
      continue;
    }
    const entry = signed.get(file.path);
    if (entry === undefined) throw new PolicySourceError(`file ${file.path} not included in bundle signature`, id);
    if (entry.algorithm === '') throw new PolicySourceError(`no hashing algorithm provided for file ${file.path}`, id);
    const digest = bundleFileDigest(file.path, file.bytes, entry.algorithm);
    if (digest !== entry.hash.toLowerCase()) {
      throw new PolicySourceError(`${file.path}: digest mismatch (want: ${entry.hash}, got: ${digest})`, id);
    }
    signed.delete(file.path);
  }
  if (signed.size > 0) {
    throw new PolicySourceError(
      `file(s) [${[...signed.keys()].join(' ')}] specified in bundle signatures but not found in the target bundle`,
      id,
    );
  }
}
