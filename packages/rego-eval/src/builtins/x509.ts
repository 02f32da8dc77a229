/**
 * OPA's x509 and key built-ins (`topdown/crypto.go`): `crypto.x509.parse_certificates`,
 * `crypto.x509.parse_and_verify_certificates` (and `_with_options`),
 * `crypto.x509.parse_certificate_request`, `crypto.x509.parse_keypair`,
 * `crypto.x509.parse_rsa_private_key` and `crypto.parse_private_keys`. Certificates are
 * rendered in the JSON shape of Go's `x509.Certificate` (what OPA returns), chains are verified
 * as Go's `Certificate.Verify` does for the common cases (names, validity, CA constraints,
 * extended key usage, RSA / ECDSA / Ed25519 signatures).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { RObject, RSet, fromBigInt, isNumber, numberText, type Value } from '@policy-engine/rego-value';
import { parseCertificate, parseExtensions, type Certificate, type Extension } from './cert.js';
import {
  CONTEXT,
  DerError,
  bigIntToBytes,
  child,
  derBitString,
  derInteger,
  derOid,
  derOidText,
  derString,
  expect,
  isUniversal,
  parseDer,
  parseDerExact,
  type DerNode,
} from './der.js';
import { Corrupt, base64Decode, base64Encode } from './encoding.js';
import {
  KeyError,
  keyBuiltin,
  byteString,
  pemDecode,
  parseEcPrivateKey,
  parsePkcs1PrivateKey,
  parsePkcs8PrivateKey,
  publicKeyOfSpki,
  verifyEcdsaDigest,
  type Key,
} from './keys.js';
import { ipString } from './net.js';
import { argObject, argString, type BuiltinDef } from './registry.js';
import { hashOf, verifyPkcs1v15, verifyPss, type RsaHash } from './rsa.js';
import { constantTimeEqual, utf8 } from './util.js';

class X509Error extends KeyError {}

type Entries = [string, Value][];

function obj(entries: Entries): RObject {
  return new RObject(entries);
}

function b64(b: Uint8Array): string {
  return base64Encode(b, false, true);
}

function oidArray(id: readonly number[]): Value {
  return id.map((n) => n);
}

function strings(xs: readonly string[]): Value {
  return xs.length === 0 ? null : [...xs];
}

function b64url(b: Uint8Array): string {
  return base64Encode(b, true, false);
}

// --- names -----------------------------------------------------------------------------------

const NAME_FIELDS: Record<string, string> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

const STRING_TAGS = new Set([12, 19, 20, 22, 26, 27, 28, 30]);

/** Go's `pkix.Name` (`FillFromRDNSequence`) as JSON. */
function goName(name: DerNode): RObject {
  const lists: Record<string, string[]> = {};
  let serial = '';
  let cn = '';
  const names: Value[] = [];
  for (const rdn of name.children) {
    for (const atv of rdn.children) {
      const type = derOid(child(atv, 0, 'x509: invalid RDNSequence'), 'x509: invalid RDNSequence');
      const v = child(atv, 1, 'x509: invalid RDNSequence');
      const value: Value = STRING_TAGS.has(v.tag) ? derString(v) : b64(v.content);
      names.push(
        obj([
          ['Type', oidArray(type)],
          ['Value', value],
        ]),
      );
      if (typeof value !== 'string' || !STRING_TAGS.has(v.tag)) continue;
      const t = type.join('.');
      if (t === '2.5.4.3') cn = value;
      else if (t === '2.5.4.5') serial = value;
      else {
        const field = NAME_FIELDS[t];
        if (field !== undefined) (lists[field] ??= []).push(value);
      }
    }
  }
  return obj([
    ['Country', strings(lists['Country'] ?? [])],
    ['Organization', strings(lists['Organization'] ?? [])],
    ['OrganizationalUnit', strings(lists['OrganizationalUnit'] ?? [])],
    ['Locality', strings(lists['Locality'] ?? [])],
    ['Province', strings(lists['Province'] ?? [])],
    ['StreetAddress', strings(lists['StreetAddress'] ?? [])],
    ['PostalCode', strings(lists['PostalCode'] ?? [])],
    ['SerialNumber', serial],
    ['CommonName', cn],
    ['Names', names.length === 0 ? null : names],
    ['ExtraNames', null],
  ]);
}

// --- algorithms ------------------------------------------------------------------------------

const SIGNATURE_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.2.840.113549.1.1.10': 13,
  '1.3.101.112': 16,
};

const PUBLIC_KEY_ALGORITHMS: Record<string, number> = { RSA: 1, DSA: 2, ECDSA: 3, Ed25519: 4 };

function goPublicKey(key: Key): Value {
  switch (key.kty) {
    case 'RSA':
      return obj([
        ['N', fromBigInt(key.n)],
        ['E', fromBigInt(key.e)],
      ]);
    case 'EC':
      return obj([
        ['Curve', obj([])],
        ['X', fromBigInt(key.x)],
        ['Y', fromBigInt(key.y)],
      ]);
    case 'OKP':
      return b64(key.x);
    case 'oct':
      return b64(key.k);
  }
}

// --- extensions ------------------------------------------------------------------------------

const EXT_KEY_USAGES: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

const HANDLED_CRITICAL = new Set([
  '2.5.29.15',
  '2.5.29.19',
  '2.5.29.17',
  '2.5.29.30',
  '2.5.29.31',
  '2.5.29.32',
  '2.5.29.35',
  '2.5.29.37',
  '2.5.29.14',
]);

/** Go's `url.URL` fields of a URI (its `url.Parse` for the usual forms). */
function goUrl(s: string): Value {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(s);
  let scheme = '';
  let rest = s;
  if (m !== null) {
    scheme = (m[1] as string).toLowerCase();
    rest = m[2] as string;
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let host = '';
  let opaque = '';
  let user: Value = null;
  let path = rest;
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    let authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    path = end < 0 ? '' : rest.slice(end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      user = obj([]);
      authority = authority.slice(at + 1);
    }
    host = authority;
  } else if (scheme !== '' && !rest.startsWith('/')) {
    opaque = rest;
    path = '';
  }
  return obj([
    ['Scheme', scheme],
    ['Opaque', opaque],
    ['User', user],
    ['Host', host],
    ['Path', path],
    ['RawPath', ''],
    ['OmitHost', false],
    ['ForceQuery', false],
    ['RawQuery', query],
    ['Fragment', fragment],
    ['RawFragment', ''],
  ]);
}

function ipText(b: Uint8Array): string {
  return b.length === 4 || b.length === 16 ? ipString(b) : '?' + [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

interface Sans {
  dns: string[];
  email: string[];
  ip: string[];
  uris: string[];
}

function generalNames(seq: DerNode, out: Sans): void {
  for (const n of seq.children) {
    if (n.cls !== CONTEXT) continue;
    const text = new TextDecoder('latin1').decode(n.content);
    if (n.tag === 1) out.email.push(text);
    else if (n.tag === 2) out.dns.push(text);
    else if (n.tag === 6) out.uris.push(text);
    else if (n.tag === 7) out.ip.push(ipText(n.content));
  }
}

interface Parsed {
  keyUsage: number;
  extKeyUsage: number[];
  unknownExtKeyUsage: number[][];
  bcValid: boolean;
  isCA: boolean;
  maxPathLen: number;
  maxPathLenZero: boolean;
  subjectKeyId: Uint8Array | undefined;
  authorityKeyId: Uint8Array | undefined;
  ocsp: string[];
  issuingUrls: string[];
  crl: string[];
  policies: number[][];
  sans: Sans;
  unhandled: number[][];
}

function processExtensions(exts: readonly Extension[]): Parsed {
  const p: Parsed = {
    keyUsage: 0,
    extKeyUsage: [],
    unknownExtKeyUsage: [],
    bcValid: false,
    isCA: false,
    maxPathLen: 0,
    maxPathLenZero: false,
    subjectKeyId: undefined,
    authorityKeyId: undefined,
    ocsp: [],
    issuingUrls: [],
    crl: [],
    policies: [],
    sans: { dns: [], email: [], ip: [], uris: [] },
    unhandled: [],
  };
  const bad = (what: string): string => `x509: invalid ${what}`;
  for (const e of exts) {
    const id = e.id.join('.');
    const der = (what: string): DerNode => parseDerExact(e.value, bad(what));
    switch (id) {
      case '2.5.29.15': {
        const { bytes, bitLength } = derBitString(der('key usage'), bad('key usage'));
        for (let i = 0; i < 9 && i < bitLength; i++) if (((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1) p.keyUsage |= 1 << i;
        break;
      }
      case '2.5.29.19': {
        const seq = expect(der('basic constraints'), 16, bad('basic constraints'));
        let i = 0;
        const first = seq.children[0];
        if (isUniversal(first, 1)) {
          p.isCA = first.content[0] !== 0;
          i = 1;
        }
        const len = seq.children[i];
        p.maxPathLen = len !== undefined ? Number(derInteger(len, bad('basic constraints'))) : -1;
        p.bcValid = true;
        p.maxPathLenZero = p.maxPathLen === 0;
        break;
      }
      case '2.5.29.17':
        generalNames(expect(der('subject alternative names'), 16, bad('subject alternative names')), p.sans);
        break;
      case '2.5.29.37':
        for (const o of expect(der('extended key usages'), 16, bad('extended key usages')).children) {
          const arcs = derOid(o, bad('extended key usages'));
          const known = EXT_KEY_USAGES[arcs.join('.')];
          if (known !== undefined) p.extKeyUsage.push(known);
          else p.unknownExtKeyUsage.push(arcs);
        }
        break;
      case '2.5.29.14':
        p.subjectKeyId = expect(der('subject key identifier'), 4, bad('subject key identifier')).content.slice();
        break;
      case '2.5.29.35':
        for (const c of expect(der('authority key identifier'), 16, bad('authority key identifier')).children)
          if (c.cls === CONTEXT && c.tag === 0) p.authorityKeyId = c.content.slice();
        break;
      case '1.3.6.1.5.5.7.1.1':
        for (const ad of expect(der('authority info access'), 16, bad('authority info access')).children) {
          const method = derOidText(child(ad, 0, bad('authority info access')), bad('authority info access'));
          const loc = child(ad, 1, bad('authority info access'));
          if (loc.cls !== CONTEXT || loc.tag !== 6) continue;
          const text = new TextDecoder('latin1').decode(loc.content);
          if (method === '1.3.6.1.5.5.7.48.1') p.ocsp.push(text);
          else if (method === '1.3.6.1.5.5.7.48.2') p.issuingUrls.push(text);
        }
        break;
      case '2.5.29.31':
        for (const dp of expect(der('CRL distribution points'), 16, bad('CRL distribution points')).children) {
          for (const c of dp.children) {
            if (c.cls !== CONTEXT || c.tag !== 0) continue;
            for (const full of c.children) {
              if (full.cls !== CONTEXT || full.tag !== 0) continue;
              const names: Sans = { dns: [], email: [], ip: [], uris: [] };
              generalNames(full, names);
              p.crl.push(...names.uris);
            }
          }
        }
        break;
      case '2.5.29.32':
        for (const pi of expect(der('certificate policies'), 16, bad('certificate policies')).children)
          p.policies.push(derOid(child(pi, 0, bad('certificate policies')), bad('certificate policies')));
        break;
    }
    if (e.critical && !HANDLED_CRITICAL.has(id)) p.unhandled.push(e.id);
  }
  return p;
}

function goTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function extensionsJson(exts: readonly Extension[]): Value {
  return exts.length === 0
    ? null
    : exts.map((e) =>
        obj([
          ['Id', oidArray(e.id)],
          ['Critical', e.critical],
          ['Value', b64(e.value)],
        ]),
      );
}

/** A certificate in the JSON shape of Go's `x509.Certificate` (plus OPA's `URIStrings`). */
function goCertificate(c: Certificate, uriStrings = true): RObject {
  const p = processExtensions(c.extensions);
  const nullable = (xs: readonly (readonly number[])[]): Value => (xs.length === 0 ? null : xs.map(oidArray));
  return obj([
    ['Raw', b64(c.raw)],
    ['RawTBSCertificate', b64(c.rawTbs)],
    ['RawSubjectPublicKeyInfo', b64(c.rawSpki)],
    ['RawSubject', b64(c.rawSubject)],
    ['RawIssuer', b64(c.rawIssuer)],
    ['Signature', b64(c.signature)],
    ['SignatureAlgorithm', SIGNATURE_ALGORITHMS[c.signatureAlgorithm] ?? 0],
    ['PublicKeyAlgorithm', PUBLIC_KEY_ALGORITHMS[c.publicKeyAlgorithm] ?? 0],
    ['PublicKey', goPublicKey(c.publicKey)],
    ['Version', c.version],
    ['SerialNumber', fromBigInt(c.serial)],
    ['Issuer', goName(c.issuer)],
    ['Subject', goName(c.subject)],
    ['NotBefore', goTime(c.notBefore)],
    ['NotAfter', goTime(c.notAfter)],
    ['KeyUsage', p.keyUsage],
    ['Extensions', extensionsJson(c.extensions)],
    ['ExtraExtensions', null],
    ['UnhandledCriticalExtensions', nullable(p.unhandled)],
    ['ExtKeyUsage', p.extKeyUsage.length === 0 ? null : p.extKeyUsage],
    ['UnknownExtKeyUsage', nullable(p.unknownExtKeyUsage)],
    ['BasicConstraintsValid', p.bcValid],
    ['IsCA', p.isCA],
    ['MaxPathLen', p.maxPathLen],
    ['MaxPathLenZero', p.maxPathLenZero],
    ['SubjectKeyId', p.subjectKeyId === undefined ? null : b64(p.subjectKeyId)],
    ['AuthorityKeyId', p.authorityKeyId === undefined ? null : b64(p.authorityKeyId)],
    ['OCSPServer', strings(p.ocsp)],
    ['IssuingCertificateURL', strings(p.issuingUrls)],
    ['DNSNames', strings(p.sans.dns)],
    ['EmailAddresses', strings(p.sans.email)],
    ['IPAddresses', strings(p.sans.ip)],
    ['URIs', p.sans.uris.length === 0 ? null : p.sans.uris.map(goUrl)],
    ['PermittedDNSDomainsCritical', false],
    ['PermittedDNSDomains', null],
    ['ExcludedDNSDomains', null],
    ['PermittedIPRanges', null],
    ['ExcludedIPRanges', null],
    ['PermittedEmailAddresses', null],
    ['ExcludedEmailAddresses', null],
    ['PermittedURIDomains', null],
    ['ExcludedURIDomains', null],
    ['CRLDistributionPoints', strings(p.crl)],
    ['PolicyIdentifiers', nullable(p.policies)],
    ['Policies', p.policies.length === 0 ? null : p.policies.map((x) => x.join('.'))],
    ['InhibitAnyPolicy', 0],
    ['InhibitAnyPolicyZero', false],
    ['InhibitPolicyMapping', 0],
    ['InhibitPolicyMappingZero', false],
    ['RequireExplicitPolicy', 0],
    ['RequireExplicitPolicyZero', false],
    ['PolicyMappings', null],
    ...(uriStrings ? ([['URIStrings', strings(p.sans.uris)]] as Entries) : []),
  ]);
}

// --- reading certificates ------------------------------------------------------------------------

function wrapDer<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DerError || e instanceof KeyError) throw new X509Error(e.message);
    throw e;
  }
}

/** Go's `x509.ParseCertificates`: concatenated DER certificates. */
function parseCertificates(der: Uint8Array): Certificate[] {
  return wrapDer(() => {
    const out: Certificate[] = [];
    let rest = der;
    while (rest.length > 0) {
      const r = parseDer(rest, 'x509: malformed certificate');
      out.push(parseCertificate(r.node.raw));
      rest = r.rest;
    }
    return out;
  });
}

function decodeB64(s: string): Uint8Array {
  try {
    return base64Decode(s, false);
  } catch (e) {
    if (e instanceof Corrupt) throw new X509Error(e.message);
    throw e;
  }
}

function certsFromPem(data: Uint8Array): Certificate[] {
  const parts: Uint8Array[] = [];
  let rest = data;
  while (rest.length > 0) {
    const r = pemDecode(rest);
    if (r.block === undefined) break;
    if (r.block.type !== 'CERTIFICATE') throw new X509Error(`PEM block type is '${r.block.type}', expected CERTIFICATE`);
    parts.push(r.block.bytes);
    rest = byteString(r.rest);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return parseCertificates(all);
}

const BEGIN = utf8('-----BEGIN');

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  return b.length >= prefix.length && prefix.every((x, i) => b[i] === x);
}

/** `getX509CertsFromString`: PEM, base64 of PEM, or base64 of DER. */
function certsFromString(s: string): Certificate[] {
  if (s.startsWith('-----BEGIN')) return certsFromPem(utf8(s));
  const bytes = decodeB64(s);
  if (startsWith(bytes, BEGIN)) return certsFromPem(bytes);
  return parseCertificates(bytes);
}

// --- chain verification --------------------------------------------------------------------------

const SIG_HASH: Record<string, RsaHash> = {
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};

function ecdsaDerToRaw(sig: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const seq = expect(parseDerExact(sig, ''), 16, '');
    const r = derInteger(child(seq, 0, ''), '');
    const s = derInteger(child(seq, 1, ''), '');
    const out = new Uint8Array(2 * size);
    const limit = 1n << BigInt(8 * size);
    if (r < 0n || s < 0n || r >= limit || s >= limit) return undefined;
    out.set(bigIntToBytes(r, size), 0);
    out.set(bigIntToBytes(s, size), size);
    return out;
  } catch {
    return undefined;
  }
}

/** Whether `parent`'s key signed `c` (Go's `CheckSignatureFrom` without the insecure algorithms). */
function signedBy(c: Certificate, parent: Certificate): boolean {
  const key = parent.publicKey;
  const alg = c.signatureAlgorithm;
  if (alg === '1.3.101.112') {
    if (key.kty !== 'OKP') return false;
    try {
      return ed25519.verify(c.signature, c.rawTbs, key.x, { zip215: false });
    } catch {
      return false;
    }
  }
  const hash = SIG_HASH[alg];
  if (hash === undefined) return false;
  const digest = hashOf(hash)(c.rawTbs);
  if (alg.startsWith('1.2.840.10045')) {
    if (key.kty !== 'EC') return false;
    const raw = ecdsaDerToRaw(c.signature, key.crv === 'P-256' ? 32 : key.crv === 'P-384' ? 48 : 66);
    return raw !== undefined && verifyEcdsaDigest(key, digest, raw);
  }
  if (key.kty !== 'RSA') return false;
  return verifyPkcs1v15(key, hash, digest, c.signature) || (alg === '1.2.840.113549.1.1.10' && verifyPss(key, hash, digest, c.signature));
}

interface VerifyOptions {
  dnsName: string;
  currentTime: number | undefined;
  keyUsages: number[];
}

function dnsMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase().replace(/\.$/, '');
  if (p === h) return true;
  if (!p.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === p.slice(1);
}

function usageOk(c: Certificate, wanted: readonly number[]): boolean {
  const p = processExtensions(c.extensions);
  if (p.extKeyUsage.length === 0 && p.unknownExtKeyUsage.length === 0) return true;
  if (p.extKeyUsage.includes(0) || wanted.includes(0)) return true;
  return wanted.some((u) => p.extKeyUsage.includes(u));
}

/** Go's `leaf.Verify` with certs[0] as the root and the others between as intermediates: the first chain (leaf first). */
function verifyChain(certs: readonly Certificate[], vo: VerifyOptions, now: number): Certificate[] | undefined {
  if (certs.length < 2) return undefined;
  const root = certs[0] as Certificate;
  const intermediates = certs.slice(1, -1);
  const leaf = certs[certs.length - 1] as Certificate;
  const time = vo.currentTime ?? now;
  const valid = (c: Certificate): boolean => time >= c.notBefore && time <= c.notAfter;
  if (vo.dnsName !== '') {
    const sans = processExtensions(leaf.extensions).sans.dns;
    if (!sans.some((d) => dnsMatches(d, vo.dnsName))) return undefined;
  }
  const usages = vo.keyUsages.length === 0 ? [1] : vo.keyUsages;
  const walk = (c: Certificate, chain: Certificate[], depth: number): Certificate[] | undefined => {
    if (!valid(c) || depth > 10) return undefined;
    if (depth > 0) {
      const p = processExtensions(c.extensions);
      if (c.version === 3 && (!p.bcValid || !p.isCA)) return undefined;
      if (p.bcValid && p.maxPathLen >= 0 && depth - 1 > p.maxPathLen) return undefined;
      if (p.keyUsage !== 0 && (p.keyUsage & 32) === 0) return undefined;
    }
    if (!usageOk(c, usages)) return undefined;
    if (constantTimeEqual(c.raw, root.raw)) return chain;
    for (const parent of [root, ...intermediates]) {
      if (chain.includes(parent) || !constantTimeEqual(parent.rawSubject, c.rawIssuer) || !signedBy(c, parent)) continue;
      const found = walk(parent, [...chain, parent], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(leaf, [leaf], 0);
}

const KEY_USAGE_NAMES: Record<string, number> = {
  KeyUsageAny: 0,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

function verifyOptions(o: RObject): VerifyOptions {
  const vo: VerifyOptions = { dnsName: '', currentTime: undefined, keyUsages: [] };
  for (const [k, v] of o.sortedEntries()) {
    if (typeof k !== 'string') continue;
    switch (k) {
      case 'DNSName':
        if (typeof v !== 'string') throw new X509Error("'DNSName' should be a string");
        vo.dnsName = v.replace(/^"+|"+$/g, '');
        break;
      case 'CurrentTime': {
        if (!isNumber(v)) throw new X509Error("'CurrentTime' should be a number");
        const ns = Number(typeof v === 'number' ? v : numberText(v));
        if (!Number.isFinite(ns)) throw new X509Error("'CurrentTime' should be a valid int64 number");
        vo.currentTime = Math.floor(ns / 1e6);
        break;
      }
      case 'MaxConstraintComparisons':
        if (!isNumber(v)) throw new X509Error("'MaxConstraintComparisons' should be a number");
        break;
      case 'KeyUsages': {
        const list = Array.isArray(v) ? (v as readonly Value[]) : v instanceof RSet ? v.sorted() : undefined;
        if (list === undefined) throw new X509Error("'KeyUsages' should be an Array or Set");
        const invalid: string[] = [];
        for (const u of list) {
          if (typeof u !== 'string') continue;
          const name = u.replace(/^"+|"+$/g, '');
          const known = KEY_USAGE_NAMES[name];
          if (known === undefined) invalid.push(name);
          else vo.keyUsages.push(known);
        }
        if (invalid.length > 0) throw new X509Error(`invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        break;
      }
      default:
        throw new X509Error('invalid key option');
    }
  }
  return vo;
}

function parseAndVerify(input: string, vo: VerifyOptions, uriStrings: boolean): Value {
  let certs: Certificate[];
  try {
    certs = certsFromString(input);
  } catch (e) {
    if (e instanceof X509Error) return [false, []];
    throw e;
  }
  // Go's Verify uses the wall clock when no CurrentTime is given (not the query's time).
  const chain = verifyChain(certs, vo, Date.now());
  if (chain === undefined) return [false, []];
  return [
    true,
    chain.map((c) => {
      return goCertificate(c, uriStrings);
    }),
  ];
}

// --- certificate requests --------------------------------------------------------------------------

const ASN1_PARAMS =
  '{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}';

/** encoding/asn1's message when the outer value of `der` is not a SEQUENCE (`tags don't match (16 vs {…}) … <name> @<offset>`). */
function tagMismatch(der: Uint8Array, name: string): string | undefined {
  const b = der[0];
  if (b === undefined || b === 0x30) return undefined;
  let i = 1;
  let tag = b & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    while (i < der.length && ((der[i] as number) & 0x80) !== 0) tag = tag * 128 + ((der[i++] as number) & 0x7f);
    tag = tag * 128 + ((der[i++] ?? 0) & 0x7f);
  }
  const l = der[i++];
  if (l === undefined) return undefined;
  let length = l;
  if (l & 0x80) {
    length = 0;
    for (let k = 0; k < (l & 0x7f); k++) length = length * 256 + (der[i++] ?? 0);
  }
  return `asn1: structure error: tags don't match (16 vs {class:${b >> 6} tag:${tag} length:${length} isCompound:${(b & 0x20) !== 0}}) ${ASN1_PARAMS} ${name} @${i}`;
}

function parseCsr(der: Uint8Array): RObject {
  const bad = 'asn1: structure error: malformed certificate request';
  return wrapDer(() => {
    const mismatch = tagMismatch(der, 'certificateRequest');
    if (mismatch !== undefined) throw new DerError(mismatch);
    const { node: csr, rest } = parseDer(der, 'asn1: syntax error: data truncated');
    if (rest.length > 0) throw new DerError('x509: trailing data');
    expect(csr, 16, bad);
    const info = expect(child(csr, 0, bad), 16, bad);
    const version = Number(derInteger(child(info, 0, bad), bad));
    const subject = expect(child(info, 1, bad), 16, bad);
    const spki = expect(child(info, 2, bad), 16, bad);
    const { key, algorithm } = publicKeyOfSpki(spki);
    const attrs: Value[] = [];
    let extensions: Extension[] = [];
    const attrNode = info.children[3];
    if (attrNode !== undefined && attrNode.cls === CONTEXT && attrNode.tag === 0) {
      for (const a of attrNode.children) {
        const type = derOid(child(a, 0, bad), bad);
        const values = child(a, 1, bad);
        if (type.join('.') === '1.2.840.113549.1.9.14') {
          for (const v of values.children) extensions = extensions.concat(parseExtensions(v, 'x509: malformed extension'));
          attrs.push(
            obj([
              ['Type', oidArray(type)],
              [
                'Value',
                values.children.map((v) =>
                  v.children.map((e) => {
                    const id = derOid(child(e, 0, bad), bad);
                    const last = e.children[e.children.length - 1] as DerNode;
                    return obj([
                      ['Type', oidArray(id)],
                      ['Value', b64(last.content)],
                    ]);
                  }),
                ),
              ],
            ]),
          );
        }
      }
    }
    const sigAlg = expect(child(csr, 1, bad), 16, bad);
    const signature = derBitString(child(csr, 2, bad), bad).bytes;
    const p = processExtensions(extensions);
    return obj([
      ['Raw', b64(csr.raw)],
      ['RawTBSCertificateRequest', b64(info.raw)],
      ['RawSubjectPublicKeyInfo', b64(spki.raw)],
      ['RawSubject', b64(subject.raw)],
      ['Version', version],
      ['Signature', b64(signature)],
      ['SignatureAlgorithm', SIGNATURE_ALGORITHMS[derOidText(child(sigAlg, 0, bad), bad)] ?? 0],
      ['PublicKeyAlgorithm', PUBLIC_KEY_ALGORITHMS[algorithm] ?? 0],
      ['PublicKey', goPublicKey(key)],
      ['Subject', goName(subject)],
      ['Attributes', attrs.length === 0 ? null : attrs],
      ['Extensions', extensionsJson(extensions)],
      ['ExtraExtensions', null],
      ['DNSNames', strings(p.sans.dns)],
      ['EmailAddresses', strings(p.sans.email)],
      ['IPAddresses', strings(p.sans.ip)],
      ['URIs', p.sans.uris.length === 0 ? null : p.sans.uris.map(goUrl)],
    ]);
  });
}

// --- private keys --------------------------------------------------------------------------------

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** `getPrivateKeysFromPEMData`: RSA, PKCS#8 and EC private key blocks (other blocks are skipped). */
function privateKeysFromPem(data: string): Key[] {
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(data, false);
  } catch {
    bytes = utf8(data);
  }
  const keys: Key[] = [];
  while (bytes.length > 0) {
    const before = bytes.length;
    const r = pemDecode(bytes);
    bytes = byteString(r.rest);
    if (r.block === undefined && bytes.length === 0) break;
    if (before === bytes.length) break;
    if (r.block === undefined) continue;
    const parse =
      r.block.type === 'RSA PRIVATE KEY'
        ? parsePkcs1PrivateKey
        : r.block.type === 'PRIVATE KEY'
          ? parsePkcs8PrivateKey
          : r.block.type === 'EC PRIVATE KEY'
            ? parseEcPrivateKey
            : undefined;
    if (parse === undefined) continue;
    try {
      keys.push(parse(r.block.bytes));
    } catch (e) {
      if (e instanceof KeyError) throw new X509Error(e.message);
      throw e;
    }
  }
  return keys;
}

/** A private key as jwx's `jwk.Import` + `json.Marshal` write it. */
function privateJwk(key: Key): RObject {
  switch (key.kty) {
    case 'RSA': {
      const { n, e, d = 0n, p = 0n, q = 0n } = key;
      return obj([
        ['kty', 'RSA'],
        ['n', b64url(bigIntToBytes(n))],
        ['e', b64url(bigIntToBytes(e))],
        ['d', b64url(bigIntToBytes(d))],
        ['p', b64url(bigIntToBytes(p))],
        ['q', b64url(bigIntToBytes(q))],
        ['dp', b64url(bigIntToBytes(d % (p - 1n)))],
        ['dq', b64url(bigIntToBytes(d % (q - 1n)))],
        ['qi', b64url(bigIntToBytes(modInverse(q, p)))],
      ]);
    }
    case 'EC': {
      const len = key.crv === 'P-256' ? 32 : key.crv === 'P-384' ? 48 : 66;
      const fixed = (x: bigint): string => b64url(bigIntToBytes(x, len));
      return obj([
        ['kty', 'EC'],
        ['crv', key.crv],
        ['x', fixed(key.x)],
        ['y', fixed(key.y)],
        ['d', fixed(key.d ?? 0n)],
      ]);
    }
    case 'OKP':
      return obj([
        ['kty', 'OKP'],
        ['crv', 'Ed25519'],
        ['x', b64url(key.x)],
        ['d', b64url(key.d ?? new Uint8Array())],
      ]);
    case 'oct':
      return obj([
        ['kty', 'oct'],
        ['k', b64url(key.k)],
      ]);
  }
}

/** A private key as Go's `json.Marshal` of `*rsa.PrivateKey`, `*ecdsa.PrivateKey` or `ed25519.PrivateKey`. */
function goPrivateKey(key: Key): Value {
  switch (key.kty) {
    case 'RSA': {
      const { n, e, d = 0n, p = 0n, q = 0n } = key;
      return obj([
        ['N', fromBigInt(n)],
        ['E', fromBigInt(e)],
        ['D', fromBigInt(d)],
        ['Primes', [fromBigInt(p), fromBigInt(q)]],
        [
          'Precomputed',
          obj([
            ['Dp', fromBigInt(d % (p - 1n))],
            ['Dq', fromBigInt(d % (q - 1n))],
            ['Qinv', fromBigInt(modInverse(q, p))],
            ['CRTValues', []],
          ]),
        ],
      ]);
    }
    case 'EC':
      return obj([
        ['Curve', obj([])],
        ['X', fromBigInt(key.x)],
        ['Y', fromBigInt(key.y)],
        ['D', fromBigInt(key.d ?? 0n)],
      ]);
    case 'OKP': {
      const out = new Uint8Array(64);
      out.set(key.d ?? new Uint8Array(32), 0);
      out.set(key.x, 32);
      return b64(out);
    }
    case 'oct':
      return b64(key.k);
  }
}

function sameKey(a: Key, b: Key): boolean {
  if (a.kty === 'RSA' && b.kty === 'RSA') return a.n === b.n && a.e === b.e;
  if (a.kty === 'EC' && b.kty === 'EC') return a.crv === b.crv && a.x === b.x && a.y === b.y;
  if (a.kty === 'OKP' && b.kty === 'OKP') return constantTimeEqual(a.x, b.x);
  return false;
}

function pemOrB64(s: string): Uint8Array {
  const b = utf8(s);
  return startsWith(b, utf8('-----BEGIN ')) ? b : decodeB64(s);
}

/** Go's `tls.X509KeyPair` as JSON (certificate chain, private key, leaf). */
function keyPair(certText: string, keyText: string): RObject {
  const certBytes = pemOrB64(certText);
  const keyBytes = pemOrB64(keyText);
  const certDers: Uint8Array[] = [];
  let rest = certBytes;
  for (;;) {
    const r = pemDecode(rest);
    if (r.block === undefined) break;
    if (r.block.type === 'CERTIFICATE') certDers.push(r.block.bytes);
    rest = byteString(r.rest);
  }
  const isPem = startsWith(certBytes, utf8('-----BEGIN '));
  if (!isPem) certDers.push(certBytes);
  if (certDers.length === 0) throw new X509Error('tls: failed to find any PEM data in certificate input');
  let keyBlock: Uint8Array | undefined;
  let keyType = 'PRIVATE KEY';
  if (startsWith(keyBytes, utf8('-----BEGIN'))) {
    let kr = keyBytes;
    for (;;) {
      const r = pemDecode(kr);
      if (r.block === undefined) break;
      if (r.block.type === 'PRIVATE KEY' || r.block.type.endsWith(' PRIVATE KEY')) {
        keyBlock = r.block.bytes;
        keyType = r.block.type;
        break;
      }
      kr = byteString(r.rest);
    }
    if (keyBlock === undefined) throw new X509Error('tls: failed to find any PEM data in key input');
  } else keyBlock = keyBytes;
  const leaf = wrapDer(() => parseCertificate(certDers[0] as Uint8Array));
  let key: Key;
  try {
    key =
      keyType === 'RSA PRIVATE KEY'
        ? parsePkcs1PrivateKey(keyBlock)
        : keyType === 'EC PRIVATE KEY'
          ? parseEcPrivateKey(keyBlock)
          : parsePkcs8PrivateKey(keyBlock);
  } catch (e) {
    if (e instanceof KeyError) throw new X509Error('tls: failed to parse private key');
    throw e;
  }
  if (!sameKey(leaf.publicKey, key)) throw new X509Error('tls: private key does not match public key');
  return obj([
    ['Certificate', certDers.map(b64)],
    ['PrivateKey', goPrivateKey(key)],
    ['SupportedSignatureAlgorithms', null],
    ['OCSPStaple', null],
    ['SignedCertificateTimestamps', null],
    ['Leaf', goCertificate(leaf, false)],
  ]);
}

// --- built-ins -----------------------------------------------------------------------------------

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  keyBuiltin('crypto.x509.parse_certificates', 1, (args) =>
    certsFromString(argString('crypto.x509.parse_certificates', args, 0)).map((c) => goCertificate(c)),
  ),
  keyBuiltin('crypto.x509.parse_and_verify_certificates', 1, (args, ctx) =>
    parseAndVerify(argString(ctx.name, args, 0), { dnsName: '', currentTime: undefined, keyUsages: [] }, true),
  ),
  keyBuiltin('crypto.x509.parse_and_verify_certificates_with_options', 2, (args, ctx) => {
    const input = argString(ctx.name, args, 0);
    const o = argObject(ctx.name, args, 1);
    let certsOk = true;
    try {
      certsFromString(input);
    } catch (e) {
      if (!(e instanceof X509Error)) throw e;
      certsOk = false;
    }
    if (!certsOk) return [false, []];
    return parseAndVerify(input, verifyOptions(o), false);
  }),
  keyBuiltin('crypto.x509.parse_certificate_request', 1, (args) => {
    const input = argString('crypto.x509.parse_certificate_request', args, 0);
    let bytes = utf8(input);
    if (!input.startsWith('-----BEGIN CERTIFICATE REQUEST-----')) bytes = decodeB64(input);
    const { block } = pemDecode(bytes);
    if (block !== undefined && block.type !== 'CERTIFICATE REQUEST') throw new X509Error('invalid PEM-encoded certificate signing request');
    return parseCsr(block !== undefined ? block.bytes : bytes);
  }),
  keyBuiltin('crypto.x509.parse_keypair', 2, (args) =>
    keyPair(argString('crypto.x509.parse_keypair', args, 0), argString('crypto.x509.parse_keypair', args, 1)),
  ),
  keyBuiltin('crypto.x509.parse_rsa_private_key', 1, (args) => {
    let text = argString('crypto.x509.parse_rsa_private_key', args, 0);
    if (text === '') throw new X509Error('input PEM data was empty');
    if (!text.startsWith('-----BEGIN')) text = new TextDecoder().decode(decodeB64(text));
    const keys = privateKeysFromPem(text);
    return keys.length === 0 ? null : privateJwk(keys[0] as Key);
  }),
  keyBuiltin('crypto.parse_private_keys', 1, (args) => {
    const text = argString('crypto.parse_private_keys', args, 0);
    if (text === '') return null;
    return privateKeysFromPem(text).map(goPrivateKey);
  }),
];
