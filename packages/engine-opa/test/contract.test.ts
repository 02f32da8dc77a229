// The engine contract suite (tools/engine-contract) on a real OPA server: one server per engine,
// so that no test sees the modules another test pushed. Run in both load modes: modules pushed
// with the Policy API, and (bundle mode) each set pulled by the server from the engine's bundle
// endpoint (opaBundleServer).
import type { Engine } from '@policy-engine/evaluator';
import { runEngineContract } from '@policy-engine/engine-contract';
import { startOpaServer } from '@policy-engine/opa';
import { opaBundleServer, opaEngine, type OpaBundleServer } from '../src/index.js';

async function contractEngine(bundles?: OpaBundleServer): Promise<Engine> {
  const server = await startOpaServer({ v0Compatible: true, ...(bundles ? { args: bundles.opaArgs() } : {}) });
  const engine = opaEngine({ baseUrl: server.url, ...(bundles ? { bundleServer: bundles } : {}) });
  let stopping: Promise<void> | undefined;
  return {
    name: engine.name,
    load: (set, options) => engine.load(set, options),
    evaluate: (pkg, input, options) => engine.evaluate(pkg, input, options),
    close: () =>
      (stopping ??= (async () => {
        await engine.close();
        await server.stop();
        await bundles?.close();
      })()),
  };
}

runEngineContract('opa', () => contractEngine());
runEngineContract('opa (bundle)', async () => contractEngine(await opaBundleServer()));
