/**
 * Evaluation worker: loads one compiled policy.wasm and answers evaluation requests from the
 * engine through the shared-memory channel of `protocol.ts`. Runs in a worker_thread so that a
 * runaway policy can be stopped (the engine terminates the thread). Runs as one CommonJS bundle
 * of this file and its imports, loaded by the bootstrap in `worker-script.ts` with V8's code cache.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { defaultBuiltins } from '@policy-engine/rego-eval';
import { WasmPolicy } from './wasm-policy.js';
import { Control, Flag, State, bufferSizeFor, inputOffset, type BufferMessage, type WorkerData, type WorkerReply } from './protocol.js';

/**
 * How long the worker blocks in `Atomics.wait` before it lets its event loop run once (stdio of
 * `opa_println`, the thread's own housekeeping); a request wakes it at once either way.
 */
const YIELD_MS = 100;

const encoder = new TextEncoder();

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function main(parent: NonNullable<typeof parentPort>): Promise<void> {
  const { wasm, data, maxMemoryPages, channel } = workerData as WorkerData;
  let policy: WasmPolicy;
  try {
    policy = await WasmPolicy.load(wasm, { initial: 5, maximum: maxMemoryPages }, defaultBuiltins);
    policy.setData(data ?? {});
  } catch (err) {
    parent.postMessage({ type: 'failed', message: errorMessage(err) } satisfies WorkerReply);
    return;
  }
  const control = new Int32Array(channel.control);
  const port = channel.port as MessagePort;
  port.unref();
  let buffer = channel.buffer;

  /** Answers the request in the data buffer, in place. */
  const answer = (): void => {
    let flags = Atomics.load(control, Control.flags);
    if (flags & Flag.newBuffer) {
      const msg = receiveMessageOnPort(port);
      if (!msg) throw new Error('the engine announced a new channel buffer but sent none');
      buffer = (msg.message as BufferMessage).buffer;
    }
    const count = Atomics.load(control, Control.entrypoints);
    const inputLength = Atomics.load(control, Control.inputLength);
    const ids = new Int32Array(buffer, 0, count);
    const input = inputLength < 0 ? undefined : new Uint8Array(buffer, inputOffset(count), inputLength);
    let text: string;
    flags = 0;
    try {
      // One evaluation (one time.now_ns, one built-in cache) may read several entrypoints: the rules of a document.
      policy.startEvaluation();
      text = policy.evaluateJson(input, ids);
    } catch (err) {
      text = errorMessage(err);
      flags |= Flag.error;
    }
    const into = encoder.encodeInto(text, new Uint8Array(buffer));
    let written = into.written;
    if (into.read < text.length) {
      const bytes = encoder.encode(text);
      buffer = new SharedArrayBuffer(bufferSizeFor(bytes.byteLength));
      new Uint8Array(buffer).set(bytes);
      written = bytes.byteLength;
      port.postMessage({ buffer } satisfies BufferMessage);
      flags |= Flag.newBuffer;
    }
    Atomics.store(control, Control.responseLength, written);
    Atomics.store(control, Control.flags, flags);
  };

  /** Serves requests, blocked in Atomics.wait between them, until it is time to let the event loop run. */
  const serve = (): void => {
    const since = performance.now();
    for (;;) {
      const state = Atomics.load(control, Control.state);
      if (state === State.request) {
        answer();
        Atomics.store(control, Control.state, State.response);
        Atomics.notify(control, Control.state);
      } else {
        Atomics.wait(control, Control.state, state, YIELD_MS);
      }
      if (performance.now() - since >= YIELD_MS) {
        setImmediate(serve);
        return;
      }
    }
  };

  parent.postMessage({
    type: 'ready',
    entrypoints: policy.entrypoints,
    required: policy.required,
    missing: policy.missing(),
  } satisfies WorkerReply);
  serve();
}

if (parentPort) void main(parentPort);
