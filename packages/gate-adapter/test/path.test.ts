import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GateRequestError, compilePathPattern, normalizeRequestPath } from '../src/index.js';

describe('normalizeRequestPath', () => {
  it.each([
    ['/api/v1/tasks', ['api', 'v1', 'tasks'], false],
    ['/tasks?x=/health#frag', ['tasks'], false],
    ['//tasks//', ['tasks'], false],
    ['/applications/my%20app', ['applications', 'my app'], false],
    ['/health/../tasks', ['tasks'], true],
    ['/./tasks', ['tasks'], true],
    ['/health/%2e%2e/tasks', ['tasks'], true],
    ['/health%2F..%2Ftasks', ['tasks'], true],
    ['/a/%252e%252e/b', ['a', '%2e%2e', 'b'], true],
    ['/../../tasks', ['tasks'], true],
    ['/a\\b', ['a\\b'], true],
    ['http://gate.example:8084/applications/x?y', ['applications', 'x'], false],
    ['/', [], false],
  ])('%s → %j (ambiguous %s)', (raw, segments, ambiguous) => {
    expect(normalizeRequestPath(raw)).toEqual({ segments, ambiguous });
  });

  it('decodes exactly once', () => {
    expect(normalizeRequestPath('/x/%2541').segments).toEqual(['x', '%41']);
  });

  it('rejects malformed percent-encoding and NUL bytes with 400', () => {
    for (const raw of ['/a/%E0%A4%A', '/a/%zz', '/a/%00b', '/a/\u0000b']) {
      const err = (() => {
        try {
          normalizeRequestPath(raw);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, raw).toBeInstanceOf(GateRequestError);
      expect((err as GateRequestError).status).toBe(400);
      expect((err as GateRequestError).code).toBe('GATE_REQUEST_INVALID');
    }
  });
});

describe('normalizeRequestPath without percent-encoding (the fast path)', () => {
  it('gives what decoding every segment gives: a path and the same path with a letter percent-encoded', () => {
    const path = fc
      .array(fc.constantFrom('a', 'b', '.', '..', '/', '\\', '?x', '#'), { maxLength: 12 })
      .map((parts) => '/' + parts.join(''));
    fc.assert(
      fc.property(path, (raw) => {
        const encoded = normalizeRequestPath(raw.replace(/a/g, '%61'));
        expect(encoded.segments.some((s) => s.includes('%'))).toBe(false);
        expect(normalizeRequestPath(raw)).toEqual(encoded);
      }),
      { seed: 20261206, numRuns: 2000 },
    );
  });
});

describe('compilePathPattern (Ant style)', () => {
  const seg = (p: string) => p.split('/').filter(Boolean);
  it.each([
    ['/webhooks/**', '/webhooks', true],
    ['/webhooks/**', '/webhooks/a/b/c', true],
    ['/webhooks/**', '/webhooksx', false],
    ['/health', '/health', true],
    ['/health', '/health/x', false],
    ['/public/*/info', '/public/a/info', true],
    ['/public/*/info', '/public/a/b/info', false],
    ['/public/*/info', '/public/info', false],
    ['/api/**/status', '/api/status', true],
    ['/api/**/status', '/api/a/b/status', true],
    ['/api/**/status', '/api/a/b/other', false],
    ['/files/*.json', '/files/a.json', true],
    ['/files/*.json', '/files/ajson', false],
    ['/v?/x', '/v2/x', true],
    ['/v?/x', '/v22/x', false],
    ['/a(b)+/x', '/a(b)+/x', true],
  ])('%s ~ %s = %s', (pattern, path, expected) => {
    expect(compilePathPattern(pattern).matches(seg(path))).toBe(expected);
  });
});
