import type { Readable } from 'node:stream';
import { GateRequestError } from './errors.js';

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
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/** True for `application/json`, `application/*+json` and a missing content type. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType === undefined || contentType.trim() === '' || JSON_TYPE.test(contentType.trim());
}

/**
 * Parses body text: empty ⇒ undefined; JSON content type (or none) ⇒ `JSON.parse` or a
 * 400; any other content type ⇒ parsed as JSON when it is JSON, else the raw text (so a
 * policy always sees what the handler will get).
 */
export function parseBodyText(text: string, contentType?: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    if (isJsonContentType(contentType)) {
      throw new GateRequestError(400, 'BadRequest', `malformed JSON body: ${e instanceof Error ? e.message : String(e)}`);
    }
    return text;
  }
}

/**
 * Reads a request body stream up to `limit` bytes and parses it (see {@link parseBodyText}).
 * Over the limit ⇒ GateRequestError 413 as soon as the limit is passed (the rest of the
 * stream is drained, not stored; answer with `connection: close`);
 * a compressed body ⇒ 415; invalid UTF-8 or malformed JSON ⇒ 400.
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
        resolve(parseBodyText(text, options.contentType));
      } catch (e) {
        reject(e);
      }
    });
  });
}
