/** The fleet settings shared by the example gate and the Orca runner: environment, config file, and what they make. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import {
  ConfigurationError,
  fleetBundleSource,
  fleetOpaBundleConfig,
  fleetSettingsFromEnv,
  withFleetFileSettings,
} from '@policy-engine/evaluator';
import { removeDir, tempDir } from './support/temp.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
  await writeFile(join(dir, 'key.pem'), 'PEM TEXT');
});
afterEach(() => removeDir(dir));

describe('fleet settings', () => {
  it('reads the environment (relative paths against the base dir) and makes the bundle source', () => {
    const s = fleetSettingsFromEnv(
      {
        BUNDLE_URL: ' http://b/x.tar.gz ',
        BUNDLE_POLLING_SECONDS: '5',
        BUNDLE_VERIFICATION_KEY: 'key.pem',
        BUNDLE_TOKEN: 't',
        BUNDLE_PERSIST_DIR: 'persist',
        DECISION_LOG_URL: 'http://c/logs',
        DECISION_LOG_SECONDS: '2',
      },
      dir,
    );
    expect(s).toEqual({
      bundleUrl: 'http://b/x.tar.gz',
      bundlePollingSeconds: 5,
      bundleVerificationKey: 'PEM TEXT',
      bundleToken: 't',
      bundlePersistDir: join(dir, 'persist'),
      decisionLogUrl: 'http://c/logs',
      decisionLogSeconds: 2,
    });
    expect(fleetBundleSource(s, { name: 'orca' })).toEqual({
      kind: 'bundle-service',
      url: 'http://b/x.tar.gz',
      name: 'orca',
      polling: { minDelaySeconds: 5, maxDelaySeconds: 10 },
      token: 't',
      persistDir: join(dir, 'persist'),
      verification: { keys: { orca: { algorithm: 'RS256', key: 'PEM TEXT' } }, keyId: 'orca' },
    });
    expect(fleetBundleSource({}, { name: 'orca' })).toBeUndefined();
    // The same bundle, as an OPA configuration pulling it (the fleet's managed OPA with ENGINE=opa).
    expect(fleetOpaBundleConfig({ ...s, bundleUrl: 'https://b:8443/base/x.tar.gz?v=1' }, { name: 'orca' })).toEqual({
      services: { 'orca-bundles': { url: 'https://b:8443', credentials: { bearer: { token: 't' } } } },
      bundles: {
        orca: {
          service: 'orca-bundles',
          resource: '/base/x.tar.gz?v=1',
          polling: { min_delay_seconds: 5, max_delay_seconds: 10 },
          signing: { keyid: 'orca' },
          persist: true,
        },
      },
      keys: { orca: { algorithm: 'RS256', key: 'PEM TEXT' } },
      persistence_directory: join(dir, 'persist', 'opa'),
    });
    // OPA's polling delays are whole seconds: fractions round, to 1 s at least; nothing else is set.
    expect(fleetOpaBundleConfig({ bundleUrl: 'http://b/x.tar.gz', bundlePollingSeconds: 0.4 }, { name: 'gate' })).toEqual({
      services: { 'gate-bundles': { url: 'http://b' } },
      bundles: { gate: { service: 'gate-bundles', resource: '/x.tar.gz', polling: { min_delay_seconds: 1, max_delay_seconds: 2 } } },
    });
    expect(fleetOpaBundleConfig({}, { name: 'orca' })).toBeUndefined();
    expect(() => fleetOpaBundleConfig({ bundleUrl: 'not a url' }, { name: 'orca' })).toThrow(ConfigurationError);
  });

  it('refuses bad seconds and an unreadable key file', () => {
    expect(() => fleetSettingsFromEnv({ BUNDLE_POLLING_SECONDS: '0' }, dir)).toThrow(ConfigurationError);
    expect(() => fleetSettingsFromEnv({ BUNDLE_VERIFICATION_KEY: 'missing.pem' }, dir)).toThrow(/BUNDLE_VERIFICATION_KEY: cannot read/);
  });

  it('completes from the config file where the environment gave nothing; the environment wins', () => {
    const file = {
      bundle: { url: 'http://file/b', pollingSeconds: 7, verificationKey: 'key.pem', persistDir: 'p' },
      decisionLogUrl: 'http://file/logs',
    };
    expect(withFleetFileSettings({}, file, join(dir, 'config.yml'))).toEqual({
      bundleUrl: 'http://file/b',
      bundlePollingSeconds: 7,
      bundleVerificationKey: 'PEM TEXT',
      bundlePersistDir: join(dir, 'p'),
      decisionLogUrl: 'http://file/logs',
    });
    expect(withFleetFileSettings({ bundleUrl: 'http://env/b', decisionLogUrl: 'http://env/logs' }, file)).toEqual({
      bundleUrl: 'http://env/b',
      decisionLogUrl: 'http://env/logs',
    });
  });
});
