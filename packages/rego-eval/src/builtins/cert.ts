/**
 * The structure of an X.509 certificate (RFC 5280) as Go's `x509.ParseCertificate` reads it:
 * raw parts, names, validity, public key and extensions. `x509.ts` renders it in the JSON
 * shape of Go's `x509.Certificate`; the JWT built-ins take the public key from it.
 */
import {
  CONTEXT,
  DerError,
  child,
  derBitString,
  derInteger,
  derOid,
  derOidText,
  derTime,
  expect,
  isUniversal,
  parseDerExact,
  type DerNode,
} from './der.js';
import { publicKeyOfSpki, type Key } from './keys.js';

/** An extension: OID, critical flag, value bytes. */
export interface Extension {
  readonly id: number[];
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** A parsed certificate. */
export interface Certificate {
  readonly raw: Uint8Array;
  readonly rawTbs: Uint8Array;
  readonly rawSpki: Uint8Array;
  readonly rawSubject: Uint8Array;
  readonly rawIssuer: Uint8Array;
  readonly version: number;
  readonly serial: bigint;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
  readonly issuer: DerNode;
  readonly subject: DerNode;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly publicKey: Key;
  /** `RSA`, `ECDSA` or `Ed25519`. */
  readonly publicKeyAlgorithm: string;
  readonly extensions: readonly Extension[];
}

/** Parses the extensions of a `[3]` node or a CSR's extension request. */
export function parseExtensions(seq: DerNode, message: string): Extension[] {
  return expect(seq, 16, message).children.map((e) => {
    expect(e, 16, message);
    const id = derOid(child(e, 0, message), message);
    let i = 1;
    let critical = false;
    const c = e.children[1];
    if (isUniversal(c, 1)) {
      critical = c.content[0] !== 0;
      i = 2;
    }
    return { id, critical, value: expect(child(e, i, message), 4, message).content };
  });
}

/** Go's `x509.ParseCertificate` of DER bytes. Throws {@link DerError} (`x509: malformed certificate`, …). */
export function parseCertificate(der: Uint8Array): Certificate {
  const bad = 'x509: malformed certificate';
  const cert = expect(parseDerExact(der, bad), 16, bad);
  const tbs = expect(child(cert, 0, bad), 16, 'x509: malformed tbs certificate');
  const badTbs = 'x509: malformed tbs certificate';
  let i = 0;
  let version = 1;
  const first = child(tbs, 0, badTbs);
  if (first.cls === CONTEXT && first.tag === 0) {
    version = Number(derInteger(child(first, 0, 'x509: malformed version'), 'x509: malformed version')) + 1;
    if (version < 1 || version > 3) throw new DerError('x509: invalid version');
    i = 1;
  }
  const serial = derInteger(child(tbs, i, 'x509: malformed serial number'), 'x509: malformed serial number');
  const issuer = expect(child(tbs, i + 2, 'x509: malformed issuer'), 16, 'x509: malformed issuer');
  const validity = expect(child(tbs, i + 3, 'x509: malformed validity'), 16, 'x509: malformed validity');
  const notBefore = derTime(child(validity, 0, 'x509: malformed validity'), 'x509: malformed validity');
  const notAfter = derTime(child(validity, 1, 'x509: malformed validity'), 'x509: malformed validity');
  const subject = expect(child(tbs, i + 4, 'x509: malformed subject'), 16, 'x509: malformed subject');
  const spki = expect(child(tbs, i + 5, 'x509: malformed spki'), 16, 'x509: malformed spki');
  const { key, algorithm } = publicKeyOfSpki(spki);
  let extensions: Extension[] = [];
  for (const c of tbs.children.slice(i + 6)) {
    if (c.cls === CONTEXT && c.tag === 3)
      extensions = parseExtensions(child(c, 0, 'x509: malformed extensions'), 'x509: malformed extension');
  }
  const sigAlg = expect(child(cert, 1, 'x509: malformed algorithm identifier'), 16, 'x509: malformed algorithm identifier');
  const signature = derBitString(child(cert, 2, 'x509: malformed signature'), 'x509: malformed signature').bytes;
  return {
    raw: cert.raw,
    rawTbs: tbs.raw,
    rawSpki: spki.raw,
    rawSubject: subject.raw,
    rawIssuer: issuer.raw,
    version,
    serial,
    signatureAlgorithm: derOidText(child(sigAlg, 0, 'x509: malformed algorithm identifier'), 'x509: malformed algorithm identifier'),
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey: key,
    publicKeyAlgorithm: algorithm,
    extensions,
  };
}
