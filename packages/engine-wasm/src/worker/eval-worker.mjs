// Evaluation worker: loads one compiled policy.wasm with opa-wasm and answers evaluation
// requests from the engine. Runs in a worker_thread so that a runaway policy can be stopped
// (the engine terminates the thread); plain JavaScript so it needs no TypeScript loader.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { goSprintf, hostBuiltins, startEvaluation } from './host-builtins.mjs';
import { parseRegoValue, toJson } from './rego-value.mjs';

const require = createRequire(import.meta.url);
// The SDK's own built-in table (a CommonJS module shared with its loader): it is consulted
// before custom built-ins, so the Go-compatible sprintf has to replace the entry there.
const sdkBuiltins = require(join(dirname(require.resolve('@open-policy-agent/opa-wasm')), 'builtins', 'index.js'));
sdkBuiltins.sprintf = goSprintf;

function cString(policy, addr) {
  const bytes = new Uint8Array(policy.mem.buffer);
  let end = addr;
  while (bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(addr, end));
}

function readJson(policy, addr) {
  return JSON.parse(cString(policy, policy.wasmInstance.exports.opa_json_dump(addr)));
}

const encoder = new TextEncoder();

/**
 * One evaluation (input as JSON text) through the ABI 1.2 one-shot `opa_eval`, like opa-wasm's evaluate, but
 * asking for the Rego value format so that sets come back sorted as OPA sorts them. Also
 * passes falsy inputs (`false`, `0`, `""`, `null`), which opa-wasm's evaluate drops.
 */
function evaluate(policy, inputJson, entrypointName) {
  const entrypoint = policy.entrypoints[entrypointName];
  if (entrypoint === undefined) throw new Error(`entrypoint ${entrypointName} is not in the compiled policy`);
  if (!(policy.minorVersion >= 2)) return policy.evaluate(inputJson === undefined ? undefined : JSON.parse(inputJson), entrypoint);
  let inputLen = 0;
  let inputAddr = 0;
  if (inputJson !== undefined) {
    const buf = encoder.encode(inputJson);
    inputAddr = policy.dataHeapPtr;
    inputLen = buf.byteLength;
    const delta = inputAddr + inputLen - policy.mem.buffer.byteLength;
    if (delta > 0) policy.mem.grow(Math.ceil(delta / 65536));
    new Uint8Array(policy.mem.buffer).set(buf, inputAddr);
  }
  const ret = policy.wasmInstance.exports.opa_eval(0, entrypoint, policy.dataAddr, inputAddr, inputLen, policy.dataHeapPtr + inputLen, 1);
  return toJson(parseRegoValue(cString(policy, ret)));
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
      startEvaluation();
      const result = evaluate(policy, msg.input, msg.entrypoint);
      parentPort.postMessage({ type: 'result', id: msg.id, ok: true, result });
    } catch (err) {
      const message = err && typeof err.message === 'string' ? err.message : String(err);
      parentPort.postMessage({ type: 'result', id: msg.id, ok: false, message });
    }
  });
}

main();
