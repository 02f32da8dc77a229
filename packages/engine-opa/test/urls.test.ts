import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@policy-engine/evaluator';
import { normaliseBaseUrl } from '../src/index.js';

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
