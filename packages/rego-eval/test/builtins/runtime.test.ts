import { describe, expect, it } from 'vitest';
import type { Value } from '@policy-engine/rego-value';
import { nativeOutcome, opaOutcome, type QueryCase } from '../opa-query.js';
import { calls, disagreements } from './oracle.js';

const mockModule = `package t
mock(req) := {"status_code": 200, "body": {"echo": req.url}}
allow if http.send({"method": "GET", "url": "https://example.com/x"}).body.echo == "https://example.com/x"
`;

describe('http.send, opa.runtime, net.lookup_ip_addr (no network in the embedded engine)', () => {
  it('with http.send as <mock> works as on OPA', () => {
    const c: QueryCase = { modules: [mockModule], query: 'x := data.t.allow with http.send as data.t.mock' };
    expect(nativeOutcome(c)).toBe('{"x":true}');
    expect(opaOutcome(c)).toBe('{"x":true}');
  });

  it('a real http.send is a clear built-in error in strict mode and undefined otherwise', () => {
    const strict: QueryCase = { modules: [mockModule], query: 'x := data.t.allow', strict: true };
    expect(nativeOutcome(strict)).toMatch(/^error eval_builtin_error: http\.send: .*network access is disabled in the embedded engine/);
    expect(nativeOutcome({ ...strict, strict: false })).toBe('undefined');
  });

  it('opa.runtime() is {} and mocks an arity-0 built-in (OPA v1.22.3 withkeyword "arity 0")', () => {
    expect(nativeOutcome({ modules: [], query: 'x := opa.runtime()' })).toBe('{"x":{}}');
    expect(nativeOutcome({ modules: [], query: 'x := time.now_ns() with time.now_ns as opa.runtime' })).toBe('{"x":{}}');
  });

  it('net.lookup_ip_addr answers IP literals as OPA does, localhost with the loopbacks, other names with an error', async () => {
    const literals: Value[][] = [['10.0.0.0'], ['::'], ['::ffff:1.2.3.4'], ['2001:db8::1'], ['1.2.3.4'], [1]];
    expect((await disagreements(calls('net.lookup_ip_addr', literals))).join('\n')).toBe('');
    expect(nativeOutcome({ modules: [], query: 'x := net.lookup_ip_addr("localhost")' })).toBe('{"x":["127.0.0.1","::1"]}');
    expect(nativeOutcome({ modules: [], query: 'x := net.lookup_ip_addr("example.com")', strict: true })).toMatch(
      /net\.lookup_ip_addr: lookup example\.com: DNS lookups are not available in the embedded engine/,
    );
  });
});
