import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from 'io-ts';
import { at, errorsOf, fixtureFiles, fixtureInput, isRecord, keys, postJson, rawHttp, rawRequest } from '../src/index.js';

describe('fixtures', () => {
  it('lists the shared fixtures and reads their input', () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThan(40);
    expect(files.every((f) => f.endsWith('.input.json'))).toBe(true);
    const first = files[0]!;
    expect(fixtureFiles(first.slice(0, 4)).every((f) => f.startsWith(first.slice(0, 4)))).toBe(true);
    expect(isRecord(fixtureInput(first))).toBe(true);
  });
});

describe('json accessors', () => {
  it('reads dotted paths and sorted keys, and refuses keys of a non-object', () => {
    const doc = { b: { c: [1] }, a: 1 };
    expect(at(doc, 'b.c')).toEqual([1]);
    expect(at(doc, 'a.x')).toBeUndefined();
    expect(keys(doc)).toEqual(['a', 'b']);
    expect(() => keys([1])).toThrow(/expected an object/);
  });
  it('errorsOf names the path and the expected type', () => {
    expect(errorsOf(t.type({ n: t.number }), { n: 'x' })).toEqual(['input.n <number>']);
    expect(errorsOf(t.type({ n: t.number }), { n: 1 })).toEqual([]);
  });
});

describe('raw HTTP', () => {
  let url = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          url: req.url,
          method: req.method,
          auth: req.headers.authorization ?? null,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('keeps the path exactly as given', async () => {
    const res = await rawRequest(url, '/a/../b/%2e%2e/c', { auth: 'u:p' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ url: '/a/../b/%2e%2e/c', method: 'GET', auth: `Basic ${Buffer.from('u:p').toString('base64')}` });
  });
  it('posts JSON and writes raw requests byte for byte', async () => {
    expect((await postJson(url, '/p', { x: 1 })).json()).toMatchObject({ method: 'POST', body: '{"x":1}' });
    const raw = await rawHttp(url, 'POST /chunked HTTP/1.1\r\ntransfer-encoding: chunked', '3\r\nabc\r\n0\r\n\r\n');
    expect(raw.status).toBe(200);
    expect(JSON.parse(raw.text)).toMatchObject({ url: '/chunked', body: 'abc' });
  });
});
