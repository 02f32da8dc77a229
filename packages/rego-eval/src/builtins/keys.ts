/**
 * Keys for the JWT and x509 built-ins: PEM blocks (Go's `encoding/pem`), SubjectPublicKeyInfo,
 * PKCS#1 / PKCS#8 / SEC 1 private keys (Go's `crypto/x509`), JWKs and JWK sets (as jwx parses
 * them), and signing / verification by JWS algorithm (RS*, PS* in `rsa.ts`; ES* over
 * `@noble/curves`' NIST curves; EdDSA over Ed25519; HS* with `@noble/hashes`' HMAC). All of it
 * is synchronous and runs in a browser.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { RObject, type Value } from '@policy-engine/rego-value';
import { base64Decode, base64UrlDecodeBytes } from './encoding.js';
import {
  DerError,
  bigIntToBytes,
  bytesToBigInt,
  child,
  derBitString,
  derInteger,
  derOidText,
  expect,
  parseDerExact,
  type DerNode,
} from './der.js';
import { goUnmarshal } from './gojson.js';
import { hashOf, signPkcs1v15, signPss, verifyPkcs1v15, verifyPss, type RsaHash } from './rsa.js';
import { builtinError, type BuiltinContext, type BuiltinDef } from './registry.js';
import { constantTimeEqual, utf8 } from './util.js';

/** The NIST curves ECDSA keys use. */
export type CurveName = 'P-256' | 'P-384' | 'P-521';

/** A key as the JWT and x509 built-ins hold it (public or private). */
export type Key =
  | { readonly kty: 'RSA'; readonly n: bigint; readonly e: bigint; readonly d?: bigint; readonly p?: bigint; readonly q?: bigint }
  | { readonly kty: 'EC'; readonly crv: CurveName; readonly x: bigint; readonly y: bigint; readonly d?: bigint }
  | { readonly kty: 'OKP'; readonly x: Uint8Array; readonly d?: Uint8Array }
  | { readonly kty: 'oct'; readonly k: Uint8Array };

/** A malformed key, PEM block or JWK; the message is Go's (or jwx's). The JWT and x509 errors extend it. */
export class KeyError extends Error {}

/**
 * A built-in of the JWT / x509 families: a {@link KeyError} or `DerError` it throws becomes OPA's
 * `"<name>: <message>"` built-in error.
 */
export function keyBuiltin(name: string, arity: number, f: (args: Value[], ctx: BuiltinContext) => Value): BuiltinDef {
  return {
    name,
    arity,
    fn: (args, ctx) => {
      try {
        return f(args, ctx);
      } catch (e) {
        if (e instanceof KeyError || e instanceof DerError) throw builtinError(name, e.message);
        throw e;
      }
    },
  };
}

// --- PEM --------------------------------------------------------------------------------

/** One PEM block (Go's `pem.Block`). */
export interface PemBlock {
  readonly type: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly bytes: Uint8Array;
}

const latin1 = new TextDecoder('latin1');

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function getLine(s: string): [string, string] {
  const i = s.indexOf('\n');
  let line: string;
  let rest: string;
  if (i < 0) {
    line = s;
    rest = '';
  } else {
    line = s.slice(0, i);
    rest = s.slice(i + 1);
  }
  return [line.replace(/[ \t\r]+$/, ''), rest];
}

/**
 * Go's `pem.Decode` over the bytes of `data` (a string of bytes, one char per byte): the first
 * valid block and what follows it, or `undefined` and the data when there is none.
 */
function pemDecodeText(data: string): { block: PemBlock | undefined; rest: string } {
  let rest = data;
  for (;;) {
    let at: number;
    if (rest.startsWith('-----BEGIN ')) at = 0;
    else {
      const i = rest.indexOf('\n-----BEGIN ');
      if (i < 0) return { block: undefined, rest: data };
      at = i + 1;
    }
    const after = rest.slice(at + '-----BEGIN '.length);
    const [typeLine, afterType] = getLine(after);
    if (!typeLine.endsWith('-----')) {
      rest = after;
      continue;
    }
    const type = typeLine.slice(0, -5);
    const headers = new Map<string, string>();
    let body = afterType;
    for (;;) {
      if (body.length === 0) break;
      const [line, next] = getLine(body);
      const colon = line.indexOf(':');
      if (colon < 0) break;
      headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      body = next;
    }
    const endMarker = `-----END ${type}-----`;
    let endIndex: number;
    let endTrail: string;
    if (headers.size === 0 && body.startsWith(endMarker.slice(1))) {
      endIndex = 0;
      endTrail = body.slice(endMarker.length - 1);
    } else {
      const j = body.indexOf('\n' + endMarker);
      if (j < 0) {
        rest = after;
        continue;
      }
      endIndex = j;
      endTrail = body.slice(j + 1 + endMarker.length);
    }
    const [trailLine, afterEnd] = getLine(endTrail);
    if (trailLine.trim() !== '') {
      rest = after;
      continue;
    }
    const b64 = body.slice(0, endIndex).replace(/[ \t\r\n]/g, '');
    let bytes: Uint8Array;
    try {
      bytes = base64Decode(b64, false);
    } catch {
      rest = after;
      continue;
    }
    return { block: { type, headers, bytes }, rest: afterEnd };
  }
}

/** Go's `pem.Decode` of a string's UTF-8 bytes: the first block and the rest (as a string of bytes). */
export function pemDecode(data: string | Uint8Array): { block: PemBlock | undefined; rest: string } {
  return pemDecodeText(latin1.decode(typeof data === 'string' ? utf8(data) : data));
}

/** Every PEM block in the data, in order (Go's loop of `pem.Decode` until no block is left). */
export function pemDecodeAll(data: string | Uint8Array): PemBlock[] {
  const out: PemBlock[] = [];
  let rest = latin1.decode(typeof data === 'string' ? utf8(data) : data);
  for (;;) {
    const r = pemDecodeText(rest);
    if (r.block === undefined) return out;
    out.push(r.block);
    rest = r.rest;
  }
}

/** A string of bytes (as `pemDecode` returns in `rest`) back to bytes. */
export function byteString(s: string): Uint8Array {
  return latin1Bytes(s);
}

// --- DER keys ----------------------------------------------------------------------------

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const OID_ED25519 = '1.3.101.112';
const CURVE_OIDS: Record<string, CurveName> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

function curveOf(crv: CurveName): typeof p256 {
  return crv === 'P-256' ? p256 : crv === 'P-384' ? p384 : p521;
}

/** Byte length of a coordinate (and of each half of a JWS signature) on a curve. */
export function curveBytes(crv: CurveName): number {
  return crv === 'P-256' ? 32 : crv === 'P-384' ? 48 : 66;
}

/** The OID of a curve. */
export function curveOid(crv: CurveName): string {
  return Object.entries(CURVE_OIDS).find(([, c]) => c === crv)?.[0] ?? '';
}

function ecPoint(crv: CurveName, point: Uint8Array, message: string): { x: bigint; y: bigint } {
  const len = curveBytes(crv);
  if (point.length !== 1 + 2 * len || point[0] !== 4) throw new KeyError(message);
  try {
    curveOf(crv).Point.fromBytes(point).assertValidity();
  } catch {
    throw new KeyError(message);
  }
  return { x: bytesToBigInt(point.subarray(1, 1 + len)), y: bytesToBigInt(point.subarray(1 + len)) };
}

function wrap<T>(f: () => T, message: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DerError || e instanceof KeyError) throw new KeyError(message);
    throw e;
  }
}

/** PKCS#1 `RSAPublicKey` DER. */
export function parsePkcs1PublicKey(der: Uint8Array): Key {
  return wrap(() => {
    const seq = expect(parseDerExact(der, 'x509: invalid RSA public key'), 16, 'x509: invalid RSA public key');
    const n = derInteger(child(seq, 0, ''), '');
    const e = derInteger(child(seq, 1, ''), '');
    if (n <= 0n) throw new KeyError('x509: RSA modulus is not a positive number');
    if (e <= 0n) throw new KeyError('x509: RSA public exponent is not a positive number');
    return { kty: 'RSA', n, e };
  }, 'x509: invalid RSA public key');
}

/** The public key of a parsed SubjectPublicKeyInfo node (Go's `x509.ParsePKIXPublicKey`). */
export function publicKeyOfSpki(spki: DerNode): { key: Key; algorithm: string } {
  const algId = expect(child(spki, 0, 'x509: malformed public key'), 16, 'x509: malformed public key');
  const oid = derOidText(child(algId, 0, 'x509: malformed public key'), 'x509: malformed public key');
  const { bytes } = derBitString(child(spki, 1, 'x509: malformed public key'), 'x509: malformed public key');
  if (oid === OID_RSA) return { key: parsePkcs1PublicKey(bytes), algorithm: 'RSA' };
  if (oid === OID_EC) {
    const params = algId.children[1];
    const crv = params !== undefined && params.tag === 6 ? CURVE_OIDS[derOidText(params, '')] : undefined;
    if (crv === undefined) throw new KeyError('x509: unsupported elliptic curve');
    const { x, y } = ecPoint(crv, bytes, 'x509: failed to unmarshal elliptic curve point');
    return { key: { kty: 'EC', crv, x, y }, algorithm: 'ECDSA' };
  }
  if (oid === OID_ED25519) {
    if (bytes.length !== 32) throw new KeyError('x509: wrong Ed25519 public key size');
    return { key: { kty: 'OKP', x: bytes.slice() }, algorithm: 'Ed25519' };
  }
  throw new KeyError('x509: unknown public key algorithm');
}

/** Go's `x509.ParsePKIXPublicKey`. */
export function parsePkixPublicKey(der: Uint8Array): Key {
  return wrap(() => publicKeyOfSpki(expect(parseDerExact(der, ''), 16, '')).key, 'x509: malformed public key');
}

/** Go's `x509.ParsePKCS1PrivateKey`. */
export function parsePkcs1PrivateKey(der: Uint8Array): Key {
  const msg = 'x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)';
  return wrap(() => {
    const seq = expect(parseDerExact(der, msg), 16, msg);
    const int = (i: number): bigint => derInteger(child(seq, i, msg), msg);
    const version = int(0);
    if (version > 1n) throw new KeyError('x509: unsupported private key version');
    const key = { kty: 'RSA' as const, n: int(1), e: int(2), d: int(3), p: int(4), q: int(5) };
    if (key.n <= 0n || key.e <= 0n || key.d <= 0n || key.p <= 0n || key.q <= 0n)
      throw new KeyError('x509: private key contains zero or negative value');
    return key;
  }, msg);
}

/** SEC 1 `ECPrivateKey` (Go's `x509.ParseECPrivateKey`); `named` is the curve from PKCS#8 parameters. */
export function parseEcPrivateKey(der: Uint8Array, named?: CurveName): Key {
  const msg = 'x509: failed to parse EC private key';
  return wrap(() => {
    const seq = expect(parseDerExact(der, msg), 16, msg);
    if (derInteger(child(seq, 0, msg), msg) !== 1n) throw new KeyError('x509: unknown EC private key version');
    const dBytes = expect(child(seq, 1, msg), 4, msg).content;
    let crv = named;
    for (const c of seq.children.slice(2)) if (c.cls === 2 && c.tag === 0) crv = CURVE_OIDS[derOidText(child(c, 0, msg), msg)];
    if (crv === undefined) throw new KeyError('x509: unknown elliptic curve');
    const d = bytesToBigInt(dBytes);
    const pub = curveOf(crv).getPublicKey(bigIntToBytes(d, curveBytes(crv)), false);
    const { x, y } = ecPoint(crv, pub, msg);
    return { kty: 'EC', crv, x, y, d };
  }, msg);
}

/** Go's `x509.ParsePKCS8PrivateKey` (RSA, ECDSA and Ed25519). */
export function parsePkcs8PrivateKey(der: Uint8Array): Key {
  return wrap(() => {
    const seq = expect(parseDerExact(der, ''), 16, '');
    const algId = expect(child(seq, 1, ''), 16, '');
    const oid = derOidText(child(algId, 0, ''), '');
    const inner = expect(child(seq, 2, ''), 4, '').content;
    if (oid === OID_RSA) return parsePkcs1PrivateKey(inner);
    if (oid === OID_EC) {
      const params = algId.children[1];
      return parseEcPrivateKey(inner, params !== undefined && params.tag === 6 ? CURVE_OIDS[derOidText(params, '')] : undefined);
    }
    if (oid === OID_ED25519) {
      const seed = expect(parseDerExact(inner, ''), 4, '').content;
      if (seed.length !== 32) throw new KeyError('x509: invalid Ed25519 private key length');
      return { kty: 'OKP', x: ed25519.getPublicKey(seed), d: seed.slice() };
    }
    throw new KeyError(`x509: PKCS#8 wrapping contained private key with unknown algorithm: ${oid}`);
  }, 'x509: failed to parse private key');
}

// --- JWK -------------------------------------------------------------------------------------

/** A JWK with the members jwx reads for verification. */
export interface JwkEntry {
  readonly key: Key;
  /** `alg`, or '' */
  readonly alg: string;
  /** `kid`, or '' */
  readonly kid: string;
}

function member(o: RObject, name: string): Value | undefined {
  return o.get(name);
}

function b64Member(o: RObject, name: string, required: boolean): Uint8Array | undefined {
  const v = member(o, name);
  if (v === undefined) {
    if (required) throw new KeyError(`required field ${name} is missing`);
    return undefined;
  }
  if (typeof v !== 'string') throw new KeyError(`failed to decode field ${name}`);
  try {
    return base64UrlDecodeBytes(v.replace(/=+$/, ''));
  } catch {
    throw new KeyError(`failed to decode field ${name}`);
  }
}

function intMember(o: RObject, name: string, required: boolean): bigint | undefined {
  const b = b64Member(o, name, required);
  return b === undefined ? undefined : bytesToBigInt(b);
}

function stringMember(o: RObject, name: string): string {
  const v = member(o, name);
  return typeof v === 'string' ? v : '';
}

const JWX_TYPES: Record<string, readonly [string, readonly string[], string, readonly string[]]> = {
  RSA: ['*jwk.rsaPublicKey', ['e', 'n'], '*jwk.rsaPrivateKey', ['d', 'e', 'n']],
  EC: ['*jwk.ecdsaPublicKey', ['crv', 'x', 'y'], '*jwk.ecdsaPrivateKey', ['crv', 'd', 'x', 'y']],
  OKP: ['*jwk.okpPublicKey', ['crv', 'x'], '*jwk.okpPrivateKey', ['crv', 'd', 'x']],
  oct: ['*jwk.symmetricKey', ['k'], '*jwk.symmetricKey', ['k']],
};

/** One JWK object (jwx's `ParseKey` checks and messages, without the `jwk.ParseKey: ` prefix). */
export function parseJwkObject(o: RObject): JwkEntry {
  const kty = member(o, 'kty');
  if (typeof kty !== 'string') throw new KeyError('jwk.Parse: failed to get "kty" hint: failed to find key "kty"');
  const shape = JWX_TYPES[kty];
  if (shape === undefined) throw new KeyError(`invalid key type from JSON (${kty})`);
  const priv = kty !== 'oct' && member(o, 'd') !== undefined;
  const goType = priv ? shape[2] : shape[0];
  const unmarshal = (detail: string): KeyError =>
    new KeyError(`failed to unmarshal JSON into key (${goType}): failed to unmarshal JSON into key (${goType}): ${detail}`);
  for (const f of priv ? shape[3] : shape[1]) if (member(o, f) === undefined) throw unmarshal(`required field ${f} is missing`);
  let key: Key;
  try {
    switch (kty) {
      case 'RSA': {
        const d = intMember(o, 'd', false);
        const p = intMember(o, 'p', false);
        const q = intMember(o, 'q', false);
        key = {
          kty,
          n: intMember(o, 'n', true) as bigint,
          e: intMember(o, 'e', true) as bigint,
          ...(d !== undefined ? { d } : {}),
          ...(p !== undefined ? { p } : {}),
          ...(q !== undefined ? { q } : {}),
        };
        break;
      }
      case 'EC': {
        const crv = stringMember(o, 'crv');
        if (crv !== 'P-256' && crv !== 'P-384' && crv !== 'P-521') throw new KeyError(`invalid curve name ${crv}`);
        const x = intMember(o, 'x', true) as bigint;
        const y = intMember(o, 'y', true) as bigint;
        const d = intMember(o, 'd', false);
        const len = curveBytes(crv);
        const point = new Uint8Array(1 + 2 * len);
        point[0] = 4;
        point.set(bigIntToBytes(x, len), 1);
        point.set(bigIntToBytes(y, len), 1 + len);
        ecPoint(crv, point, 'invalid EC public key');
        key = { kty, crv, x, y, ...(d !== undefined ? { d } : {}) };
        break;
      }
      case 'OKP': {
        if (stringMember(o, 'crv') !== 'Ed25519') throw new KeyError(`unsupported curve ${stringMember(o, 'crv')}`);
        const d = b64Member(o, 'd', false);
        key = { kty, x: b64Member(o, 'x', true) as Uint8Array, ...(d !== undefined ? { d } : {}) };
        break;
      }
      default:
        key = { kty: 'oct', k: b64Member(o, 'k', true) as Uint8Array };
    }
  } catch (e) {
    if (e instanceof KeyError) throw unmarshal(e.message);
    throw e;
  }
  return { key, alg: stringMember(o, 'alg'), kid: stringMember(o, 'kid') };
}

/**
 * jwx's `jwk.Parse` (or `jwk.ParseString` with `viaString`): one JWK or a set `{"keys": [...]}`,
 * with jwx's wrapped messages.
 */
export function parseJwks(text: string, viaString = false): JwkEntry[] {
  const outer = viaString ? 'jwk.ParseString: failed to parse string: ' : '';
  let v: Value;
  try {
    v = goUnmarshal(text);
  } catch (e) {
    throw new KeyError(
      `${outer}jwk.Parse: failed to parse sole key: jwk.ParseKey: jwk.Parse: failed to probe data: probe: failed to unmarshal data: ${(e as Error).message}`,
    );
  }
  const keys = v instanceof RObject ? v.get('keys') : undefined;
  try {
    if (keys !== undefined) {
      if (!Array.isArray(keys)) throw new KeyError('keys must be an array');
      return (keys as readonly Value[]).map((k) => {
        if (!(k instanceof RObject)) throw new KeyError('a key must be an object');
        return parseJwkObject(k);
      });
    }
  } catch (e) {
    if (e instanceof KeyError) throw new KeyError(`${outer}jwk.Parse: failed to unmarshal JWK set: ${e.message}`);
    throw e;
  }
  if (!(v instanceof RObject))
    throw new KeyError(
      `${outer}jwk.Parse: failed to parse sole key: jwk.ParseKey: jwk.Parse: failed to probe data: probe: failed to unmarshal data: json: cannot unmarshal into a key`,
    );
  try {
    return [parseJwkObject(v)];
  } catch (e) {
    if (e instanceof KeyError) throw new KeyError(`${outer}jwk.Parse: failed to parse sole key: jwk.ParseKey: ${e.message}`);
    throw e;
  }
}

// --- JWS algorithms ----------------------------------------------------------------------------

/** The JWS algorithms OPA knows (`tokenAlgorithms`). */
export const JWS_ALGORITHMS: ReadonlySet<string> = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'HS256',
  'HS384',
  'HS512',
  'EdDSA',
]);

function hashOfAlg(alg: string): RsaHash {
  const bits = alg.slice(2);
  return bits === '384' ? 'SHA-384' : bits === '512' ? 'SHA-512' : 'SHA-256';
}

/** The digest a JWS algorithm signs (`getInputSHA`); EdDSA signs the message itself. */
export function jwsDigest(alg: string, message: Uint8Array): Uint8Array {
  return alg === 'EdDSA' ? message : hashOf(hashOfAlg(alg))(message);
}

/** ECDSA verification of a digest with a JWS-style `r || s` signature split in halves (Go's `ecdsa.Verify`). */
export function verifyEcdsaDigest(key: Key, digest: Uint8Array, sig: Uint8Array): boolean {
  if (key.kty !== 'EC') return false;
  const curve = curveOf(key.crv);
  const half = sig.length >> 1;
  const r = bytesToBigInt(sig.subarray(0, half));
  const s = bytesToBigInt(sig.subarray(half));
  const order = curve.Point.CURVE().n;
  if (r <= 0n || s <= 0n || r >= order || s >= order) return false;
  const len = curveBytes(key.crv);
  const compact = new Uint8Array(2 * len);
  compact.set(bigIntToBytes(r, len), 0);
  compact.set(bigIntToBytes(s, len), len);
  const point = new Uint8Array(1 + 2 * len);
  point[0] = 4;
  point.set(bigIntToBytes(key.x, len), 1);
  point.set(bigIntToBytes(key.y, len), 1 + len);
  try {
    return curve.verify(compact, digest, point, { prehash: false, lowS: false });
  } catch {
    return false;
  }
}

/** Ed25519 verification (Go's `ed25519.Verify`). */
export function verifyEd25519(key: Key, message: Uint8Array, sig: Uint8Array): boolean {
  if (key.kty !== 'OKP' || key.x.length !== 32 || sig.length !== 64) return false;
  try {
    return ed25519.verify(sig, message, key.x, { zip215: false });
  } catch {
    return false;
  }
}

/** RSA verification of a digest for an RS* or PS* algorithm. */
export function verifyRsaDigest(key: Key, alg: string, digest: Uint8Array, sig: Uint8Array): boolean {
  if (key.kty !== 'RSA') return false;
  return alg.startsWith('PS') ? verifyPss(key, hashOfAlg(alg), digest, sig) : verifyPkcs1v15(key, hashOfAlg(alg), digest, sig);
}

/** HMAC of a message for an HS* algorithm. */
export function hmacOf(alg: string, secret: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(hashOf(hashOfAlg(alg)), secret, message);
}

/** jwsbb's `Verify(key, alg, signingInput, signature)`: whether the signature is valid for the algorithm and key. */
export function jwsVerify(key: Key | Uint8Array, alg: string, message: Uint8Array, sig: Uint8Array): boolean {
  if (alg.startsWith('HS')) {
    const secret = key instanceof Uint8Array ? key : key.kty === 'oct' ? key.k : undefined;
    return secret !== undefined && JWS_ALGORITHMS.has(alg) && constantTimeEqual(hmacOf(alg, secret, message), sig);
  }
  if (key instanceof Uint8Array || !JWS_ALGORITHMS.has(alg)) return false;
  if (alg === 'EdDSA') return verifyEd25519(key, message, sig);
  const digest = jwsDigest(alg, message);
  if (alg.startsWith('ES')) {
    if (key.kty !== 'EC' || sig.length !== 2 * curveBytes(key.crv)) return false;
    return verifyEcdsaDigest(key, digest, sig);
  }
  return verifyRsaDigest(key, alg, digest, sig);
}

/** jwsbb's `Sign(key, alg, signingInput)`. Throws {@link KeyError} when the key does not fit the algorithm. */
export function jwsSign(key: Key, alg: string, message: Uint8Array): Uint8Array {
  if (alg.startsWith('HS')) {
    if (key.kty !== 'oct') throw new KeyError(`failed to retrieve key for HMAC: expected []byte, got ${goKeyType(key)}`);
    return hmacOf(alg, key.k, message);
  }
  if (alg === 'EdDSA') {
    if (key.kty !== 'OKP' || key.d === undefined) throw new KeyError(`invalid key type ${goKeyType(key)}. ed25519.PrivateKey is required`);
    return ed25519.sign(message, key.d);
  }
  const digest = jwsDigest(alg, message);
  if (alg.startsWith('ES')) {
    if (key.kty !== 'EC' || key.d === undefined) throw new KeyError(`invalid key type ${goKeyType(key)}. *ecdsa.PrivateKey is required`);
    return curveOf(key.crv).sign(digest, bigIntToBytes(key.d, curveBytes(key.crv)), { prehash: false, lowS: false });
  }
  if (key.kty !== 'RSA' || key.d === undefined) throw new KeyError(`invalid key type ${goKeyType(key)}. *rsa.PrivateKey is required`);
  const priv = { n: key.n, e: key.e, d: key.d, p: key.p, q: key.q };
  const sig = alg.startsWith('PS') ? signPss(priv, hashOfAlg(alg), digest) : signPkcs1v15(priv, hashOfAlg(alg), digest);
  if (sig === undefined)
    throw new KeyError(
      alg.startsWith('PS') ? 'crypto/rsa: key size too small for PSS signature' : 'crypto/rsa: message too long for RSA key size',
    );
  return sig;
}

/** Go's type name of a key (for messages). */
export function goKeyType(key: Key): string {
  switch (key.kty) {
    case 'RSA':
      return key.d === undefined ? '*rsa.PublicKey' : '*rsa.PrivateKey';
    case 'EC':
      return key.d === undefined ? '*ecdsa.PublicKey' : '*ecdsa.PrivateKey';
    case 'OKP':
      return key.d === undefined ? 'ed25519.PublicKey' : 'ed25519.PrivateKey';
    case 'oct':
      return '[]uint8';
  }
}
