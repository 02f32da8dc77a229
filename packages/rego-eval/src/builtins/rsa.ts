/**
 * RSA signatures (RFC 8017) in pure BigInt arithmetic, synchronous and browser-safe:
 * RSASSA-PKCS1-v1_5 and RSASSA-PSS (MGF1), verification and signing, as Go's `crypto/rsa`
 * (`VerifyPKCS1v15`, `VerifyPSS` with the salt length detected, `SignPSS` with a salt as long
 * as the hash). Signing needs no constant-time guarantees here: the keys are the policy's own
 * inputs, not secrets the process guards.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { hexToBytes, randomBytes, type CHash } from '@noble/hashes/utils.js';
import { bigIntToBytes, bytesToBigInt } from './der.js';
import { constantTimeEqual } from './util.js';

/** An RSA public key. */
export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
}

/** An RSA private key (the CRT values are optional). */
export interface RsaPrivateKey extends RsaPublicKey {
  readonly d: bigint;
  readonly p?: bigint | undefined;
  readonly q?: bigint | undefined;
}

/** The hashes RSA signatures use here. */
export type RsaHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const HASHES: Record<RsaHash, { readonly h: CHash; readonly prefix: Uint8Array }> = {
  'SHA-1': { h: sha1, prefix: hexToBytes('3021300906052b0e03021a05000414') },
  'SHA-256': { h: sha256, prefix: hexToBytes('3031300d060960864801650304020105000420') },
  'SHA-384': { h: sha384, prefix: hexToBytes('3041300d060960864801650304020205000430') },
  'SHA-512': { h: sha512, prefix: hexToBytes('3051300d060960864801650304020305000440') },
};

/** The hash function named `name`. */
export function hashOf(name: RsaHash): CHash {
  return HASHES[name].h;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    e >>= 1n;
    b = (b * b) % mod;
  }
  return result;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function i2osp(x: bigint, len: number): Uint8Array | undefined {
  return x >= 1n << BigInt(8 * len) ? undefined : bigIntToBytes(x, len);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function keyBytes(n: bigint): number {
  return Math.ceil(bitLength(n) / 8);
}

/** s^e mod n of a signature of exactly the modulus' length, or `undefined`. */
function publicOp(key: RsaPublicKey, sig: Uint8Array): bigint | undefined {
  if (key.n <= 0n || key.e <= 0n || sig.length !== keyBytes(key.n)) return undefined;
  const s = bytesToBigInt(sig);
  if (s >= key.n) return undefined;
  return modPow(s, key.e, key.n);
}

function privateOp(key: RsaPrivateKey, m: bigint): bigint {
  const { p, q, d, n } = key;
  if (p !== undefined && q !== undefined && p * q === n) {
    const mp = modPow(m, d % (p - 1n), p);
    const mq = modPow(m, d % (q - 1n), q);
    const qInv = modPow(q, p - 2n, p);
    const h = (qInv * (((mp - mq) % p) + p)) % p;
    return mq + h * q;
  }
  return modPow(m, d, n);
}

function pkcs1Encoding(hash: RsaHash, digest: Uint8Array, k: number): Uint8Array | undefined {
  const t = concat(HASHES[hash].prefix, digest);
  if (k < t.length + 11) return undefined;
  const ps = new Uint8Array(k - t.length - 3).fill(0xff);
  return concat(Uint8Array.of(0, 1), ps, Uint8Array.of(0), t);
}

/** RSASSA-PKCS1-v1_5 verification of a digest (Go's `rsa.VerifyPKCS1v15`). */
export function verifyPkcs1v15(key: RsaPublicKey, hash: RsaHash, digest: Uint8Array, sig: Uint8Array): boolean {
  const m = publicOp(key, sig);
  if (m === undefined) return false;
  const k = keyBytes(key.n);
  const em = i2osp(m, k);
  const want = pkcs1Encoding(hash, digest, k);
  return em !== undefined && want !== undefined && constantTimeEqual(em, want);
}

/** RSASSA-PKCS1-v1_5 signature of a digest (Go's `rsa.SignPKCS1v15`); `undefined` if the key is too small. */
export function signPkcs1v15(key: RsaPrivateKey, hash: RsaHash, digest: Uint8Array): Uint8Array | undefined {
  const k = keyBytes(key.n);
  const em = pkcs1Encoding(hash, digest, k);
  if (em === undefined) return undefined;
  return i2osp(privateOp(key, bytesToBigInt(em)), k);
}

function mgf1(h: CHash, seed: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let done = 0;
  for (let counter = 0; done < len; counter++) {
    const c = Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
    const block = h(concat(seed, c));
    out.set(block.subarray(0, Math.min(block.length, len - done)), done);
    done += block.length;
  }
  return out;
}

/** RSASSA-PSS verification of a digest with the salt length detected (Go's `rsa.VerifyPSS` with nil options). */
export function verifyPss(key: RsaPublicKey, hash: RsaHash, digest: Uint8Array, sig: Uint8Array): boolean {
  const m = publicOp(key, sig);
  if (m === undefined) return false;
  const h = HASHES[hash].h;
  const hLen = h.outputLen;
  const emBits = bitLength(key.n) - 1;
  const emLen = Math.ceil(emBits / 8);
  const em = i2osp(m, emLen);
  if (em === undefined || digest.length !== hLen || emLen < hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDB = em.subarray(0, emLen - hLen - 1);
  const hh = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if (((maskedDB[0] as number) & ~topMask) !== 0) return false;
  const db = mgf1(h, hh, maskedDB.length).map((b, i) => b ^ (maskedDB[i] as number));
  db[0] = (db[0] as number) & topMask;
  let i = 0;
  while (i < db.length && db[i] === 0) i++;
  if (i === db.length || db[i] !== 1) return false;
  const salt = db.subarray(i + 1);
  const h2 = h(concat(new Uint8Array(8), digest, salt));
  return constantTimeEqual(h2, hh);
}

/** RSASSA-PSS signature of a digest with a random salt as long as the hash (what jwx's PS* use). */
export function signPss(key: RsaPrivateKey, hash: RsaHash, digest: Uint8Array): Uint8Array | undefined {
  const h = HASHES[hash].h;
  const hLen = h.outputLen;
  const emBits = bitLength(key.n) - 1;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < 2 * hLen + 2) return undefined;
  const salt = randomBytes(hLen);
  const hh = h(concat(new Uint8Array(8), digest, salt));
  const db = concat(new Uint8Array(emLen - 2 * hLen - 2), Uint8Array.of(1), salt);
  const masked = mgf1(h, hh, db.length).map((b, i) => b ^ (db[i] as number));
  masked[0] = (masked[0] as number) & (0xff >> (8 * emLen - emBits));
  const em = concat(masked, hh, Uint8Array.of(0xbc));
  return i2osp(privateOp(key, bytesToBigInt(em)), keyBytes(key.n));
}
