// Bundle mode (opaBundleServer + opaEngine({ bundleServer })) on a real OPA server that pulls
// the set from the engine's bundle endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyCompileError } from '@policy-engine/evaluator';
import { startOpaServer, type OpaServer } from '@policy-engine/opa';
import { opaBundleServer, opaEngine, type OpaBundleServer, type OpaEngine } from '../src/index.js';
import { mod, policySet } from '@policy-engine/engine-contract';

describe('bundle mode', () => {
  let bundles: OpaBundleServer;
  let server: OpaServer;
  let engine: OpaEngine;
  beforeAll(async () => {
    bundles = await opaBundleServer();
    server = await startOpaServer({ v0Compatible: true, args: bundles.opaArgs() });
    engine = opaEngine({ baseUrl: server.url, bundleServer: bundles, loadTimeoutMs: 20_000 });
  }, 30_000);
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
    await bundles?.close();
  });

  it('loads a set (v0 and v1 modules, data) and evaluates it', async () => {
    await engine.load(
      policySet(
        [
          mod('a.rego', 'v1', 'package a\n\nallow if input.x == data.cfg.want\n'),
          mod('b.rego', 'v0', 'package b\n\nallow { input.x == 1 }\n'),
        ],
        [{ path: ['cfg'], value: { want: 2 } }],
      ),
    );
    await expect(engine.evaluate('a', { x: 2 })).resolves.toEqual({ defined: true, value: { allow: true } });
    await expect(engine.evaluate('b', { x: 1 })).resolves.toEqual({ defined: true, value: { allow: true } });
  });

  it('a set that does not compile is refused with file:line:col; the previous set stays active', async () => {
    await engine.load(policySet([mod('ok.rego', 'v1', 'package ok\n\nallow := true\n')]));
    const bad = policySet([
      mod('ok.rego', 'v1', 'package ok\n\nallow := false\n'),
      mod('bad.rego', 'v1', 'package bad\n\nallow if {\n\tundefined_fn(1)\n}\n'),
    ]);
    const err = await engine.load(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyCompileError);
    const problems = (err as PolicyCompileError).problems;
    expect(problems.some((p) => p.location?.file === 'bad.rego' && p.location.line === 4 && /undefined function/.test(p.message))).toBe(
      true,
    );
    await expect(engine.evaluate('ok', {})).resolves.toEqual({ defined: true, value: { allow: true } });
    await expect(engine.evaluate('bad', {})).resolves.toEqual({ defined: false });
    // And a good set after the failure activates.
    await engine.load(policySet([mod('ok.rego', 'v1', 'package ok\n\nallow := 3\n')]));
    await expect(engine.evaluate('ok', {})).resolves.toEqual({ defined: true, value: { allow: 3 } });
  });

  it('loads 1,000 modules in one activation', async () => {
    const mods = Array.from({ length: 1000 }, (_, i) => mod(`gen/p${i}.rego`, 'v1', `package gen.p${i}\n\nallow if input.i == ${i}\n`));
    await engine.load(policySet(mods));
    await expect(engine.evaluate('gen.p999', { i: 999 })).resolves.toEqual({ defined: true, value: { allow: true } });
    await expect(engine.evaluate('ok', {})).resolves.toEqual({ defined: false });
  }, 60_000);
});
