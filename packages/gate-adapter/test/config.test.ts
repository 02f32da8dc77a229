import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@policy-engine/evaluator';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXEMPT_PATHS, loadArmoryConfigFile, parseArmoryConfigYaml, readArmoryConfig, resolveGateConfig } from '../src/index.js';

describe('Armory configuration', () => {
  it('has the documented defaults', () => {
    const c = readArmoryConfig({});
    expect(c.timeoutSeconds).toBe(10);
    expect(c.failOpen).toBe(false);
    expect(c.allow).toEqual([]);
    expect(c.forceAuthentication).toEqual([]);
    expect(c.bodyLimitBytes).toBe(10 * 1024 * 1024);
    expect(DEFAULT_EXEMPT_PATHS).toEqual([
      '/auth/user',
      '/auth/loggedOut',
      '/webhooks/**',
      '/notifications/callbacks/**',
      '/health',
      '/plugins/deck/**',
    ]);
  });

  it('reads nested YAML keys', () => {
    const c = parseArmoryConfigYaml(
      [
        'armory:',
        '  policyEngine:',
        '    opa:',
        '      baseUrl: http://opa:8181/v1/data',
        '      timeoutSeconds: 3',
        '    failOpen: true',
        '    allow:',
        '      - path: /api/**',
        '    forceAuthentication:',
        '      - path: /webhooks/**',
        '        method: post',
      ].join('\n'),
    );
    expect(c).toMatchObject({
      opaBaseUrl: 'http://opa:8181/v1/data',
      timeoutSeconds: 3,
      failOpen: true,
      allow: ['/api/**'],
      forceAuthentication: [{ path: '/webhooks/**', method: 'POST' }],
    });
  });

  it('reads flat dotted keys and Spring indexed lists', () => {
    const c = readArmoryConfig({
      'armory.policyEngine.failOpen': 'true',
      'armory.policyEngine.opa.timeoutSeconds': '7',
      armory: { policyEngine: { allow: { 1: { path: '/b' }, 0: { path: '/a' } } } },
    });
    expect(c.failOpen).toBe(true);
    expect(c.timeoutSeconds).toBe(7);
    expect(c.allow).toEqual(['/a', '/b']);
  });

  it('lets code overrides win', () => {
    expect(readArmoryConfig({ armory: { policyEngine: { failOpen: true } } }, { failOpen: false }).failOpen).toBe(false);
  });

  it.each([
    [{ armory: { policyEngine: { allow: ['/api/**'] } } }, 'armory.policyEngine.allow[0] must be an object with a "path" key'],
    [{ armory: { policyEngine: { allow: [{ pattern: '/x' }] } } }, 'allow[0]'],
    [{ armory: { policyEngine: { failOpen: 'yes' } } }, 'armory.policyEngine.failOpen must be a boolean'],
    [{ armory: { policyEngine: { opa: { timeoutSeconds: -1 } } } }, 'timeoutSeconds must be a positive number'],
    [{ armory: { policyEngine: { forceAuthentication: [{ method: 'POST' }] } } }, 'forceAuthentication[0]'],
    [['not', 'a', 'map'], 'expected a mapping'],
  ])('rejects %j', (doc, message) => {
    expect(() => readArmoryConfig(doc, {}, 'gate-local.yml')).toThrow(ConfigurationError);
    expect(() => readArmoryConfig(doc, {}, 'gate-local.yml')).toThrow(message);
  });

  it('reports YAML syntax errors with file:line:col', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gate-cfg-'));
    const file = join(dir, 'gate-local.yml');
    writeFileSync(file, 'armory:\n  policyEngine:\n    failOpen: [true\n');
    expect(() => loadArmoryConfigFile(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+`));
    expect(() => loadArmoryConfigFile(join(dir, 'missing.yml'))).toThrow(ConfigurationError);
  });

  it('validates code configuration', () => {
    expect(() => resolveGateConfig({ bodyLimitBytes: 0 })).toThrow(ConfigurationError);
    expect(() => resolveGateConfig({ timeoutSeconds: Number.NaN })).toThrow(ConfigurationError);
  });
});

describe('bundle and decision-log keys (OPA settings in the Armory profile)', () => {
  it('reads armory.policyEngine.bundle.* and decisionLogs.url, nested or flat', () => {
    const config = parseArmoryConfigYaml(
      'armory:\n  policyEngine:\n    bundle:\n      url: http://b/bundle.tar.gz\n      pollingSeconds: 5\n      verificationKey: key.pem\n    decisionLogs.url: http://c/logs\n',
    );
    expect(config.bundle).toEqual({ url: 'http://b/bundle.tar.gz', pollingSeconds: 5, verificationKey: 'key.pem' });
    expect(config.decisionLogUrl).toBe('http://c/logs');
    expect(readArmoryConfig({ 'armory.policyEngine.bundle.url': 'http://x/b' }).bundle).toEqual({ url: 'http://x/b' });
  });

  it('refuses a bundle block without url and malformed values', () => {
    expect(() => readArmoryConfig({ armory: { policyEngine: { bundle: { token: 't' } } } })).toThrow(
      'armory.policyEngine.bundle needs a url',
    );
    expect(() => readArmoryConfig({ armory: { policyEngine: { bundle: { url: 'http://x', pollingSeconds: -1 } } } })).toThrow(
      'pollingSeconds must be a positive number',
    );
    expect(() => readArmoryConfig({ armory: { policyEngine: { decisionLogs: { url: 3 } } } })).toThrow(ConfigurationError);
  });
});
