import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GateRequestError, isJsonContentType, parseBodyText, readJsonBody } from '../src/index.js';

async function failure(p: Promise<unknown>): Promise<GateRequestError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GateRequestError);
  return e as GateRequestError;
}

describe('readJsonBody', () => {
  it('parses JSON bodies and treats an empty body as none', async () => {
    expect(await readJsonBody(Readable.from([Buffer.from('{"a":'), Buffer.from('[1,2]}')]), { limit: 100 })).toEqual({ a: [1, 2] });
    expect(await readJsonBody(Readable.from([]), { limit: 100, contentType: 'application/json' })).toBeUndefined();
  });

  it('refuses over the limit as soon as it is passed, without waiting for the end', async () => {
    const stream = new PassThrough();
    const result = readJsonBody(stream, { limit: 10 });
    stream.write(Buffer.alloc(8, 0x20));
    stream.write(Buffer.alloc(8, 0x20)); // never ended: a slow or endless upload
    expect((await failure(result)).status).toBe(413);
    stream.destroy();
  });

  it('refuses a declared content-length over the limit before reading', async () => {
    const e = await failure(readJsonBody(new PassThrough(), { limit: 10, contentLength: '11' }));
    expect(e).toMatchObject({ status: 413, errorName: 'PayloadTooLarge' });
  });

  it('answers 400 for malformed JSON or UTF-8, 415 for compressed bodies', async () => {
    expect((await failure(readJsonBody(Readable.from(['{"a":']), { limit: 100, contentType: 'application/json' }))).status).toBe(400);
    expect((await failure(readJsonBody(Readable.from([Buffer.from([0x22, 0xff, 0x22])]), { limit: 100 }))).status).toBe(400);
    expect((await failure(readJsonBody(Readable.from(['x']), { limit: 100, contentEncoding: 'gzip' }))).status).toBe(415);
  });
});

describe('parseBodyText', () => {
  it('keeps non-JSON text of non-JSON content types as a string', () => {
    expect(parseBodyText('a=b', 'application/x-www-form-urlencoded')).toBe('a=b');
    expect(parseBodyText('{"x":1}', 'text/plain')).toEqual({ x: 1 });
    expect(() => parseBodyText('a=b', 'application/json')).toThrow(GateRequestError);
    expect(() => parseBodyText('a=b')).toThrow(GateRequestError);
    expect(() => parseBodyText('nope', 'application/vnd.spinnaker+json; charset=utf-8')).toThrow(GateRequestError);
  });

  it('checks what becomes JSON, whatever the content type; text kept as text is only a string', () => {
    const deep = `${'['.repeat(1001)}${']'.repeat(1001)}`;
    expect(() => parseBodyText(deep, 'text/plain')).toThrow(/deeper than 1000 levels/);
    expect(() => parseBodyText(deep)).toThrow(/deeper than 1000 levels/);
    expect(() => parseBodyText('"\\ud800"', 'text/plain')).toThrow(/lone UTF-16 surrogate/);
    // Not JSON: brackets and backslash-u sequences are characters of a string.
    expect(parseBodyText(`x${'['.repeat(5000)}`, 'text/plain')).toBe(`x${'['.repeat(5000)}`);
    expect(parseBodyText('a=\\ud800', 'application/x-www-form-urlencoded')).toBe('a=\\ud800');
    expect(() => parseBodyText('a=\ud800', 'application/x-www-form-urlencoded')).toThrow(/lone UTF-16 surrogate/);
    expect(parseBodyText(`${'['.repeat(20)}${']'.repeat(20)}`, 'application/json', 20)).toHaveLength(1);
    expect(() => parseBodyText(`${'['.repeat(21)}${']'.repeat(21)}`, 'application/json', 20)).toThrow(GateRequestError);
  });

  it('recognises JSON content types', () => {
    expect(isJsonContentType(undefined)).toBe(true);
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/merge-patch+json')).toBe(true);
    expect(isJsonContentType('text/plain')).toBe(false);
  });
});
