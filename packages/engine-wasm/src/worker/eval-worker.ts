/**
 * Evaluation worker: loads one compiled policy.wasm and answers evaluation requests from the
 * engine. Runs in a worker_thread so that a runaway policy can be stopped (the engine
 * terminates the thread). Runs as one CommonJS bundle of this file and its imports, loaded by
 * the bootstrap in `worker-script.ts` with V8's code cache.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { defaultBuiltins } from '@policy-engine/rego-eval';
import { WasmPolicy } from './wasm-policy.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './protocol.js';

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const { wasm, data, maxMemoryPages } = workerData as WorkerData;
  let policy: WasmPolicy;
  try {
    policy = await WasmPolicy.load(wasm, { initial: 5, maximum: maxMemoryPages }, defaultBuiltins);
    policy.setData(data ?? {});
  } catch (err) {
    port.postMessage({ type: 'failed', message: errorMessage(err) } satisfies WorkerReply);
    return;
  }
  port.postMessage({
    type: 'ready',
    entrypoints: policy.entrypoints,
    required: policy.required,
    missing: policy.missing(),
  } satisfies WorkerReply);
  port.on('message', (msg: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      // One evaluation (one time.now_ns, one built-in cache) may read several entrypoints: the rules of a document.
      policy.startEvaluation();
      const result = policy.evaluateAll(msg.input, msg.entrypoints);
      reply = { type: 'result', id: msg.id, ok: true, result };
    } catch (err) {
      reply = { type: 'result', id: msg.id, ok: false, message: errorMessage(err) };
    }
    port.postMessage(reply);
  });
}

if (parentPort) void main(parentPort);
