import { ConfigurationError } from '@policy-engine/evaluator';
import { DEFAULT_ENGINE, EngineNotAvailableError } from '@policy-engine/engines';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_DIR, DEFAULT_USERS_FILE, parseUsers, settingsFromEnv } from '../src/index.js';

describe('settingsFromEnv', () => {
  it('has the documented defaults', () => {
    const s = settingsFromEnv({}, '/somewhere');
    expect(s).toMatchObject({
      port: 8084,
      engine: 'native',
      regoVersion: 'auto',
      policyDir: DEFAULT_POLICY_DIR,
      usersFile: DEFAULT_USERS_FILE,
      watchPolicies: true,
    });
    expect(DEFAULT_POLICY_DIR).toMatch(/examples\/policies$/);
    expect(s.opaUrl).toBeUndefined();
    expect(s.decisionLog).toBeUndefined();
    expect(s.wasmWorkers).toBeUndefined();
    expect(s.wasmMaxQueue).toBeUndefined();
  });

  it('reads every variable; relative paths resolve against INIT_CWD', () => {
    const s = settingsFromEnv(
      {
        PORT: '9000',
        ENGINE: 'OPA',
        OPA_URL: 'http://opa:8181/v1/data',
        POLICY_DIR: 'pol',
        DECISION_LOG: '/var/log/d.jsonl',
        REGO_VERSION: 'v0',
        USERS_FILE: 'u.json',
        GATE_CONFIG: 'gate-local.yml',
        WATCH_POLICIES: 'false',
        WASM_WORKERS: '4',
        WASM_MAX_QUEUE: '0',
        DECISION_CACHE_MS: '0',
        INIT_CWD: '/repo',
      },
      '/repo/examples/gate-server',
    );
    expect(s).toMatchObject({
      port: 9000,
      engine: 'opa',
      opaUrl: 'http://opa:8181/v1/data',
      policyDir: '/repo/pol',
      decisionLog: '/var/log/d.jsonl',
      regoVersion: 'v0',
      usersFile: '/repo/u.json',
      gateConfigFile: '/repo/gate-local.yml',
      watchPolicies: false,
      wasmWorkers: 4,
      wasmMaxQueue: 0,
      decisionCacheMs: 0,
    });
    expect(settingsFromEnv({}).decisionCacheMs).toBe(10_000);
  });

  it("rejects an unknown ENGINE with the engine factory's one error", () => {
    expect(() => settingsFromEnv({ ENGINE: 'v8' })).toThrow(EngineNotAvailableError);
    expect(() => settingsFromEnv({ ENGINE: 'v8' })).toThrow('ENGINE: unknown engine "v8": expected one of native, wasm, opa');
    expect(settingsFromEnv({}).engine).toBe(DEFAULT_ENGINE);
  });

  it.each([
    [{ REGO_VERSION: 'v2' }, 'REGO_VERSION must be one of v0, v1, auto'],
    [{ PORT: 'eighty' }, 'PORT must be a port number'],
    [{ PORT: '70000' }, 'PORT must be a port number'],
    [{ WATCH_POLICIES: 'maybe' }, 'WATCH_POLICIES must be true or false'],
    [{ WASM_WORKERS: '0' }, 'WASM_WORKERS must be a whole number from 1 to 64, got "0"'],
    [{ WASM_WORKERS: '1.5' }, 'WASM_WORKERS must be a whole number from 1 to 64'],
    [{ WASM_WORKERS: 'two' }, 'WASM_WORKERS must be a whole number from 1 to 64'],
    [{ WASM_MAX_QUEUE: '-1' }, 'WASM_MAX_QUEUE must be a whole number from 0 to 100000'],
    [{ DECISION_CACHE_MS: '1e4' }, 'DECISION_CACHE_MS must be a whole number from 0 to 3600000'],
  ])('rejects %j', (env, message) => {
    expect(() => settingsFromEnv(env)).toThrow(ConfigurationError);
    expect(() => settingsFromEnv(env)).toThrow(message);
  });
});

describe('parseUsers', () => {
  it('accepts role names and {name, source} objects', () => {
    expect(parseUsers([{ username: 'a', password: 'p', roles: ['x', { name: 'y', source: 'LDAP' }] }])).toEqual([
      { username: 'a', password: 'p', isAdmin: false, roles: ['x', { name: 'y', source: 'LDAP' }] },
    ]);
  });

  it.each([
    [{}, 'expected a JSON array'],
    [[{ password: 'p' }], 'users[0].username'],
    [[{ username: 'a' }], 'users[0].password'],
    [[{ username: 'a', password: 'p', isAdmin: 'yes' }], 'users[0].isAdmin'],
    [[{ username: 'a', password: 'p', roles: [1] }], 'users[0].roles[0]'],
    [
      [
        { username: 'a', password: 'p' },
        { username: 'a', password: 'q' },
      ],
      'duplicate username',
    ],
  ])('rejects %j', (doc, message) => {
    expect(() => parseUsers(doc, 'users.json')).toThrow(message);
  });
});
