import { describe, expect, it } from 'vitest';
import { createRequestClassifier, resolveGateConfig } from '../src/index.js';

const classifier = createRequestClassifier(
  resolveGateConfig({
    allow: ['/public/**'],
    forceAuthentication: [
      { path: '/webhooks/secure/**', method: 'POST' },
      { path: '/public/private/*', method: 'GET' },
      { path: '/health' },
    ],
  }),
);
const kind = (method: string, url: string) => classifier.classify(method, url).kind;

describe('createRequestClassifier', () => {
  it('exempts the defaults and configured patterns', () => {
    expect(kind('GET', '/webhooks/git/github')).toBe('exempt');
    expect(kind('GET', '/public/a/b')).toBe('exempt');
    expect(kind('GET', '/applications')).toBe('protected');
  });

  it('forceAuthentication applies to its method only (any method when none is given)', () => {
    expect(kind('POST', '/webhooks/secure/x')).toBe('protected');
    expect(kind('GET', '/webhooks/secure/x')).toBe('exempt');
    expect(kind('DELETE', '/health')).toBe('protected');
    expect(kind('GET', '/health')).toBe('protected');
  });

  it('a forced GET also covers HEAD, which frameworks serve with the GET handler', () => {
    expect(kind('GET', '/public/private/doc')).toBe('protected');
    expect(kind('HEAD', '/public/private/doc')).toBe('protected');
    expect(kind('OPTIONS', '/public/private/doc')).toBe('exempt');
  });

  it('recognises the entitlements route only for POST and an unambiguous spelling', () => {
    expect(kind('POST', '/policy-engine/isFeatureEnabled')).toBe('entitlements');
    expect(kind('POST', '//policy-engine/isFeatureEnabled/')).toBe('entitlements');
    expect(kind('GET', '/policy-engine/isFeatureEnabled')).toBe('protected');
    expect(kind('POST', '/policy-engine/./isFeatureEnabled')).toBe('protected');
  });

  it('classifies malformed paths as invalid (400)', () => {
    const c = classifier.classify('GET', '/a/%zz');
    expect(c.kind).toBe('invalid');
    if (c.kind === 'invalid') expect(c.error.status).toBe(400);
  });
});
