/**
 * OPA's CIDR built-ins (`topdown/cidr.go`): `net.cidr_contains`, `net.cidr_intersects`,
 * `net.cidr_expand`, `net.cidr_merge`, `net.cidr_is_valid`, `net.cidr_contains_matches` and the
 * Rego v0 `net.cidr_overlap` (an alias of `net.cidr_contains`).
 *
 * Addresses follow Go's `net` package byte for byte: `net.ParseIP` / `net.ParseCIDR` (over
 * `netip.ParseAddr`: dotted-decimal IPv4 only, no octal, hex or short forms, no leading zeros,
 * no zones), `net.IP` values of 4 or 16 bytes with `To4`, `Mask`, `IPNet.Contains` and the
 * `String` forms (IPv4-mapped addresses print dotted, IPv6 as RFC 5952). Range arithmetic for
 * `net.cidr_merge` uses BigInt over 128 bits.
 *
 * `net.lookup_ip_addr` is left out: it resolves names over the network, so it is not
 * deterministic and does not belong to the embedded engine's default table.
 */
import { RObject, RSet, type Value } from '@policy-engine/rego-value';
import { RegoEvalError } from '../errors.js';
import { argString, typeError, type BuiltinContext, type BuiltinDef } from './registry.js';
import { fail } from './util.js';

/** A Go `net.IP`: 4 or 16 bytes. */
type IP = Uint8Array;
/** A Go `net.IPNet`. */
interface IPNet {
  readonly ip: IP;
  readonly mask: Uint8Array;
}

const V4_IN_V6_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** `netip.parseIPv4Fields`: writes 4 bytes into `out` at `at`; false when the text is not dotted-decimal IPv4. */
function parseIPv4Fields(s: string, out: Uint8Array, at: number): boolean {
  let val = 0;
  let pos = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && val === 0) return false; // leading zero
      val = val * 10 + (c - 0x30);
      digits++;
      if (val > 255) return false;
    } else if (c === 0x2e) {
      if (i === 0 || i === s.length - 1 || s.charCodeAt(i - 1) === 0x2e) return false;
      if (pos === 3) return false;
      out[at + pos] = val;
      pos++;
      val = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (pos < 3) return false;
  out[at + 3] = val;
  return true;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** `netip.parseIPv6` without zones (a zone makes Go's `ParseIP`/`ParseCIDR` fail anyway). */
function parseIPv6(input: string): Uint8Array | undefined {
  if (input.includes('%')) return undefined;
  const ip = new Uint8Array(16);
  let s = input;
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const d = hexDigit(s.charCodeAt(off));
      if (d < 0) break;
      acc = acc * 16 + d;
      if (off > 3) return undefined; // more than 4 hex digits
    }
    if (off === 0) return undefined;
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      if (!parseIPv4Fields(s, ip, i)) return undefined;
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j] as number;
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return ip;
}

/** `netip.ParseAddr` (without zones) as 16 bytes (`As16`), and whether it is IPv4 (`Is4`); undefined when not an address. */
export function parseAddr(s: string): { readonly ip: Uint8Array; readonly is4: boolean } | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') {
      const ip = new Uint8Array(16);
      ip.set(V4_IN_V6_PREFIX);
      return parseIPv4Fields(s, ip, 12) ? { ip, is4: true } : undefined;
    }
    if (c === ':') {
      const ip = parseIPv6(s);
      return ip ? { ip, is4: false } : undefined;
    }
    if (c === '%') return undefined;
  }
  return undefined;
}

/** Go's `net.ParseIP` (always 16 bytes). */
function parseIP(s: string): IP | undefined {
  return parseAddr(s)?.ip;
}

/** Go's `dtoi` for the prefix length: decimal digits (leading zeros allowed), below 0xFFFFFF. */
function prefixLength(s: string): number | undefined {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    n = n * 10 + (c - 0x30);
    if (n >= 0xffffff) return undefined;
  }
  return i === 0 ? undefined : n;
}

/** Go's `net.CIDRMask`. */
function cidrMask(ones: number, bits: number): Uint8Array {
  const m = new Uint8Array(bits / 8);
  for (let i = 0; i < m.length; i++) {
    const take = Math.min(8, Math.max(0, ones - i * 8));
    m[i] = (0xff00 >> take) & 0xff;
  }
  return m;
}

/** Go's `net.ParseCIDR`: the address (16 bytes) and its network; the error is Go's `ParseError` text. */
function parseCIDR(s: string): { readonly ip: IP; readonly net: IPNet } | string {
  const bad = `invalid CIDR address: ${s}`;
  const slash = s.indexOf('/');
  if (slash < 0) return bad;
  const addr = parseAddr(s.slice(0, slash));
  if (!addr) return bad;
  const bits = addr.is4 ? 32 : 128;
  const n = prefixLength(s.slice(slash + 1));
  if (n === undefined || n > bits) return bad;
  const m = cidrMask(n, bits);
  return { ip: addr.ip, net: { ip: mask(addr.ip, m) as IP, mask: m } };
}

function isZeros(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

function hasV4Prefix(ip: IP): boolean {
  return ip.length === 16 && isZeros(ip, 0, 10) && ip[10] === 0xff && ip[11] === 0xff;
}

/** Go's `IP.To4`. */
function to4(ip: IP): IP | undefined {
  if (ip.length === 4) return ip;
  if (hasV4Prefix(ip)) return ip.subarray(12, 16);
  return undefined;
}

/** Go's `IP.Mask`. */
function mask(ipIn: IP, maskIn: Uint8Array): IP | undefined {
  let ip = ipIn;
  let m = maskIn;
  if (m.length === 16 && ip.length === 4 && m.subarray(0, 12).every((b) => b === 0xff)) m = m.subarray(12);
  if (m.length === 4 && hasV4Prefix(ip)) ip = ip.subarray(12);
  if (ip.length !== m.length) return undefined;
  const out = new Uint8Array(ip.length);
  for (let i = 0; i < ip.length; i++) out[i] = (ip[i] as number) & (m[i] as number);
  return out;
}

/** Go's `networkNumberAndMask`. */
function networkNumberAndMask(n: IPNet): { readonly ip: IP; readonly mask: Uint8Array } | undefined {
  let ip = to4(n.ip);
  if (!ip) {
    ip = n.ip;
    if (ip.length !== 16) return undefined;
  }
  let m = n.mask;
  if (m.length === 4) {
    if (ip.length !== 4) return undefined;
  } else if (m.length === 16) {
    if (ip.length === 4) m = m.subarray(12);
  } else {
    return undefined;
  }
  return { ip, mask: m };
}

/** Go's `IPNet.Contains`. */
function contains(n: IPNet, ipIn: IP): boolean {
  const nm = networkNumberAndMask(n);
  if (!nm) return false;
  const ip = to4(ipIn) ?? ipIn;
  if (ip.length !== nm.ip.length) return false;
  for (let i = 0; i < ip.length; i++) {
    const m = nm.mask[i] as number;
    if (((nm.ip[i] as number) & m) !== ((ip[i] as number) & m)) return false;
  }
  return true;
}

/** Go's `IP.Equal`. */
function ipEqual(a: IP, b: IP): boolean {
  const x = to4(a) ?? a;
  const y = to4(b) ?? b;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Go's `IPMask.Size` ones (masks here are always canonical), or -1 for a non-canonical mask. */
function maskOnes(m: Uint8Array): number {
  let ones = 0;
  let done = false;
  for (const b of m) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = (b >> bit) & 1;
      if (set && done) return -1;
      if (set) ones++;
      else done = true;
    }
  }
  return ones;
}

/** Go's `IP.String`: dotted IPv4 (also for IPv4-mapped addresses), else RFC 5952 IPv6. */
export function ipString(ip: IP): string {
  const v4 = to4(ip);
  if (v4) return Array.from(v4).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i] as number) << 8) | (ip[i + 1] as number));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Go's `IPNet.String`. */
function netString(n: IPNet): string {
  const nm = networkNumberAndMask(n);
  if (!nm) return '<nil>';
  const ones = maskOnes(nm.mask);
  if (ones < 0) return `${ipString(nm.ip)}/${Array.from(nm.mask, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  return `${ipString(nm.ip)}/${ones}`;
}

/** OPA's `getNetFromOperand`: a CIDR string (always reported as operand 1). */
function netOperand(name: string, v: Value): IPNet {
  if (typeof v !== 'string') throw typeError(name, 1, 'string', v);
  const r = parseCIDR(v);
  if (typeof r === 'string') throw fail(name, r);
  return r.net;
}

/** OPA's `getLastIP`. */
function lastIP(n: IPNet): IP {
  const ones = maskOnes(n.mask);
  const bits = n.mask.length * 8;
  if (ones === bits) return n.ip;
  const out = new Uint8Array(bits / 8);
  let first = 0n;
  for (const b of n.ip) first = (first << 8n) | BigInt(b);
  let last = ((1n << BigInt(bits - ones)) - 1n) | first;
  for (let i = out.length - 1; i >= 0 && last > 0n; i--) {
    out[i] = Number(last & 0xffn);
    last >>= 8n;
  }
  return out;
}

/** OPA's `builtinNetCIDRContains` (also `net.cidr_overlap`). */
function cidrContains(name: string, a: Value, b: Value): boolean {
  const netA = netOperand(name, a);
  if (typeof b !== 'string') throw typeError(name, 1, 'string', b);
  const ip = parseIP(b);
  if (ip) return contains(netA, ip);
  const parsed = parseCIDR(b);
  if (typeof parsed === 'string') throw fail(name, `not a valid textual representation of an IP address or CIDR: ${b}`);
  const netB = parsed.net;
  const plain6 = (n: IPNet): boolean => n.ip.length === 16 && n.mask.length === 16 && to4(n.ip) === undefined;
  if (plain6(netA) && plain6(netB)) {
    const m = mask(netB.ip, netA.mask);
    return maskOnes(netA.mask) <= maskOnes(netB.mask) && m !== undefined && ipEqual(netA.ip, m);
  }
  return contains(netA, netB.ip) && contains(netA, lastIP(netB));
}

const MATCH_ELEMENT = 'element must be string or non-empty array';

/** OPA's `evalNetCIDRContainsMatchesOperand`: each (cidr, index) of an operand, an element error when it is reached. */
function* matchOperand(name: string, pos: number, x: Value): Generator<[Value, Value]> {
  const cidrOf = (e: Value): Value => {
    if (typeof e === 'string') return e;
    if (Array.isArray(e) && e.length > 0) return e[0] as Value;
    throw fail(name, `operand ${pos}: ${MATCH_ELEMENT}`);
  };
  if (typeof x === 'string') yield [x, x];
  else if (Array.isArray(x)) for (let i = 0; i < x.length; i++) yield [cidrOf(x[i] as Value), i];
  else if (x instanceof RSet) for (const e of x.sorted()) yield [cidrOf(e), e];
  else if (x instanceof RObject) for (const [k, v] of x.sortedEntries()) yield [cidrOf(v), k];
}

/** OPA's `builtinNetCIDRContainsMatches`: operand 2 is walked again for each element of operand 1, as in Go. */
function cidrContainsMatches(name: string, args: readonly Value[]): Value {
  const result = new RSet();
  for (const [c1, i1] of matchOperand(name, 1, args[0] as Value)) {
    for (const [c2, i2] of matchOperand(name, 2, args[1] as Value)) if (cidrContains(name, c1, c2)) result.add([i1, i2]);
  }
  return result;
}

function cidrExpand(name: string, args: readonly Value[], ctx: BuiltinContext): Value {
  const s = argString(name, args, 0);
  const parsed = parseCIDR(s);
  if (typeof parsed === 'string') throw fail(name, parsed);
  const n = parsed.net;
  const result = new RSet();
  const start = mask(parsed.ip, n.mask);
  if (!start) return result;
  const ip = Uint8Array.from(start);
  let count = 0;
  while (contains(n, ip)) {
    if ((++count & 4095) === 0 && ctx.deadline !== undefined && performance.now() > ctx.deadline) {
      throw new RegoEvalError('eval_cancel_error', `${name}: timed out before generating all IP addresses`);
    }
    result.add(ipString(ip));
    for (let j = ip.length - 1; j >= 0; j--) {
      ip[j] = ((ip[j] as number) + 1) & 0xff;
      if ((ip[j] as number) > 0) break;
    }
  }
  return result;
}

/** A 16-byte address as a 128-bit integer. */
function toBig(ip: Uint8Array): bigint {
  let v = 0n;
  for (const b of ip) v = (v << 8n) | BigInt(b);
  return v;
}

function fromBig(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = v;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

const V4_BASE = 0xffffn << 32n;

interface Range {
  first: bigint;
  last: bigint;
  /** The network as given, while not merged with another. */
  network: IPNet | undefined;
}

/** The cilium `GetAddressRange`: first and last address, IPv4 in the IPv4-mapped space. */
function addressRange(n: IPNet): Range {
  const first = mask(n.ip, n.mask) ?? n.ip;
  const f16 = new Uint8Array(16);
  if (first.length === 4) {
    f16.set(V4_IN_V6_PREFIX);
    f16.set(first, 12);
  } else {
    f16.set(first);
  }
  const hostBits = BigInt(n.mask.length * 8 - maskOnes(n.mask));
  const f = toBig(f16);
  return { first: f, last: f | ((1n << hostBits) - 1n), network: n };
}

/** The minimal CIDR list of a range (what cilium's `RangeToCIDRs` returns). */
function rangeToCIDRs(first: bigint, last: bigint): string[] {
  const v4 = first >= V4_BASE && last <= (V4_BASE | 0xffffffffn);
  const bits = v4 ? 32 : 128;
  const base = v4 ? V4_BASE : 0n;
  const out: string[] = [];
  let lo = first - base;
  const hi = last - base;
  while (lo <= hi) {
    let size = 0;
    while (size < bits && (lo & ((1n << BigInt(size + 1)) - 1n)) === 0n && lo + (1n << BigInt(size + 1)) - 1n <= hi) size++;
    const ip = v4 ? fromBig(lo, 4) : fromBig(lo, 16);
    out.push(`${ipString(ip)}/${bits - size}`);
    lo += 1n << BigInt(size);
  }
  return out;
}

/** OPA's `generateIPNet`: a CIDR, or a bare IPv4 address with its classful default mask. */
function mergeElement(name: string, e: Value): IPNet {
  if (typeof e !== 'string') throw fail(name, 'element must be string');
  const ip = parseIP(e);
  if (!ip) {
    const parsed = parseCIDR(e);
    if (typeof parsed === 'string') throw fail(name, parsed);
    return parsed.net;
  }
  const v4 = to4(ip);
  if (!v4) throw fail(name, 'IPv6 invalid: needs prefix length');
  const ones = (v4[0] as number) < 0x80 ? 8 : (v4[0] as number) < 0xc0 ? 16 : 24;
  return { ip, mask: cidrMask(ones, 32) };
}

function cidrMerge(name: string, args: readonly Value[]): Value {
  const x = args[0] as Value;
  let elems: readonly Value[];
  if (Array.isArray(x)) elems = x as readonly Value[];
  else if (x instanceof RSet) elems = x.sorted();
  else throw fail(name, 'operand must be an array');
  const ranges = elems.map((e) => addressRange(mergeElement(name, e)));
  ranges.sort((a, b) => (a.last < b.last ? -1 : a.last > b.last ? 1 : a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  for (let i = ranges.length - 1; i > 0; i--) {
    const cur = ranges[i] as Range;
    const prev = ranges[i - 1] as Range;
    // cilium's GetPreviousIP stops at 0.0.0.0 (IPv4-mapped) and ::.
    const before = cur.first === 0n || cur.first === V4_BASE ? cur.first : cur.first - 1n;
    if (before <= prev.last) {
      ranges[i - 1] = { first: prev.first < cur.first ? prev.first : cur.first, last: cur.last, network: undefined };
      ranges.splice(i, 1);
    }
  }
  const result = new RSet();
  for (const r of ranges) {
    if (r.network) result.add(netString(r.network));
    else for (const c of rangeToCIDRs(r.first, r.last)) result.add(c);
  }
  return result;
}

/**
 * `net.lookup_ip_addr` without a network: the synchronous, browser-safe interpreter does no DNS. Go's
 * resolver answers an IP literal with itself and `localhost` (RFC 6761 names, also `*.localhost`)
 * with the loopback addresses without asking DNS; so do we. Any other name is a clear built-in error.
 */
function lookupIPAddr(name: string): Value {
  const ip = parseIP(name);
  if (ip) return new RSet([ipString(ip)]);
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (lower === 'localhost' || lower.endsWith('.localhost')) return new RSet(['127.0.0.1', '::1']);
  throw fail('net.lookup_ip_addr', `lookup ${name}: DNS lookups are not available in the embedded engine (only IP literals and localhost)`);
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [
  { name: 'net.lookup_ip_addr', arity: 1, fn: (args) => lookupIPAddr(argString('net.lookup_ip_addr', args, 0)) },
  { name: 'net.cidr_contains', arity: 2, fn: (args) => cidrContains('net.cidr_contains', args[0] as Value, args[1] as Value) },
  { name: 'net.cidr_overlap', arity: 2, fn: (args) => cidrContains('net.cidr_overlap', args[0] as Value, args[1] as Value) },
  {
    name: 'net.cidr_intersects',
    arity: 2,
    fn: (args) => {
      const a = netOperand('net.cidr_intersects', args[0] as Value);
      const b = netOperand('net.cidr_intersects', args[1] as Value);
      return contains(a, b.ip) || contains(b, a.ip);
    },
  },
  { name: 'net.cidr_contains_matches', arity: 2, fn: (args) => cidrContainsMatches('net.cidr_contains_matches', args) },
  { name: 'net.cidr_expand', arity: 1, fn: (args, ctx) => cidrExpand('net.cidr_expand', args, ctx) },
  { name: 'net.cidr_merge', arity: 1, fn: (args) => cidrMerge('net.cidr_merge', args) },
  {
    name: 'net.cidr_is_valid',
    arity: 1,
    fn: (args) => {
      const s = args[0] as Value;
      return typeof s === 'string' && typeof parseCIDR(s) !== 'string';
    },
  },
];
