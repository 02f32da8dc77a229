/**
 * OPA's UUID built-ins (`topdown/uuid.go`, `internal/uuid`): `uuid.rfc4122` (a random
 * version 4 UUID, the same for the same key within one query, as OPA's built-in cache keeps
 * it) and `uuid.parse` (github.com/google/uuid's `Parse` accepted forms, OPA's object:
 * `version`, `variant`, and for versions 1 and 2 `time`, `nodeid`, `macvariables`,
 * `clocksequence`, plus `id` and `domain` for version 2; undefined when the text is not a UUID).
 * Randomness comes from `crypto.getRandomValues` (Web Crypto, in browsers and Node).
 */
import { RObject, fromBigInt, keyOf, type Value } from '@policy-engine/rego-value';
import { argString, type BuiltinDef } from './registry.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** OPA's `uuid.New`: 16 random bytes with the version 4 and RFC 4122 variant bits, dashed. */
function newUUID(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[8] = ((b[8] as number) & ~0xc0) | 0x80;
  b[6] = ((b[6] as number) & ~0xf0) | 0x40;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function hexPair(s: string, i: number): number | undefined {
  const pair = s.slice(i, i + 2);
  return /^[0-9a-fA-F]{2}$/.test(pair) ? parseInt(pair, 16) : undefined;
}

const DASHED_OFFSETS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/** github.com/google/uuid v1.6.0 `Parse`: 36 chars, `urn:uuid:` + 36, 38 (first and last char ignored) or 32 hex digits. */
function parseUUID(input: string): Uint8Array | undefined {
  // Go indexes bytes: a non-ASCII text has a different length in bytes; such texts never parse as hex anyway,
  // but their byte length decides which form is tried. Hex digits are ASCII, so any non-ASCII char fails.
  for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) > 0x7f) return undefined;
  let s = input;
  const out = new Uint8Array(16);
  switch (s.length) {
    case 36:
      break;
    case 45:
      if (s.slice(0, 9).toLowerCase() !== 'urn:uuid:') return undefined;
      s = s.slice(9);
      break;
    case 38:
      s = s.slice(1);
      break;
    case 32:
      for (let i = 0; i < 16; i++) {
        const v = hexPair(s, i * 2);
        if (v === undefined) return undefined;
        out[i] = v;
      }
      return out;
    default:
      return undefined;
  }
  if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
  for (let i = 0; i < 16; i++) {
    const v = hexPair(s, DASHED_OFFSETS[i] as number);
    if (v === undefined) return undefined;
    out[i] = v;
  }
  return out;
}

function variant(b8: number): string {
  if ((b8 & 0xc0) === 0x80) return 'RFC4122';
  if ((b8 & 0xe0) === 0xc0) return 'Microsoft';
  if ((b8 & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

function macVariables(b: number): string {
  if ((b & 0b11) === 0b11) return 'local:multicast';
  if ((b & 0b01) === 0b01) return 'global:multicast';
  if ((b & 0b10) === 0b10) return 'local:unicast';
  return 'global:unicast';
}

/** 100 ns intervals from 1582-10-15 to the Unix epoch. */
const G1582_NS100 = 122192928000000000n;

/** OPA's `nanoUnix` of the version 1/2 timestamp, with Go's int64 truncating division and wrap-around. */
function unixNanos(u: Uint8Array): bigint {
  const be = (from: number, to: number): bigint => u.subarray(from, to).reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
  const t = be(0, 4) | (be(4, 6) << 32n) | ((be(6, 8) & 0xfffn) << 48n);
  let sec = t - G1582_NS100; // BigInt division truncates toward zero, as Go's does
  const nsec = (sec % 10000000n) * 100n;
  sec /= 10000000n;
  return BigInt.asIntN(64, sec * 1000000000n + nsec);
}

function domainName(d: number): string {
  return d === 0 ? 'Person' : d === 1 ? 'Group' : d === 2 ? 'Org' : `Domain${d}`;
}

function describe(u: Uint8Array): RObject {
  const version = (u[6] as number) >> 4;
  const out = new RObject();
  out.set('version', version);
  out.set('variant', variant(u[8] as number));
  if (version === 1 || version === 2) {
    out.set('time', fromBigInt(unixNanos(u)));
    out.set('nodeid', Array.from(u.subarray(10, 16), (b) => b.toString(16).padStart(2, '0')).join('-'));
    out.set('macvariables', macVariables(u[10] as number));
    out.set('clocksequence', (((u[8] as number) << 8) | (u[9] as number)) & 0x3fff);
    if (version === 2) {
      out.set('id', (u[0] as number) * 0x1000000 + ((u[1] as number) << 16) + ((u[2] as number) << 8) + (u[3] as number));
      out.set('domain', domainName(u[9] as number));
    }
  }
  return out;
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  {
    name: 'uuid.rfc4122',
    arity: 1,
    nondeterministic: true,
    fn: (args, ctx) => {
      const key = `uuid.rfc4122\u0000${keyOf(args[0] as Value)}`;
      const cached = ctx.cache.get(key);
      if (typeof cached === 'string') return cached;
      const id = newUUID();
      ctx.cache.set(key, id);
      return id;
    },
  },
  {
    name: 'uuid.parse',
    arity: 1,
    fn: (args) => {
      const u = parseUUID(argString('uuid.parse', args, 0));
      return u ? describe(u) : undefined;
    },
  },
];
