import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPolicyEngine } from '@policy-engine/evaluator';
import { findOpa, startOpaServer } from '@policy-engine/opa';
import {
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  EngineNotAvailableError,
  createEngineByName,
  isEngineName,
  parseEngineName,
  type NamedEngine,
} from '../src/index.js';

const policies = {
  kind: 'inline' as const,
  modules: [{ id: 'p.rego', source: 'package t\n\ndeny contains "no" if input.x == 1\n' }],
};
const startOpa = () => startOpaServer({ v0Compatible: true });

async function failure(p: Promise<unknown>): Promise<EngineNotAvailableError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EngineNotAvailableError);
  return e as EngineNotAvailableError;
}

describe('engine names', () => {
  it('has one default, the native interpreter, and reads names case-insensitively', () => {
    expect(DEFAULT_ENGINE).toBe('native');
    expect(ENGINE_NAMES).toEqual(['native', 'wasm', 'opa']);
    expect(parseEngineName(undefined)).toBe(DEFAULT_ENGINE);
    expect(parseEngineName('  ')).toBe(DEFAULT_ENGINE);
    expect(parseEngineName(' OPA ')).toBe('opa');
    expect(isEngineName('opa')).toBe(true);
    expect(isEngineName('OPA')).toBe(false);
  });

  it('refuses an unknown name with the one error type, listing the known names', () => {
    expect(() => parseEngineName('v8')).toThrow(EngineNotAvailableError);
    expect(() => parseEngineName('v8')).toThrow('unknown engine "v8": expected one of native, wasm, opa');
  });
});

describe('createEngineByName', () => {
  const made: NamedEngine[] = [];
  afterEach(async () => {
    for (const m of made.splice(0)) await m.close();
  });

  it('refuses unknown names, and opa without a server or a way to start one', async () => {
    expect(await failure(createEngineByName('lua'))).toMatchObject({ code: 'ENGINE_NOT_AVAILABLE', reason: 'unknown', engineName: 'lua' });
    expect((await failure(createEngineByName('opa'))).message).toContain('needs an OPA server address');
  });

  it('makes the native engine by default, computing neither wasm nor opa options', async () => {
    const never = (what: string) => () => {
      throw new Error(`${what} must not be computed for native`);
    };
    const chosen = await createEngineByName(undefined, {
      native: () => Promise.resolve({ strictBuiltinErrors: true }),
      wasm: never('wasm'),
      opa: never('opa'),
      startOpa: () => Promise.reject(new Error('must not start')),
    });
    made.push(chosen);
    expect(chosen).toMatchObject({ name: 'native', description: 'native' });
    expect(chosen.engine.name).toBe('native');
    expect(chosen.localOpa).toBeUndefined();
  });

  it('awaits an async options function and passes its error through (e.g. OPA not found)', async () => {
    const notFound = new Error('no opa');
    await expect(createEngineByName('wasm', { wasm: () => Promise.reject(notFound) })).rejects.toBe(notFound);
    const wasm = await createEngineByName('wasm', { wasm: () => Promise.resolve({ opaPath: findOpa(), workers: 1 }) });
    made.push(wasm);
    expect(wasm.description).toBe('wasm (1 workers)');
  });

  it('makes the default engine, wasm and a started OPA decide the same way; close() stops the started OPA', async () => {
    const native = await createEngineByName(undefined);
    const wasm = await createEngineByName('wasm', { wasm: { opaPath: findOpa() } });
    const opa = await createEngineByName('opa', { startOpa });
    made.push(native, wasm, opa);
    expect(native).toMatchObject({ name: 'native', description: 'native' });
    expect(wasm).toMatchObject({ name: 'wasm', description: 'wasm' });
    expect(opa.name).toBe('opa');
    expect(opa.description).toMatch(/^opa http:\/\/127\.0\.0\.1:\d+ \(started, pid \d+\)$/);
    for (const m of [native, wasm, opa]) {
      const pe = await createPolicyEngine({ engine: m.engine, policies });
      expect(await pe.evaluate('t', { x: 1 }), m.name).toMatchObject({ allowed: false, denies: ['no'], engine: m.engine.name });
      expect(await pe.evaluate('t', { x: 2 }), m.name).toMatchObject({ allowed: true });
      await pe.close();
    }
    const url = opa.localOpa?.url ?? '';
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await opa.close();
    await opa.close(); // idempotent
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it("sends a started OPA's headers (a token-protected OPA accepts the set only with them)", async () => {
    const authz = join(mkdtempSync(join(tmpdir(), 'engines-authz-')), 'authz.rego');
    writeFileSync(
      authz,
      'package system.authz\n\ndefault allow := false\n\nallow if input.path == ["health"]\n\nallow if input.identity == "s3cret"\n',
    );
    const server = await startOpaServer({ args: ['--authentication=token', '--authorization=basic'], files: [authz] });
    try {
      const local = (headers?: Record<string, string>) => () =>
        Promise.resolve({ url: server.url, pid: server.pid, ...(headers ? { headers } : {}), stop: () => Promise.resolve() });
      const withToken = await createEngineByName('opa', { startOpa: local({ authorization: 'Bearer s3cret' }) });
      made.push(withToken);
      const pe = await createPolicyEngine({ engine: withToken.engine, policies });
      expect((await pe.evaluate('t', { x: 1 })).denies).toEqual(['no']);
      await pe.close();
      const without = await createEngineByName('opa', { startOpa: local() });
      made.push(without);
      await expect(createPolicyEngine({ engine: without.engine, policies })).rejects.toThrow(/401|unauthori[sz]ed/i);
    } finally {
      await server.stop();
    }
  });

  it("uses a given OPA address without starting one, computing only the chosen engine's options", async () => {
    const server = await startOpa();
    try {
      const opa = await createEngineByName('opa', {
        opa: () => ({ baseUrl: `${server.url}/v1/data` }),
        // Options of the engines not chosen are never computed.
        wasm: () => {
          throw new Error('wasm options must not be computed for opa');
        },
        startOpa: () => Promise.reject(new Error('must not start')),
      });
      made.push(opa);
      expect(opa.description).toBe(`opa ${server.url}/v1/data`);
      expect(opa.localOpa).toBeUndefined();
      const pe = await createPolicyEngine({ engine: opa.engine, policies });
      expect((await pe.evaluate('t', { x: 1 })).allowed).toBe(false);
      await pe.close();
    } finally {
      await server.stop();
    }
  });
});
