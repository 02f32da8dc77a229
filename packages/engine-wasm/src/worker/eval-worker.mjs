// Evaluation worker: loads one compiled policy.wasm and answers evaluation requests from
// the engine. Runs in a worker_thread so that a runaway policy can be stopped (the engine
// terminates the thread); plain JavaScript so it needs no TypeScript loader.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { hostBuiltins, rawHostBuiltins, startEvaluation } from './host-builtins.mjs';
import { WasmPolicy } from './wasm-policy.mjs';

const require = createRequire(import.meta.url);
// The built-ins opa-wasm's SDK implements (json.is_valid, regex.split, yaml.*, sprintf): its
// package exports only the loader, so the table is read from its file.
const sdkBuiltins = require(join(dirname(require.resolve('@open-policy-agent/opa-wasm')), 'builtins', 'index.js'));
const jsonBuiltins = { ...sdkBuiltins, ...hostBuiltins };

async function main() {
  const { wasm, data, maxMemoryPages } = workerData;
  let policy;
  try {
    policy = await WasmPolicy.load(wasm, { initial: 5, maximum: maxMemoryPages }, jsonBuiltins, rawHostBuiltins);
    policy.setData(data ?? {});
  } catch (err) {
    parentPort.postMessage({ type: 'failed', message: String(err && err.message ? err.message : err) });
    return;
  }
  const missing = policy.required.filter((name) => !(name in jsonBuiltins) && !(name in rawHostBuiltins));
  parentPort.postMessage({ type: 'ready', entrypoints: policy.entrypoints, required: policy.required, missing });
  parentPort.on('message', (msg) => {
    try {
      // One evaluation (one time.now_ns) may read several entrypoints: the rules of a document.
      startEvaluation();
      const result = msg.entrypoints.map((entrypoint) => policy.evaluate(msg.input, entrypoint));
      parentPort.postMessage({ type: 'result', id: msg.id, ok: true, result });
    } catch (err) {
      const message = err && typeof err.message === 'string' ? err.message : String(err);
      parentPort.postMessage({ type: 'result', id: msg.id, ok: false, message });
    }
  });
}

main();
