/**
 * OPA's JWT built-ins (`topdown/tokens.go`): `io.jwt.decode`, `io.jwt.verify_{rs,ps,es}{256,384,512}`,
 * `io.jwt.verify_eddsa`, `io.jwt.verify_hs{256,384,512}`, `io.jwt.decode_verify`,
 * `io.jwt.encode_sign` and `io.jwt.encode_sign_raw`, with OPA's error texts. Keys come as a PEM
 * certificate, a PEM public key, a JWK or a JWK set (`keys.ts`); signatures are computed and
 * checked synchronously (`rsa.ts`, `@noble/curves`, `@noble/hashes`).
 */
import { RObject, compareNumbers, fromBigInt, isNumber, type RNumber, type Value } from '@policy-engine/rego-value';
import { parseCertificate } from './cert.js';
import { DerError } from './der.js';
import { Corrupt, base64Encode, base64UrlDecodeBytes } from './encoding.js';
import { GoJSONError, goJSONValid, goMarshal, goUnmarshal } from './gojson.js';
import {
  JWS_ALGORITHMS,
  KeyError,
  keyBuiltin,
  jwsDigest,
  jwsSign,
  jwsVerify,
  parseJwks,
  parsePkixPublicKey,
  pemDecode,
  verifyEcdsaDigest,
  verifyEd25519,
  verifyRsaDigest,
  type JwkEntry,
  type Key,
} from './keys.js';
import { argObject, argString, typeError, type BuiltinContext, type BuiltinDef } from './registry.js';
import { fromUtf8, utf8 } from './util.js';

/** A JWT error (`message` without the built-in's name; the caller prefixes it). */
class JwtError extends KeyError {}

interface Token {
  readonly header: string;
  readonly payload: string;
  readonly signature: string;
}

function splitToken(name: string, v: Value): Token {
  if (typeof v !== 'string') throw typeError(name, 1, 'string', v);
  if (!v.includes('.')) throw new JwtError('encoded JWT had no period separators');
  const parts = v.split('.');
  if (parts.length !== 3) throw new JwtError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0] as string, payload: parts[1] as string, signature: parts[2] as string };
}

function b64url(s: string): Uint8Array {
  try {
    return base64UrlDecodeBytes(s);
  } catch (e) {
    if (e instanceof Corrupt || e instanceof Error) throw new JwtError(e.message);
    throw e;
  }
}

function extractJSONObject(text: string): RObject {
  let v: Value;
  try {
    v = goUnmarshal(text);
  } catch (e) {
    if (e instanceof GoJSONError) throw new JwtError(`invalid JSON: ${e.message}`);
    throw e;
  }
  if (!(v instanceof RObject)) throw new JwtError('decoded JSON type was not an Object');
  return v;
}

function decodeHeader(t: Token): RObject {
  let text: string;
  try {
    text = fromUtf8(base64UrlDecodeBytes(t.header));
  } catch (e) {
    throw new JwtError(`JWT header had invalid encoding: ${(e as Error).message}`);
  }
  let header: RObject;
  try {
    header = extractJSONObject(text);
  } catch (e) {
    throw new JwtError(`bad JWT header: ${(e as Error).message}`);
  }
  if (header.get('enc') !== undefined) throw new JwtError('JWT is a JWE object, which is not supported');
  return header;
}

function decodePayloadText(t: Token): string {
  try {
    return fromUtf8(base64UrlDecodeBytes(t.payload));
  } catch (e) {
    throw new JwtError(`JWT payload had invalid encoding: ${(e as Error).message}`);
  }
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function decode(v: Value): Value {
  const t = splitToken('io.jwt.decode', v);
  const header = decodeHeader(t);
  const p = decodePayloadText(t);
  const cty = header.get('cty');
  if (cty === 'JWT') return decode(p.replace(/^["']+|["']+$/g, ''));
  const payload = extractJSONObject(p);
  let sig: Uint8Array;
  try {
    sig = base64UrlDecodeBytes(t.signature);
  } catch (e) {
    throw new JwtError(`JWT signature had invalid encoding: ${(e as Error).message}`);
  }
  return [header, payload, hex(sig)];
}

/** A verification key: `alg`/`kid` are '' for certificates and PEM keys. */
type VerificationKey = JwkEntry;

/** `parseKeysFromCertOrJWK`: a PEM certificate, a PEM public key, or a JWK (set). */
function keysFromCertOrJwk(text: string): VerificationKey[] {
  const { block, rest } = pemDecode(text);
  if (block !== undefined) {
    if (rest.length > 0) throw new JwtError('extra data after a PEM certificate block');
    if (block.type === 'CERTIFICATE') {
      try {
        return [{ key: parseCertificate(block.bytes).publicKey, alg: '', kid: '' }];
      } catch (e) {
        if (e instanceof DerError || e instanceof KeyError) throw new JwtError(`failed to parse a PEM certificate: ${e.message}`);
        throw e;
      }
    }
    if (block.type === 'PUBLIC KEY') {
      try {
        return [{ key: parsePkixPublicKey(block.bytes), alg: '', kid: '' }];
      } catch (e) {
        if (e instanceof KeyError) throw new JwtError(`failed to parse a PEM public key: ${e.message}`);
        throw e;
      }
    }
    throw new JwtError('failed to extract a Key from the PEM certificate');
  }
  let jwks: JwkEntry[];
  try {
    jwks = parseJwks(text, true);
  } catch (e) {
    if (e instanceof KeyError) throw new JwtError(`failed to parse a JWK key (set): ${e.message}`);
    throw e;
  }
  return jwks.filter((k) => k.alg === '' || JWS_ALGORITHMS.has(k.alg));
}

function cachedKeys(ctx: BuiltinContext, text: string): VerificationKey[] {
  const id = `io.jwt.keys:${text}`;
  const hit = ctx.cache.get(id);
  if (hit !== undefined) return hit as VerificationKey[];
  const keys = keysFromCertOrJwk(text);
  ctx.cache.set(id, keys);
  return keys;
}

interface HeaderInfo {
  alg: string;
  kid: string;
  typ: string;
  cty: string;
  crit: Set<string> | undefined;
  unknown: string[];
}

function parseTokenHeader(header: RObject): HeaderInfo {
  const h: HeaderInfo = { alg: '', kid: '', typ: '', cty: '', crit: undefined, unknown: [] };
  for (const [k, v] of header.sortedEntries()) {
    const ks = k as string;
    if (ks === 'alg' || ks === 'kid' || ks === 'typ' || ks === 'cty') {
      if (typeof v !== 'string') throw new JwtError(`${ks}: must be a string`);
      h[ks] = v;
    } else if (ks === 'crit') {
      if (!Array.isArray(v)) throw new JwtError('crit: must be a list');
      h.crit = new Set();
      for (const e of v as readonly Value[]) if (typeof e === 'string') h.crit.add(e);
      if (h.crit.size === 0) throw new JwtError('crit: must be a nonempty list');
    } else h.unknown.push(ks);
  }
  return h;
}

function headerValid(h: HeaderInfo): boolean {
  if (h.alg === '') return false;
  for (const u of h.unknown) if (h.crit?.has(u)) return false;
  return true;
}

function decodeSignature(t: Token): Uint8Array {
  return b64url(t.signature);
}

type DigestVerify = (key: Key, digest: Uint8Array, sig: Uint8Array) => boolean;

/** `builtinJWTVerify`: the kid-matching key, else any key whose alg (if any) matches the header's. */
function verifyWith(ctx: BuiltinContext, jwt: Value, keyText: Value, alg: string, check: DigestVerify): boolean {
  const t = splitToken(ctx.name, jwt);
  if (typeof keyText !== 'string') throw typeError(ctx.name, 2, 'string', keyText);
  const keys = cachedKeys(ctx, keyText);
  const sig = decodeSignature(t);
  const header = parseTokenHeader(decodeHeader(t));
  const digest = jwsDigest(alg, utf8(`${t.header}.${t.payload}`));
  if (header.kid !== '') {
    const k = keys.find((x) => x.kid === header.kid);
    if (k !== undefined) return check(k.key, digest, sig);
  }
  for (const k of keys) {
    if (k.alg !== '' && k.alg !== header.alg) continue;
    if (check(k.key, digest, sig)) return true;
  }
  return false;
}

function verifyHs(ctx: BuiltinContext, args: Value[], alg: string): boolean {
  const jwt = argString(ctx.name, args, 0);
  const secret = argString(ctx.name, args, 1);
  const t = splitToken(ctx.name, jwt);
  const sig = decodeSignature(t);
  return jwsVerify(utf8(secret), alg, utf8(`${t.header}.${t.payload}`), sig);
}

function asymmetric(name: string, alg: string, check: DigestVerify): BuiltinDef {
  return keyBuiltin(name, 2, (args, ctx) => verifyWith(ctx, args[0] as Value, args[1] as Value, alg, check));
}

const rsa =
  (alg: string): DigestVerify =>
  (key, digest, sig) =>
    verifyRsaDigest(key, alg, digest, sig);

// --- decode_verify ---------------------------------------------------------------------------

interface Constraints {
  keys: VerificationKey[] | undefined;
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  time: number;
}

function numberToFloat(n: RNumber): number {
  return Number(typeof n === 'number' ? n : goMarshal(n));
}

function timeFromValue(v: Value | undefined): number {
  if (v === undefined || !isNumber(v)) throw new JwtError('token time constraint: must be a number');
  const t = numberToFloat(v);
  if (!Number.isFinite(t)) throw new JwtError('token time constraint: unvalid float64');
  if (t < 0) throw new JwtError('token time constraint: must not be negative');
  return t;
}

function parseConstraints(ctx: BuiltinContext, o: RObject): Constraints {
  const c: Constraints = { keys: undefined, secret: '', alg: '', iss: '', aud: '', time: -1 };
  for (const [k, v] of o.sortedEntries()) {
    const name = typeof k === 'string' ? k : goMarshal(k);
    switch (name) {
      case 'cert':
        if (typeof v !== 'string') throw new JwtError('cert constraint: must be a string');
        c.keys = cachedKeys(ctx, v);
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        if (typeof v !== 'string') throw new JwtError(`${name} constraint: must be a string`);
        c[name] = v;
        break;
      case 'time':
        c.time = timeFromValue(v);
        break;
      default:
        throw new JwtError(`unknown token validation constraint: ${name}`);
    }
  }
  if (c.time === -1) c.time = Number(ctx.now);
  const keys = (c.keys !== undefined ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (keys > 1) throw new JwtError('duplicate key constraints');
  if (keys < 1) throw new JwtError('no key constraint');
  return c;
}

function constraintsVerify(c: Constraints, h: HeaderInfo, t: Token, sig: Uint8Array): boolean {
  const plaintext = utf8(`${t.header}.${t.payload}`);
  if (c.keys !== undefined) {
    if (h.kid !== '') {
      const k = c.keys.find((x) => x.kid === h.kid);
      if (k !== undefined) return jwsVerify(k.key, h.alg, plaintext, sig);
    }
    return c.keys.some((k) => (k.alg === '' || k.alg === h.alg) && jwsVerify(k.key, h.alg, plaintext, sig));
  }
  return jwsVerify(utf8(c.secret), h.alg, plaintext, sig);
}

function validAudience(c: Constraints, aud: Value): boolean {
  if (typeof aud === 'string') return aud === c.aud;
  if (!Array.isArray(aud)) return false;
  return (aud as readonly Value[]).some((e) => typeof e === 'string' && e === c.aud);
}

function decodeVerify(ctx: BuiltinContext, args: Value[]): Value {
  let a = args[0] as Value;
  const o = argObject(ctx.name, args, 1);
  const unverified: Value = [false, new RObject(), new RObject()];
  const c = parseConstraints(ctx, o);
  let t: Token;
  let header: RObject;
  let p: string;
  for (;;) {
    t = splitToken(ctx.name, a);
    header = decodeHeader(t);
    const h = parseTokenHeader(header);
    if (!headerValid(h)) return unverified;
    if (c.alg !== '' && c.alg !== h.alg) return unverified;
    const sig = decodeSignature(t);
    if (!constraintsVerify(c, h, t, sig)) return unverified;
    p = decodePayloadText(t);
    if (h.cty.toLowerCase() === 'jwt') {
      a = p;
      continue;
    }
    break;
  }
  const payload = extractJSONObject(p);
  if (c.iss !== '') {
    const iss = payload.get('iss');
    if (iss === undefined || iss !== c.iss) return unverified;
  }
  const aud = payload.get('aud');
  if (aud !== undefined) {
    if (!validAudience(c, aud)) return unverified;
  } else if (c.aud !== '') return unverified;
  const seconds = c.time / 1e9;
  const exp = payload.get('exp');
  if (exp !== undefined) {
    if (!isNumber(exp)) throw new JwtError('exp value must be a number');
    if (compareNumbers(floatNumber(seconds), exp) !== -1) return unverified;
  }
  const nbf = payload.get('nbf');
  if (nbf !== undefined) {
    if (!isNumber(nbf)) throw new JwtError('nbf value must be a number');
    if (compareNumbers(floatNumber(seconds), nbf) === -1) return unverified;
  }
  return [true, header, payload];
}

function floatNumber(x: number): RNumber {
  return Number.isInteger(x) && !Number.isSafeInteger(x) ? fromBigInt(BigInt(x)) : x;
}

// --- encode_sign -----------------------------------------------------------------------------

/** jwsbb's `HeaderGetString` over the raw header bytes (fastjson's messages). */
function headerString(headers: string, name: string): string {
  const trimmed = headers.trim();
  if (trimmed === '') throw new JwtError('cannot parse JSON: cannot parse empty string; unparsed tail: ""');
  // fastjson parses a bare run of number characters (`e`, `1e`, `-`) as a number value, checked later.
  if (/^[-+.0-9eE]+$/.test(trimmed)) throw new JwtError(`jwsbb: header "${name}" not found`);
  let v: Value;
  try {
    v = goUnmarshal(headers);
  } catch (e) {
    throw new JwtError(`cannot parse JSON: ${(e as Error).message}`);
  }
  const x = v instanceof RObject ? v.get(name) : undefined;
  if (x === undefined) throw new JwtError(`jwsbb: header "${name}" not found`);
  if (typeof x !== 'string') throw new JwtError(`jwsbb: header "${name}" is not a string`);
  return x;
}

function encodeSign(headers: string, payload: string, jwk: string): string {
  let keys: JwkEntry[];
  try {
    keys = parseJwks(jwk);
  } catch (e) {
    if (e instanceof KeyError) throw new JwtError(e.message);
    throw e;
  }
  const key = keys[0];
  if (key === undefined) throw new JwtError('no keys found in JWK set');
  let alg: string;
  try {
    alg = headerString(headers, 'alg');
  } catch (e) {
    throw new JwtError(`missing or invalid 'alg' header: ${(e as Error).message}`);
  }
  if (!JWS_ALGORITHMS.has(alg)) throw new JwtError(`unknown JWS algorithm: ${alg}`);
  let typ: string | undefined;
  try {
    typ = headerString(headers, 'typ');
  } catch {
    typ = undefined;
  }
  if ((typ === undefined || typ === 'JWT') && !goJSONValid(payload)) throw new JwtError('type is JWT but payload is not JSON');
  const input = `${base64Encode(utf8(headers), true, false)}.${base64Encode(utf8(payload), true, false)}`;
  const sig = jwsSign(key.key, alg, utf8(input));
  return `${input}.${base64Encode(sig, true, false)}`;
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  keyBuiltin('io.jwt.decode', 1, (args) => decode(args[0] as Value)),
  asymmetric('io.jwt.verify_rs256', 'RS256', rsa('RS256')),
  asymmetric('io.jwt.verify_rs384', 'RS384', rsa('RS384')),
  asymmetric('io.jwt.verify_rs512', 'RS512', rsa('RS512')),
  asymmetric('io.jwt.verify_ps256', 'PS256', rsa('PS256')),
  asymmetric('io.jwt.verify_ps384', 'PS384', rsa('PS384')),
  asymmetric('io.jwt.verify_ps512', 'PS512', rsa('PS512')),
  asymmetric('io.jwt.verify_es256', 'ES256', verifyEcdsaDigest),
  asymmetric('io.jwt.verify_es384', 'ES384', verifyEcdsaDigest),
  asymmetric('io.jwt.verify_es512', 'ES512', verifyEcdsaDigest),
  asymmetric('io.jwt.verify_eddsa', 'EdDSA', verifyEd25519),
  keyBuiltin('io.jwt.verify_hs256', 2, (args, ctx) => verifyHs(ctx, args, 'HS256')),
  keyBuiltin('io.jwt.verify_hs384', 2, (args, ctx) => verifyHs(ctx, args, 'HS384')),
  keyBuiltin('io.jwt.verify_hs512', 2, (args, ctx) => verifyHs(ctx, args, 'HS512')),
  keyBuiltin('io.jwt.decode_verify', 2, (args, ctx) => decodeVerify(ctx, args)),
  keyBuiltin('io.jwt.encode_sign', 3, (args) =>
    encodeSign(goMarshal(args[0] as Value), goMarshal(args[1] as Value), goMarshal(args[2] as Value)),
  ),
  keyBuiltin('io.jwt.encode_sign_raw', 3, (args) => {
    const jwk = argString('io.jwt.encode_sign_raw', args, 2);
    return encodeSign(argString('io.jwt.encode_sign_raw', args, 0), argString('io.jwt.encode_sign_raw', args, 1), jwk);
  }),
];
