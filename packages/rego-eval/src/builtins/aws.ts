/**
 * `providers.aws.sign_req` (`topdown/providers.go`, `internal/providers/aws/signing_v4.go`):
 * AWS Signature Version 4 of an `http.send`-style request object, with OPA's operand checks and
 * messages. Pure computation (SHA-256 and HMAC-SHA256 from `@noble/hashes`); nothing is sent.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { RObject, RSet, compareStrings, formatValue, goQuote, isInteger, isNumber, toBigInt, type Value } from '@policy-engine/rego-value';
import { goMarshal } from './gojson.js';
import { validateHttpRequest } from './http-send.js';
import { typeError, type BuiltinDef } from './registry.js';
import { fail, operandError, utf8 } from './util.js';

const NAME = 'providers.aws.sign_req';

const REQUIRED_AWS = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function setText(keys: readonly Value[]): string {
  return formatValue(new RSet(keys));
}

function str(v: Value | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** The host and escaped path of a URL as Go's `url.Parse` gives them (`Host`, `EscapedPath()`, `RawQuery`). */
function urlParts(u: string): { host: string; path: string; query: string } {
  let rest = u;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest);
  if (scheme !== null) rest = rest.slice(scheme[0].length);
  let host = '';
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    host = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    const at = host.lastIndexOf('@');
    if (at >= 0) host = host.slice(at + 1);
  }
  return { host, path: escapedPath(u, rest), query };
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Go's `shouldEscape(c, encodePath)`. */
function shouldEscapePath(c: number): boolean {
  if (isAlnum(c)) return false;
  return !'-_.~$&+,/:;=@'.includes(String.fromCharCode(c));
}

/** Go's `url.URL.EscapedPath()` of a raw path (the raw text when it is a valid encoding, else the decoded path escaped). */
function escapedPath(u: string, raw: string): string {
  const bytes = utf8(raw);
  const decoded: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 0x25) {
      decoded.push(b);
      continue;
    }
    const h = String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0);
    if (!/^[0-9A-Fa-f]{2}$/.test(h))
      throw fail(NAME, `parse ${goQuote(u)}: invalid URL escape ${goQuote(new TextDecoder().decode(bytes.subarray(i, i + 3)))}`);
    decoded.push(parseInt(h, 16));
    i += 2;
  }
  const valid = [...bytes].every((c) => "!$&'()*+,;=:@[]%".includes(String.fromCharCode(c)) || !shouldEscapePath(c));
  let escaped = '';
  for (const c of decoded) escaped += shouldEscapePath(c) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(c);
  // unescape(raw) equals the decoded path by construction, so a valid raw encoding is kept as written.
  return valid ? raw : escaped;
}

function mac(key: Uint8Array, message: string): Uint8Array {
  return hmac(sha256, key, utf8(message));
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function signReq(args: Value[]): Value {
  const [reqV, cfgV, tsV] = args as [Value, Value, Value];
  if (!(reqV instanceof RObject)) throw typeError(NAME, 1, 'object', reqV);
  if (!(cfgV instanceof RObject)) throw typeError(NAME, 1, 'object', cfgV);
  const missingAws = REQUIRED_AWS.filter((k) => cfgV.get(k) === undefined);
  if (missingAws.length > 0) throw operandError(NAME, 2, `missing required AWS config parameters(s): ${setText(missingAws)}`);
  const badAws = REQUIRED_AWS.filter((k) => typeof cfgV.get(k) !== 'string');
  if (badAws.length > 0) throw operandError(NAME, 2, `invalid values for required AWS config parameters(s): ${setText(badAws)}`);
  const service = str(cfgV.get('aws_service'));
  const accessKey = str(cfgV.get('aws_access_key'));
  const secretKey = str(cfgV.get('aws_secret_access_key'));
  const region = str(cfgV.get('aws_region'));
  const token = cfgV.get('aws_session_token');
  const sessionToken = token !== undefined ? str(token) : '';
  if (!isNumber(tsV)) throw typeError(NAME, 1, 'number', tsV);
  const ts = isInteger(tsV) ? toBigInt(tsV) : undefined;
  if (ts === undefined || ts > INT64_MAX || ts < INT64_MIN)
    throw operandError(NAME, 3, 'could not convert time_ns value into a unix timestamp');
  validateHttpRequest(NAME, reqV, 1);
  const headersV = reqV.get('headers');
  let headers = new RObject();
  if (headersV !== undefined) {
    if (!(headersV instanceof RObject)) throw typeError(NAME, 0, 'object', headersV);
    headers = headersV;
  }
  const urlV = reqV.get('url');
  const methodV = reqV.get('method');
  const badReq = [...(typeof urlV !== 'string' ? ['url'] : []), ...(typeof methodV !== 'string' ? ['method'] : [])];
  if (badReq.length > 0) throw operandError(NAME, 1, `invalid values for required request parameters(s): ${setText(badReq)}`);
  const url = urlParts(urlV as string);
  const method = methodV as string;
  const rawBody = reqV.get('raw_body');
  const body = reqV.get('body');
  const bodyText = rawBody !== undefined ? str(rawBody) : body !== undefined ? goMarshal(body) : '';
  const cfgDisable = cfgV.get('disable_payload_signing');
  let disablePayloadSigning = false;
  if (cfgDisable !== undefined) {
    if (typeof cfgDisable !== 'boolean') throw operandError(NAME, 2, "invalid value for 'disable_payload_signing' in AWS config");
    disablePayloadSigning = cfgDisable;
  }

  const headerMap = new Map<string, string>();
  for (const [k, v] of headers.sortedEntries()) headerMap.set(str(k), str(v));

  const ms = Number(ts / 1_000_000n - (ts % 1_000_000n < 0n ? 1n : 0n));
  const d = new Date(ms);
  const dateNow = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const isoNow = `${dateNow}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  const contentSha = disablePayloadSigning ? 'UNSIGNED-PAYLOAD' : bytesToHex(sha256(utf8(bodyText)));

  const awsHeaders = new Map<string, string>([
    ['host', url.host],
    ['x-amz-date', isoNow],
  ]);
  if (service === 's3' || service === 'glacier') awsHeaders.set('x-amz-content-sha256', contentSha);
  if (sessionToken !== '') awsHeaders.set('x-amz-security-token', sessionToken);

  const toSign = new Map<string, string>(awsHeaders);
  for (const [k, v] of headerMap) {
    const lower = k.toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, v);
  }
  const ordered = [...toSign.keys()].sort(compareStrings);
  let canonical = `${method}\n${url.path}\n${url.query}\n`;
  for (const k of ordered) canonical += `${k}:${toSign.get(k) as string}\n`;
  const headerList = ordered.join(';');
  canonical += `\n${headerList}\n${contentSha}`;

  const scope = `${dateNow}/${region}/${service}/aws4_request`;
  const strToSign = `AWS4-HMAC-SHA256\n${isoNow}\n${scope}\n${bytesToHex(sha256(utf8(canonical)))}`;
  let key = mac(utf8('AWS4' + secretKey), dateNow);
  key = mac(key, region);
  key = mac(key, service);
  key = mac(key, 'aws4_request');
  const signature = bytesToHex(mac(key, strToSign));
  const auth = `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope},SignedHeaders=${headerList},Signature=${signature}`;

  const out = new Map<string, string>(headerMap);
  out.set('Authorization', auth);
  for (const [k, v] of awsHeaders) out.set(k, v);
  const signedHeaders = new RObject([...out].map(([k, v]): [Value, Value] => [k, v]));
  return new RObject([...reqV.sortedEntries().filter(([k]) => k !== 'headers'), ['headers', signedHeaders]]);
}

/** The built-ins of this family. */
export const builtins: BuiltinDef[] = [{ name: NAME, arity: 3, fn: (args) => signReq(args) }];
