import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@policy-engine/evaluator';
import { normaliseBaseUrl, v0CompatibleSource } from '../src/index.js';

describe('normaliseBaseUrl', () => {
  it.each([
    ['http://opa:8181', 'http://opa:8181'],
    ['http://opa:8181/', 'http://opa:8181'],
    ['http://opa:8181/v1', 'http://opa:8181'],
    ['http://opa:8181/v1/', 'http://opa:8181'],
    ['http://opa:8181/v1/data', 'http://opa:8181'],
    ['https://opa.url:8181/v1/data/', 'https://opa.url:8181'],
    ['http://gw/opa/v1/data', 'http://gw/opa'],
  ])('%s → %s', (input, want) => {
    expect(normaliseBaseUrl(input)).toBe(want);
  });

  it('rejects what is not an http URL', () => {
    expect(() => normaliseBaseUrl('opa:8181')).toThrow(ConfigurationError);
    expect(() => normaliseBaseUrl('not a url')).toThrow(ConfigurationError);
  });
});

describe('v0CompatibleSource', () => {
  it('adds import rego.v1 to a v1 module on its package line, before a comment', () => {
    const src = '# head\npackage a.b # note\n\nallow if true\n';
    const out = v0CompatibleSource({ source: src, regoVersion: 'v1' });
    expect(out.rewritten).toBe(true);
    expect(out.source).toBe('# head\npackage a.b import rego.v1 # note\n\nallow if true\n');
    expect(out.source.split('\n').length).toBe(src.split('\n').length);
  });

  it('leaves v0 modules and modules that already import rego.v1 alone', () => {
    const v0 = 'package a\nallow { true }\n';
    expect(v0CompatibleSource({ source: v0, regoVersion: 'v0' })).toEqual({ source: v0, rewritten: false });
    const v1 = 'package a\n\nimport rego.v1\nallow if true\n';
    expect(v0CompatibleSource({ source: v1, regoVersion: 'v1' })).toEqual({ source: v1, rewritten: false });
  });
});
