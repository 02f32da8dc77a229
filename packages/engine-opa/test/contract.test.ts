// The engine contract suite (tools/engine-contract) on a real OPA server: one server per engine,
// so that no test sees the modules another test pushed.
import { runEngineContract } from '@policy-engine/engine-contract';
import { startOpaServer } from '@policy-engine/opa';
import { opaEngine } from '../src/index.js';

runEngineContract('opa', async () => {
  const server = await startOpaServer({ v0Compatible: true });
  const engine = opaEngine({ baseUrl: server.url });
  let stopping: Promise<void> | undefined;
  return {
    name: engine.name,
    load: (set, options) => engine.load(set, options),
    evaluate: (pkg, input, options) => engine.evaluate(pkg, input, options),
    close: () =>
      (stopping ??= (async () => {
        await engine.close();
        await server.stop();
      })()),
  };
});
