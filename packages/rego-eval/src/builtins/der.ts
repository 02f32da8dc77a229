/**
 * A small view over DER (ASN.1) data for the key, JWT and x509 built-ins. The TLV decoding is
 * asn1js's (synchronous, browser-safe); this module turns its blocks into plain nodes with the
 * raw bytes Go's `encoding/asn1` exposes (`Raw`, contents) and decodes the few universal types
 * the certificate and key parsers read (INTEGER, OID, BIT STRING, times, strings).
 */
import * as asn1js from 'asn1js';

/** Tag classes as DER encodes them. */
export const UNIVERSAL = 0;
/** Context-specific class (`[n]`). */
export const CONTEXT = 2;

/** One decoded TLV. */
export interface DerNode {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly cls: number;
  readonly tag: number;
  readonly constructed: boolean;
  /** The whole encoding (tag, length, contents). */
  readonly raw: Uint8Array;
  /** The contents octets. */
  readonly content: Uint8Array;
  /** The children of a constructed node (empty for a primitive one). */
  readonly children: readonly DerNode[];
}

/** Malformed DER; `message` is the caller's Go text. */
export class DerError extends Error {}

type Block = asn1js.AsnType & {
  idBlock: { tagClass: number; tagNumber: number; isConstructed: boolean; blockLength: number };
  lenBlock: { blockLength: number };
  valueBeforeDecodeView: Uint8Array;
  valueBlock: { value?: unknown };
};

function toNode(b: Block): DerNode {
  const raw = b.valueBeforeDecodeView;
  const header = b.idBlock.blockLength + b.lenBlock.blockLength;
  const value = b.valueBlock.value;
  const constructed = b.idBlock.isConstructed;
  const children = constructed && Array.isArray(value) ? (value as Block[]).map(toNode) : [];
  return { cls: b.idBlock.tagClass - 1, tag: b.idBlock.tagNumber, constructed, raw, content: raw.subarray(header), children };
}

/**
 * Decodes one DER value from `bytes`; `rest` is what follows it. Throws {@link DerError}
 * with `message` when the data is not DER.
 */
export function parseDer(bytes: Uint8Array, message: string): { node: DerNode; rest: Uint8Array } {
  if (bytes.length === 0) throw new DerError(message);
  const r = asn1js.fromBER(bytes);
  if (r.offset === -1) throw new DerError(message);
  const node = toNode(r.result);
  return { node, rest: bytes.subarray(r.offset) };
}

/** Decodes exactly one DER value (trailing data is an error). */
export function parseDerExact(bytes: Uint8Array, message: string): DerNode {
  const { node, rest } = parseDer(bytes, message);
  if (rest.length > 0) throw new DerError(message);
  return node;
}

/** A node's child `i`, which must exist, else {@link DerError}. */
export function child(n: DerNode, i: number, message: string): DerNode {
  const c = n.children[i];
  if (c === undefined) throw new DerError(message);
  return c;
}

/** Whether `n` is the universal type `tag` (SEQUENCE 16, SET 17, INTEGER 2, OID 6, …). */
export function isUniversal(n: DerNode | undefined, tag: number): n is DerNode {
  return n !== undefined && n.cls === UNIVERSAL && n.tag === tag;
}

/** `n` as the universal type `tag`, else {@link DerError}. */
export function expect(n: DerNode | undefined, tag: number, message: string): DerNode {
  if (!isUniversal(n, tag)) throw new DerError(message);
  return n;
}

/** Big-endian unsigned integer of some bytes. */
export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** A non-negative bigint as big-endian bytes: minimal, or left-padded (high bytes cut) to `len`. */
export function bigIntToBytes(x: bigint, len?: number): Uint8Array {
  let hex = x.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const n = len ?? hex.length / 2;
  const out = new Uint8Array(n);
  for (let i = 0; i < n && 2 * i < hex.length; i++) out[n - 1 - i] = parseInt(hex.slice(hex.length - 2 * i - 2, hex.length - 2 * i), 16);
  return out;
}

/** A DER INTEGER (two's complement) as a bigint. */
export function derInteger(n: DerNode, message: string): bigint {
  expect(n, 2, message);
  const c = n.content;
  if (c.length === 0) throw new DerError(message);
  let v = bytesToBigInt(c);
  if ((c[0] as number) & 0x80) v -= 1n << BigInt(8 * c.length);
  return v;
}

/** An OBJECT IDENTIFIER's arcs. */
export function derOid(n: DerNode, message: string): number[] {
  expect(n, 6, message);
  const arcs: number[] = [];
  let v = 0;
  for (const b of n.content) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        arcs.push(first, v - 40 * first);
      } else arcs.push(v);
      v = 0;
    }
  }
  if (n.content.length === 0 || ((n.content[n.content.length - 1] as number) & 0x80) !== 0) throw new DerError(message);
  return arcs;
}

/** An OID in dotted form. */
export function derOidText(n: DerNode, message: string): string {
  return derOid(n, message).join('.');
}

/** A BIT STRING's bytes and bit length. */
export function derBitString(n: DerNode, message: string): { bytes: Uint8Array; bitLength: number } {
  expect(n, 3, message);
  const c = n.content;
  const unused = c[0];
  if (unused === undefined || unused > 7 || (c.length === 1 && unused !== 0)) throw new DerError(message);
  const bytes = c.subarray(1);
  return { bytes, bitLength: bytes.length * 8 - unused };
}

const latin1 = new TextDecoder('latin1');
const utf8Decoder = new TextDecoder('utf-8');

/** A string type's text (UTF8String, PrintableString, IA5String, T61String, BMPString). */
export function derString(n: DerNode): string {
  if (n.tag === 30) {
    let s = '';
    for (let i = 0; i + 1 < n.content.length; i += 2)
      s += String.fromCharCode(((n.content[i] as number) << 8) | (n.content[i + 1] as number));
    return s;
  }
  if (n.tag === 20) return latin1.decode(n.content);
  return utf8Decoder.decode(n.content);
}

/** UTCTime (tag 23) or GeneralizedTime (tag 24) as milliseconds since the epoch. */
export function derTime(n: DerNode, message: string): number {
  const s = latin1.decode(n.content);
  let m: RegExpMatchArray | null;
  let year: number;
  if (n.cls === UNIVERSAL && n.tag === 23) {
    m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (m === null) throw new DerError(message);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (n.cls === UNIVERSAL && n.tag === 24) {
    m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
    if (m === null) throw new DerError(message);
    year = Number(m[1]);
  } else throw new DerError(message);
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
