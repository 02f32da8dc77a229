// Evaluation worker: loads one compiled policy.wasm with opa-wasm and answers evaluation
// requests from the engine. Runs in a worker_thread so that a runaway policy can be stopped
// (the engine terminates the thread); plain JavaScript so it needs no TypeScript loader.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { goSprintf, hostBuiltins } from './host-builtins.mjs';

const require = createRequire(import.meta.url);
// The SDK's own built-in table (a CommonJS module shared with its loader): it is consulted
// before custom built-ins, so the Go-compatible sprintf has to replace the entry there.
const sdkBuiltins = require(join(dirname(require.resolve('@open-policy-agent/opa-wasm')), 'builtins', 'index.js'));
sdkBuiltins.sprintf = goSprintf;

function readJson(policy, addr) {
  const exports = policy.wasmInstance.exports;
  const strAddr = exports.opa_json_dump(addr);
  const bytes = new Uint8Array(policy.mem.buffer);
  let end = strAddr;
  while (bytes[end] !== 0) end++;
  return JSON.parse(new TextDecoder().decode(bytes.subarray(strAddr, end)));
}

async function main() {
  const { wasm, data, maxMemoryPages } = workerData;
  let policy;
  try {
    policy = await loadPolicy(wasm, { initial: 5, maximum: maxMemoryPages }, hostBuiltins);
  } catch (err) {
    parentPort.postMessage({ type: 'failed', message: String(err && err.message ? err.message : err) });
    return;
  }
  const required = Object.keys(readJson(policy, policy.wasmInstance.exports.builtins()));
  const missing = required.filter((name) => !(name in sdkBuiltins) && !(name in hostBuiltins));
  policy.setData(data ?? {});
  parentPort.postMessage({ type: 'ready', entrypoints: policy.entrypoints, required, missing });
  parentPort.on('message', (msg) => {
    try {
      const input = msg.input === undefined ? null : msg.input;
      const result = policy.evaluate(input, msg.entrypoint);
      parentPort.postMessage({ type: 'result', id: msg.id, ok: true, result });
    } catch (err) {
      const message = err && typeof err.message === 'string' ? err.message : String(err);
      parentPort.postMessage({ type: 'result', id: msg.id, ok: false, message });
    }
  });
}

main();
