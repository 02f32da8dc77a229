// The engine contract suite (tools/engine-contract) on a real OPA server in bundle mode: the
// server pulls each set from the engine's bundle endpoint (opaBundleServer) instead of the
// engine pushing modules with the Policy API. One server and endpoint per engine.
import { runEngineContract } from '@policy-engine/engine-contract';
import { startOpaServer } from '@policy-engine/opa';
import { opaBundleServer, opaEngine } from '../src/index.js';

runEngineContract('opa (bundle)', async () => {
  const bundles = await opaBundleServer();
  const server = await startOpaServer({ v0Compatible: true, args: bundles.opaArgs() });
  const engine = opaEngine({ baseUrl: server.url, bundleServer: bundles });
  let stopping: Promise<void> | undefined;
  return {
    name: engine.name,
    load: (set, options) => engine.load(set, options),
    evaluate: (pkg, input, options) => engine.evaluate(pkg, input, options),
    close: () =>
      (stopping ??= (async () => {
        await engine.close();
        await server.stop();
        await bundles.close();
      })()),
  };
});
