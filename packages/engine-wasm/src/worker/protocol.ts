/**
 * How the engine's pool (main thread) and an evaluation worker talk. The worker posts its load
 * report once (`WorkerReply`); every evaluation after that goes through shared memory, not
 * messages: a small control block (`Int32Array` over a `SharedArrayBuffer`, indices
 * {@link Control}) and a data buffer. The pool writes the request into the data buffer (the
 * entrypoint ids as `Int32`s, then the input as UTF-8 JSON), sets `state` to
 * {@link State.request} and wakes the worker (`Atomics.notify`); the worker, blocked in
 * `Atomics.wait`, evaluates, writes the result sets as UTF-8 JSON text (or an error message)
 * into the same buffer, sets `state` to {@link State.response} and wakes the pool, which waits
 * with `Atomics.waitAsync`. No structured clone and no event-loop turn of the worker per
 * evaluation. A request or response larger than the data buffer comes in a new, larger
 * `SharedArrayBuffer` posted on a side `MessagePort` that the other side reads synchronously
 * (`receiveMessageOnPort`); from then on both use the new buffer. The timeout guarantee does
 * not depend on the worker: the pool still terminates a worker that does not answer in time.
 */

/** What a worker is started with (`workerData`). */
export interface WorkerData {
  /** The bundle the bootstrap runs and its V8 code cache. */
  readonly script: { readonly bundle: string; readonly codeCache: string };
  /** The compiled `WebAssembly.Module` (shared by every worker of a pool). */
  readonly wasm: unknown;
  /** Base data, as JSON. */
  readonly data: unknown;
  /** Upper bound of the wasm memory, 64 KiB pages. */
  readonly maxMemoryPages: number;
  /** The shared-memory channel of this worker. */
  readonly channel: ChannelData;
}

/** The shared memory of one worker's channel, and the side port for buffers that outgrow it. */
export interface ChannelData {
  /** {@link CONTROL_SLOTS} `Int32`s, indices {@link Control}. */
  readonly control: SharedArrayBuffer;
  /** Requests and responses (replaced by a larger one when one does not fit). */
  readonly buffer: SharedArrayBuffer;
  /** Carries a replacement data buffer (`{ buffer }`), read with `receiveMessageOnPort`. */
  readonly port: unknown;
}

/** A replacement data buffer, posted on the side port. */
export interface BufferMessage {
  readonly buffer: SharedArrayBuffer;
}

/** Indices of the control block. */
export const Control = {
  /** {@link State}: who owns the data buffer now. */
  state: 0,
  /** Bytes of input after the entrypoint ids (-1: no input). */
  inputLength: 1,
  /** Entrypoint ids at the start of the data buffer. */
  entrypoints: 2,
  /** Bytes of the response at the start of the data buffer. */
  responseLength: 3,
  /** {@link Flag}s of the request or response. */
  flags: 4,
} as const;

/** `Int32`s in the control block. */
export const CONTROL_SLOTS = 8;

/** Values of `Control.state`. */
export const State = {
  /** No evaluation yet. */
  idle: 0,
  /** The pool wrote a request: the worker owns the buffer. */
  request: 1,
  /** The worker wrote the response: the pool owns the buffer. */
  response: 2,
} as const;

/** Bits of `Control.flags`. */
export const Flag = {
  /** The data buffer was replaced: read the new one from the side port first. */
  newBuffer: 1,
  /** The response is an error message, not result sets. */
  error: 2,
} as const;

/** Size of a new channel's data buffer. */
export const INITIAL_BUFFER_BYTES = 64 * 1024;

/** Size of a replacement data buffer that must hold `bytes`: the next power of two. */
export function bufferSizeFor(bytes: number): number {
  let size = INITIAL_BUFFER_BYTES;
  while (size < bytes) size *= 2;
  return size;
}

/** Byte offset of the input in the data buffer after `entrypoints` ids. */
export function inputOffset(entrypoints: number): number {
  return entrypoints * 4;
}

/** What a worker posts once: its load report, or why it could not load. */
export type WorkerReply =
  | {
      readonly type: 'ready';
      readonly entrypoints: Readonly<Record<string, number>>;
      readonly required: readonly string[];
      readonly missing: readonly string[];
    }
  | { readonly type: 'failed'; readonly message: string };
