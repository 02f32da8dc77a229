import type { Readable } from 'node:stream';
import { hasLoneSurrogate } from '@policy-engine/evaluator';
import { GateRequestError } from './errors.js';

/** Default nesting limit of request bodies (`maxBodyDepth`). */
export const DEFAULT_MAX_BODY_DEPTH = 1000;

/** Options of {@link readJsonBody}. */
export interface ReadBodyOptions {
  /** Largest accepted body in bytes. */
  readonly limit: number;
  /** The request's `content-type` header. */
  readonly contentType?: string;
  /** The request's `content-encoding` header. */
  readonly contentEncoding?: string;
  /** The request's `content-length` header. */
  readonly contentLength?: string;
  /** Deepest accepted nesting of arrays/objects (default {@link DEFAULT_MAX_BODY_DEPTH}); deeper ⇒ 400. */
  readonly maxDepth?: number;
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/** True for `application/json`, `application/*+json` and a missing content type. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType === undefined || contentType.trim() === '' || JSON_TYPE.test(contentType.trim());
}

const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** The code unit of a `\uXXXX` escape starting at `i` (the backslash), or -1. */
function escapedUnit(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x5c || text.charCodeAt(i + 1) !== 0x75) return -1;
  for (let k = i + 2; k < i + 6; k++) if (!isHex(text.charCodeAt(k))) return -1;
  return parseInt(text.slice(i + 2, i + 6), 16);
}

const isHigh = (u: number) => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number) => u >= 0xdc00 && u <= 0xdfff;

/**
 * Scans JSON text before it is parsed, in one pass and without recursion: nesting deeper
 * than `maxDepth` and lone UTF-16 surrogates (a `\ud800` escape without its pair, or an
 * unpaired surrogate code unit) ⇒ GateRequestError 400. Works on any text; malformed JSON is
 * left to `JSON.parse`.
 */
export function checkJsonText(text: string, maxDepth: number = DEFAULT_MAX_BODY_DEPTH): void {
  let depth = 0;
  let inString = false;
  const lone = (at: number) =>
    new GateRequestError(400, 'BadRequest', `request body contains a lone UTF-16 surrogate at offset ${at} (not valid Unicode)`);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isHigh(c)) {
      if (!isLow(text.charCodeAt(i + 1))) throw lone(i);
      i++;
      continue;
    }
    if (isLow(c)) throw lone(i);
    if (inString) {
      if (c === 0x22) inString = false;
      else if (c === 0x5c) {
        const unit = escapedUnit(text, i);
        if (unit < 0) {
          i++; // a one-character escape (\", \\, \n …); malformed ones are JSON.parse's to report
          continue;
        }
        if (isLow(unit)) throw lone(i);
        if (isHigh(unit)) {
          if (!isLow(escapedUnit(text, i + 6))) throw lone(i);
          i += 11;
        } else {
          i += 5;
        }
      }
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) {
        throw new GateRequestError(400, 'BadRequest', `request body nests arrays/objects deeper than ${maxDepth} levels (offset ${i})`);
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/**
 * Parses body text: empty ⇒ undefined; JSON content type (or none) ⇒ `JSON.parse` or a
 * 400; any other content type ⇒ parsed as JSON when it is JSON, else the raw text (so a
 * policy always sees what the handler will get). What becomes JSON is first checked by
 * {@link checkJsonText}: nesting deeper than `maxDepth` or a lone surrogate ⇒ 400 (a non-JSON
 * body kept as text is refused only for an unpaired surrogate code unit; its brackets and
 * `\u` sequences are just characters of a string).
 * Keys such as `__proto__`, `constructor` and `prototype` stay plain own data properties
 * (JSON.parse defines them; nothing assigns them), so they never reach a prototype and the
 * policy sees them as the keys they are.
 */
export function parseBodyText(text: string, contentType?: string, maxDepth: number = DEFAULT_MAX_BODY_DEPTH): unknown {
  if (text.trim() === '') return undefined;
  const json = isJsonContentType(contentType);
  let problem: GateRequestError | undefined;
  try {
    checkJsonText(text, maxDepth);
  } catch (e) {
    if (!(e instanceof GateRequestError)) throw e;
    problem = e;
  }
  // Refused before JSON.parse builds anything from it.
  if (problem && json) throw problem;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (e) {
    if (json) throw new GateRequestError(400, 'BadRequest', `malformed JSON body: ${e instanceof Error ? e.message : String(e)}`);
    if (hasLoneSurrogate(text))
      throw new GateRequestError(400, 'BadRequest', 'request body contains a lone UTF-16 surrogate (not valid Unicode)');
    return text;
  }
  if (problem) throw problem;
  return parsed;
}

/**
 * Reads a request body stream up to `limit` bytes and parses it (see {@link parseBodyText}).
 * Over the limit ⇒ GateRequestError 413 as soon as the limit is passed (the rest of the
 * stream is drained, not stored; answer with `connection: close`);
 * a compressed body ⇒ 415; invalid UTF-8, malformed JSON, nesting deeper than `maxDepth` or a
 * lone surrogate ⇒ 400.
 */
export function readJsonBody(stream: Readable, options: ReadBodyOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const encoding = options.contentEncoding?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      stream.resume();
      reject(new GateRequestError(415, 'UnsupportedMediaType', `content-encoding "${encoding}" is not supported`));
      return;
    }
    const declared = options.contentLength === undefined ? NaN : Number(options.contentLength);
    const tooLarge = () => new GateRequestError(413, 'PayloadTooLarge', `request body is larger than ${options.limit} bytes`);
    if (declared > options.limit) {
      stream.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > options.limit) {
        // Refuse at once; the rest of the body is drained and discarded, not stored.
        over = true;
        chunks.length = 0;
        stream.off('data', onData);
        stream.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(buf);
    };
    stream.on('data', onData);
    stream.on('error', (e) => reject(new GateRequestError(400, 'BadRequest', `could not read request body: ${e.message}`)));
    stream.on('end', () => {
      if (over) return;
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        reject(new GateRequestError(400, 'BadRequest', 'request body is not valid UTF-8'));
        return;
      }
      try {
        resolve(parseBodyText(text, options.contentType, options.maxDepth));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
