/**
 * OPA's `uri.parse` and `uri.is_valid` (`topdown/uri.go`): Go's `net/url.Parse` (Go 1.26, which
 * OPA v1.22.3 is built with), ported byte for byte — the text is handled as its UTF-8 bytes, as
 * a Go string is — with Go's error texts (`parse "<url>": invalid URL escape "%6d"`, `net/url:
 * invalid userinfo`, `invalid port ":x" after host`, …). `uri.parse` returns OPA's object:
 * `scheme`, `hostname`, `port`, `path` with `raw_path`, `raw_query`, `fragment` (each only when
 * not empty); `uri.is_valid` is false for the empty text and for what `url.Parse` rejects.
 */
import { RObject, type Value } from '@policy-engine/rego-value';
import { parseAddr } from './net.js';
import { argString, type BuiltinDef } from './registry.js';
import { fail, fromUtf8, goQuoteBytes, utf8 } from './util.js';

/** A Go string: one JS char per byte (0–255). */
type Bytes = string;

const toBytes = (s: string): Bytes => String.fromCharCode(...utf8(s));
const fromBytes = (b: Bytes): string => fromUtf8(Uint8Array.from(b, (c) => c.charCodeAt(0)));

/** Go's `strconv.Quote` of a Go string (invalid UTF-8 bytes as `\xNN`). */
const quoteBytes = (b: Bytes): string => goQuoteBytes(Uint8Array.from(b, (c) => c.charCodeAt(0)));

class UrlError extends Error {}

type Mode = 'path' | 'pathSegment' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

/** Go's `net/url.shouldEscape` (the reference implementation in `gen_encoding_table.go`). */
function shouldEscape(c: number, mode: Mode): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'pathSegment':
        return ch === '/' || ch === ';' || ch === ',' || ch === '?';
      case 'userPassword':
        return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const unhex = (c: number): number => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10);

/** Go's `net/url.unescape`. */
function unescape(s: Bytes, mode: Mode): Bytes {
  let n = 0;
  let hasPlus = false;
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      n++;
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) {
        throw new UrlError(`invalid URL escape ${quoteBytes(s.slice(i, i + 3))}`);
      }
      if (mode === 'host' && unhex(s.charCodeAt(i + 1)) < 8 && s.slice(i, i + 3) !== '%25') {
        throw new UrlError(`invalid URL escape ${quoteBytes(s.slice(i, i + 3))}`);
      }
      if (mode === 'zone') {
        const v = (unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2));
        if (s.slice(i, i + 3) !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) {
          throw new UrlError(`invalid URL escape ${quoteBytes(s.slice(i, i + 3))}`);
        }
      }
      i += 3;
    } else if (c === 0x2b) {
      hasPlus = mode === 'queryComponent';
      i++;
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new UrlError(`invalid character ${quoteBytes(s[i] as string)} in host name`);
      }
      i++;
    }
  }
  if (n === 0 && !hasPlus) return s;
  let t = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      t += String.fromCharCode((unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2)));
      i += 2;
    } else if (c === 0x2b) t += mode === 'queryComponent' ? ' ' : '+';
    else t += s[i];
  }
  return t;
}

/** Go's `net/url.escape`. */
function escape(s: Bytes, mode: Mode): Bytes {
  let t = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 && mode === 'queryComponent') t += '+';
    else if (shouldEscape(c, mode)) t += '%' + c.toString(16).toUpperCase().padStart(2, '0');
    else t += s[i];
  }
  return t;
}

/** Go's `validOptionalPort`: empty, or `:` and ASCII digits. */
function validOptionalPort(port: Bytes): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (let i = 1; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Go's `validUserinfo` (over runes; every non-ASCII rune is invalid, so bytes do). */
function validUserinfo(s: Bytes): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

/** `netip.ParseAddr` with an optional IPv6 zone, for a bracketed host. */
function checkIPLiteral(host: Bytes): void {
  const text = fromBytes(host);
  const pct = text.indexOf('%');
  const addr = parseAddr(pct >= 0 ? text.slice(0, pct) : text);
  if (addr === undefined || (pct >= 0 && (addr.is4 || pct === text.length - 1))) {
    throw new UrlError(`invalid host: ParseAddr(${quoteBytes(host)}): unable to parse IP`);
  }
  if (addr.is4) throw new UrlError('invalid IP-literal');
}

/** Go's `parseHost`. */
function parseHost(scheme: Bytes, host: Bytes): Bytes {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new UrlError('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${quoteBytes(colonPort)} after host`);
    const port = unescape(colonPort, 'host');
    const hostname = host.slice(1, close);
    const zone = hostname.indexOf('%25');
    const unescaped =
      zone >= 0 ? unescape(hostname.slice(0, zone), 'host') + unescape(hostname.slice(zone), 'zone') : unescape(hostname, 'host');
    checkIPLiteral(unescaped);
    return '[' + unescaped + ']' + port;
  }
  let i = host.indexOf(':');
  if (i !== -1) {
    const last = host.lastIndexOf(':');
    // Go 1.26 (urlstrictcolons=1 by default): only http and https refuse colons in the host.
    if (last !== i && scheme !== 'http' && scheme !== 'https') i = last;
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${quoteBytes(colonPort)} after host`);
  }
  return unescape(host, 'host');
}

interface Url {
  scheme: Bytes;
  opaque: Bytes;
  host: Bytes;
  path: Bytes;
  rawPath: Bytes;
  rawQuery: Bytes;
  fragment: Bytes;
}

/** Go's `getScheme`. */
function getScheme(raw: Bytes): [Bytes, Bytes] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new UrlError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

/** Go's `parse(rawURL, viaRequest=false)`. */
function parse(raw: Bytes): Url {
  for (let i = 0; i < raw.length; i++) {
    const b = raw.charCodeAt(i);
    if (b < 0x20 || b === 0x7f) throw new UrlError('net/url: invalid control character in URL');
  }
  const u: Url = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '', fragment: '' };
  if (raw === '*') {
    u.path = '*';
    return u;
  }
  const [scheme, afterScheme] = getScheme(raw);
  let rest = afterScheme;
  u.scheme = scheme.toLowerCase();
  if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    const slash = rest.indexOf('/');
    if ((slash >= 0 ? rest.slice(0, slash) : rest).includes(':')) throw new UrlError('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf('@');
    u.host = parseHost(u.scheme, at < 0 ? authority : authority.slice(at + 1));
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!validUserinfo(userinfo)) throw new UrlError('net/url: invalid userinfo');
      const colon = userinfo.indexOf(':');
      if (colon < 0) unescape(userinfo, 'userPassword');
      else {
        unescape(userinfo.slice(0, colon), 'userPassword');
        unescape(userinfo.slice(colon + 1), 'userPassword');
      }
    }
  }
  u.path = unescape(rest, 'path');
  u.rawPath = escape(u.path, 'path') === rest ? '' : rest;
  return u;
}

/** Go's `url.Parse`: `parse "<url>": <reason>` on failure. */
function urlParse(text: string): Url {
  const raw = toBytes(text);
  const hash = raw.indexOf('#');
  const u = hash >= 0 ? raw.slice(0, hash) : raw;
  const frag = hash >= 0 ? raw.slice(hash + 1) : '';
  let url: Url;
  try {
    url = parse(u);
  } catch (e) {
    if (e instanceof UrlError) throw new UrlError(`parse ${quoteBytes(u)}: ${e.message}`);
    throw e;
  }
  if (frag === '') return url;
  try {
    url.fragment = unescape(frag, 'fragment');
  } catch (e) {
    if (e instanceof UrlError) throw new UrlError(`parse ${quoteBytes(raw)}: ${e.message}`);
    throw e;
  }
  return url;
}

/** Go's `splitHostPort` (of `URL.Hostname`/`URL.Port`). */
function splitHostPort(hostPort: Bytes): [Bytes, Bytes] {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

function uriParse(text: string): Value {
  let url: Url;
  try {
    url = urlParse(text);
  } catch (e) {
    if (e instanceof UrlError) throw fail('uri.parse', e.message);
    throw e;
  }
  const [hostname, port] = splitHostPort(url.host);
  const entries: [string, Bytes][] = [
    ['scheme', url.scheme],
    ['hostname', hostname],
    ['port', port],
    ['path', url.path],
    ['raw_path', url.path === '' ? '' : url.rawPath || url.path],
    ['raw_query', url.rawQuery],
    ['fragment', url.fragment],
  ];
  return new RObject(entries.filter(([, v]) => v !== '').map(([k, v]) => [k, fromBytes(v)]));
}

function uriIsValid(v: Value): boolean {
  if (typeof v !== 'string' || v === '') return false;
  try {
    urlParse(v);
    return true;
  } catch (e) {
    if (e instanceof UrlError) return false;
    throw e;
  }
}

/** The `uri.*` built-ins. */
export const builtins: BuiltinDef[] = [
  { name: 'uri.parse', arity: 1, fn: (args) => uriParse(argString('uri.parse', args, 0)) },
  { name: 'uri.is_valid', arity: 1, fn: (args) => uriIsValid(args[0] as Value) },
];
