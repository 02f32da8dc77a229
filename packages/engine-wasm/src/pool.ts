import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { EngineUnavailable, EvaluationCancelled, EvaluationError, type EngineEvaluateOptions } from '@policy-engine/evaluator';
import { abortError, deadlineExceeded, remainingMs } from '@policy-engine/evaluator/engine-kit';
import { EngineOverloaded } from './errors.js';
import { WORKER_BOOTSTRAP, type WorkerScript } from './worker-script.js';
import {
  CONTROL_SLOTS,
  Control,
  Flag,
  INITIAL_BUFFER_BYTES,
  State,
  bufferSizeFor,
  inputOffset,
  type BufferMessage,
  type WorkerData,
  type WorkerReply,
} from './worker/protocol.js';

/** What a worker reports once its policy is loaded. */
export interface WorkerReady {
  /** Entrypoint name (`a/b`) → id. */
  readonly entrypoints: Readonly<Record<string, number>>;
  /** Built-ins the compiled policy calls on the host. */
  readonly required: readonly string[];
  /** Built-ins the module imports that `@policy-engine/rego-eval`'s registry does not implement. */
  readonly missing: readonly string[];
}

/** What every worker of a pool loads. */
export interface PoolOptions {
  /** The worker's code (see `workerScript`). */
  readonly script: WorkerScript;
  readonly wasm: Uint8Array;
  readonly data: unknown;
  readonly size: number;
  readonly maxMemoryPages: number;
  /** Evaluations that may wait for a worker; one more fails at once with EngineOverloaded. */
  readonly maxQueue: number;
  /** Extra workers started while every worker has run its evaluation longer than `slowAfterMs` and others wait. */
  readonly spareWorkers: number;
  readonly slowAfterMs: number;
}

interface Job {
  /** Ids of the entrypoints evaluated one after the other for the same input. */
  readonly entrypoints: readonly number[];
  /** The input as JSON text, or undefined for no input. */
  readonly input: string | undefined;
  readonly resolve: (value: unknown[][]) => void;
  readonly reject: (err: unknown) => void;
  settled: boolean;
  cleanup: () => void;
}

/** The pool's end of a worker's shared-memory channel (see `worker/protocol.ts`). */
interface Channel {
  readonly control: Int32Array;
  /** The current data buffer (replaced by either side when a request or response outgrows it). */
  buffer: SharedArrayBuffer;
  /** Carries replacement data buffers; read synchronously. */
  readonly port: MessagePort;
}

interface Slot {
  worker: Worker;
  readonly channel: Channel;
  ready: Promise<WorkerReady>;
  job: Job | undefined;
  /** When the running job was handed to the worker (performance.now()). */
  startedAt: number;
  /** A spare: started while every worker was stuck on a slow evaluation, retired once idle. */
  readonly spare: boolean;
}

/** A compiled `WebAssembly.Module` (the TypeScript libs here do not declare the WebAssembly namespace). */
type CompiledModule = object;
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CompiledModule> } }).WebAssembly;

/** `Atomics.waitAsync` (ES2024; the TypeScript libs here are ES2023). */
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) =>
  | { readonly async: false; readonly value: 'not-equal' | 'timed-out' }
  | { readonly async: true; readonly value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Why a job ended early: a PolicyEngineError the caller aborted with (e.g. the evaluator's EvaluationTimeout), else EvaluationCancelled. */
const abortReason = abortError;

/**
 * A fixed set of worker threads, each holding the same compiled policy, and a bounded FIFO
 * queue in front of them. Wasm runs synchronously, so a time bound needs a thread that can
 * be killed. Every evaluation has one deadline, its timeout counted from when it was asked
 * for: waiting for a worker counts. At the deadline (or when its caller aborts) a queued
 * evaluation leaves the queue and fails at once; a running one has its worker terminated
 * and replaced. So a slow policy delays an unrelated evaluation by at most that
 * evaluation's own timeout (plus timer and worker start-up latency), never by the slow
 * one's, and a full queue answers EngineOverloaded instead of making callers wait. When
 * evaluations wait while every worker has been busy for longer than `slowAfterMs` (slow
 * policies hogging them), up to `spareWorkers` extra workers start and take the queue;
 * each retires as soon as it finds the queue empty.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;
  /** Entrypoint name → id, the same in every worker (one compiled module). */
  private entrypointIds: Readonly<Record<string, number>> = {};
  private idleWaiters: (() => void)[] = [];
  private readonly readySlots = new WeakSet<Worker>();
  private spareTimer: ReturnType<typeof setTimeout> | undefined;
  private spareTimerAt = Infinity;

  private constructor(
    private readonly options: PoolOptions,
    /** Compiled once, handed to every worker (a replacement starts without compiling again). */
    private readonly module: CompiledModule,
  ) {}

  /** Starts the workers and resolves with the first one's report once it is ready. */
  static async start(options: PoolOptions): Promise<{ pool: WorkerPool; ready: WorkerReady }> {
    let module: CompiledModule;
    try {
      module = await wasmApi.compile(options.wasm);
    } catch (err) {
      throw new EvaluationError(`the compiled policy is not valid wasm: ${(err as Error).message}`, undefined, { cause: err });
    }
    const pool = new WorkerPool(options, module);
    for (let i = 0; i < Math.max(1, options.size); i++) pool.slots.push(pool.spawn());
    // The standby spare starts with the others, so a pool stuck right after a load has it.
    if (options.spareWorkers > 0) pool.slots.push(pool.spawn(true));
    try {
      const reports = await Promise.all(pool.slots.map((s) => s.ready));
      const ready = reports[0] as WorkerReady;
      pool.entrypointIds = ready.entrypoints;
      return { pool, ready };
    } catch (err) {
      await pool.close();
      throw err;
    }
  }

  private spawn(spare = false): Slot {
    const control = new SharedArrayBuffer(CONTROL_SLOTS * 4);
    const buffer = new SharedArrayBuffer(INITIAL_BUFFER_BYTES);
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    const workerData: WorkerData = {
      script: this.options.script,
      wasm: this.module,
      data: this.options.data,
      maxMemoryPages: this.options.maxMemoryPages,
      channel: { control, buffer, port: port2 },
    };
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData, transferList: [port2] });
    // Referenced while it loads or evaluates (so a pending evaluation keeps the process alive), unreferenced when idle.
    const slot: Slot = {
      worker,
      channel: { control: new Int32Array(control), buffer, port: port1 },
      job: undefined,
      ready: Promise.resolve({ entrypoints: {}, required: [], missing: [] }),
      startedAt: 0,
      spare,
    };
    slot.ready = new Promise<WorkerReady>((resolve, reject) => {
      worker.on('message', (msg: WorkerReply) => {
        if (msg.type === 'ready') {
          this.readySlots.add(worker);
          worker.unref();
          resolve({ entrypoints: msg.entrypoints, required: msg.required, missing: msg.missing });
          this.pump();
        } else {
          reject(new EvaluationError(`the wasm worker could not load the policy: ${msg.message}`));
        }
      });
      worker.on('error', (err) => {
        reject(new EvaluationError(`wasm worker failed: ${err.message}`, undefined, { cause: err }));
        this.replace(slot, new EvaluationError(`wasm worker failed: ${err.message}`, undefined, { cause: err }));
      });
      worker.on('exit', () => {
        reject(new EngineUnavailable('wasm worker exited before it was ready'));
        this.replace(slot, new EngineUnavailable('wasm worker exited during evaluation'));
      });
    });
    slot.ready.catch(() => undefined);
    return slot;
  }

  /** Replaces a slot's worker (after a crash or a kill); its running job fails with `err`. */
  private replace(slot: Slot, err: unknown): void {
    const job = slot.job;
    slot.job = undefined;
    // Releases the pool's Atomics.waitAsync on the dead worker's channel (it finds no job and does nothing).
    Atomics.notify(slot.channel.control, Control.state);
    slot.channel.port.close();
    if (job) this.settle(job, { err });
    if (this.closed || !this.slots.includes(slot)) return;
    const idx = this.slots.indexOf(slot);
    if (slot.spare) this.slots.splice(idx, 1);
    else this.slots[idx] = this.spawn();
    this.pump();
  }

  /**
   * True when evaluations wait and no regular worker can take them soon: every one is
   * starting (a replacement after a kill) or has run its evaluation for at least
   * `slowAfterMs`. Otherwise schedules a re-check for when that would first hold.
   */
  private stuck(): boolean {
    if (this.queue.length === 0) return false;
    const busy = this.slots.filter((s) => s.job && !s.spare);
    // Called after the regular workers took what they could: none busy means all are (re)starting.
    if (busy.length === 0) return true;
    const slowAt = Math.max(...busy.map((s) => s.startedAt + this.options.slowAfterMs));
    const now = performance.now();
    if (slowAt <= now) return true;
    if (this.spareTimer === undefined || this.spareTimerAt > slowAt) {
      clearTimeout(this.spareTimer);
      this.spareTimerAt = slowAt;
      this.spareTimer = setTimeout(
        () => {
          this.spareTimer = undefined;
          this.spareTimerAt = Infinity;
          this.pump();
        },
        Math.ceil(slowAt - now),
      );
      this.spareTimer.unref();
    }
    return false;
  }

  private dispatch(slot: Slot): boolean {
    if (slot.job || !this.readySlots.has(slot.worker)) return false;
    const job = this.queue.shift();
    if (!job) return false;
    slot.job = job;
    slot.startedAt = performance.now();
    slot.worker.ref();
    const { control } = slot.channel;
    this.writeRequest(slot.channel, job);
    Atomics.store(control, Control.state, State.request);
    Atomics.notify(control, Control.state);
    this.awaitResponse(slot, job);
    return true;
  }

  /** Writes a job's entrypoint ids and input into the channel (a larger buffer goes to the worker first when it does not fit). */
  private writeRequest(channel: Channel, job: Job): void {
    const { control } = channel;
    const ids = job.entrypoints;
    const offset = inputOffset(ids.length);
    let flags = 0;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: count exactly only when that bound does not fit.
    if (offset + (job.input?.length ?? 0) * 3 > channel.buffer.byteLength) {
      const needed = offset + (job.input === undefined ? 0 : Buffer.byteLength(job.input, 'utf8'));
      if (needed > channel.buffer.byteLength) {
        channel.buffer = new SharedArrayBuffer(bufferSizeFor(needed));
        channel.port.postMessage({ buffer: channel.buffer } satisfies BufferMessage);
        flags |= Flag.newBuffer;
      }
    }
    new Int32Array(channel.buffer, 0, ids.length).set(ids);
    const inputLength = job.input === undefined ? -1 : encoder.encodeInto(job.input, new Uint8Array(channel.buffer, offset)).written;
    Atomics.store(control, Control.entrypoints, ids.length);
    Atomics.store(control, Control.inputLength, inputLength);
    Atomics.store(control, Control.flags, flags);
  }

  /** Waits (without blocking the event loop) for the worker's answer to `job`. */
  private awaitResponse(slot: Slot, job: Job): void {
    const waiting = waitAsync(slot.channel.control, Control.state, State.request);
    if (waiting.async) void waiting.value.then(() => this.receive(slot, job));
    else queueMicrotask(() => this.receive(slot, job));
  }

  /** Reads the worker's answer to `job` from the channel and settles it. */
  private receive(slot: Slot, job: Job): void {
    // Killed (deadline, abort, close) or replaced meanwhile: the job is already settled.
    if (slot.job !== job) return;
    const { control } = slot.channel;
    if (Atomics.load(control, Control.state) !== State.response) {
      this.awaitResponse(slot, job);
      return;
    }
    const flags = Atomics.load(control, Control.flags);
    if (flags & Flag.newBuffer) {
      const msg = receiveMessageOnPort(slot.channel.port);
      if (msg) slot.channel.buffer = (msg.message as BufferMessage).buffer;
    }
    const text = decoder.decode(new Uint8Array(slot.channel.buffer, 0, Atomics.load(control, Control.responseLength)));
    slot.job = undefined;
    slot.worker.unref();
    let outcome: { ok: unknown[][] } | { err: unknown };
    if (flags & Flag.error) outcome = { err: new EvaluationError(`wasm evaluation failed: ${text}`) };
    else {
      try {
        outcome = { ok: JSON.parse(text) as unknown[][] };
      } catch (err) {
        outcome = {
          err: new EvaluationError(`the wasm worker answered unreadable JSON: ${(err as Error).message}`, undefined, { cause: err }),
        };
      }
    }
    this.settle(job, outcome);
    this.pump();
  }

  /**
   * Hands queued jobs to free workers: regular ones first; spares only while the regular
   * workers are stuck on slow evaluations. Keeps one idle spare started (a standby, so a
   * stuck pool does not wait for a worker to start) while spares are allowed, starts more
   * up to `spareWorkers` while stuck, and retires idle spares beyond the standby.
   */
  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) if (!slot.spare && this.queue.length > 0) this.dispatch(slot);
    if (this.queue.length > 0 && this.stuck()) {
      for (const slot of this.slots) if (slot.spare && this.queue.length > 0) this.dispatch(slot);
    }
    const spares = this.slots.filter((s) => s.spare);
    const idleSpares = spares.filter((s) => !s.job);
    if (this.options.spareWorkers > spares.length && (idleSpares.length === 0 || (this.queue.length > 0 && this.stuck()))) {
      this.slots.push(this.spawn(true));
    } else if (this.queue.length === 0 && idleSpares.length > 1) {
      for (const slot of idleSpares.slice(1)) {
        if (!this.readySlots.has(slot.worker)) continue;
        this.slots.splice(this.slots.indexOf(slot), 1);
        void slot.worker.terminate();
      }
    }
  }

  private settle(job: Job, outcome: { ok: unknown[][] } | { err: unknown }): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
    if ('ok' in outcome) job.resolve(outcome.ok);
    else job.reject(outcome.err);
    this.notifyIdle();
  }

  /**
   * Evaluates entrypoints for an input given as JSON text; one result set (`[]` or `[{result}]`)
   * per entrypoint. Bounded by `options.deadline` (queueing included; `startedAt` is when the
   * engine was asked, for the timeout's message) and `options.signal`.
   */
  evaluate(
    entrypoints: readonly string[],
    input: string | undefined,
    options: EngineEvaluateOptions & { readonly startedAt?: number } = {},
  ): Promise<unknown[][]> {
    const { signal, deadline } = options;
    const startedAt = options.startedAt ?? performance.now();
    if (this.closed) return Promise.reject(new EngineUnavailable('the wasm engine is closed'));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const ids: number[] = [];
    for (const name of entrypoints) {
      const id = this.entrypointIds[name];
      if (id === undefined) return Promise.reject(new EvaluationError(`entrypoint ${name} is not in the compiled policy`));
      ids.push(id);
    }
    return new Promise<unknown[][]>((resolve, reject) => {
      const job: Job = {
        entrypoints: ids,
        input,
        resolve,
        reject,
        settled: false,
        cleanup: () => undefined,
      };
      const abort = (err: unknown): void => {
        const idx = this.queue.indexOf(job);
        if (idx >= 0) {
          this.queue.splice(idx, 1);
          this.settle(job, { err });
          return;
        }
        const slot = this.slots.find((s) => s.job === job);
        if (slot) {
          void slot.worker.terminate();
          this.replace(slot, err);
        }
      };
      // One deadline: time in the queue counts, so nothing waits past its own deadline.
      const timer =
        deadline === undefined ? undefined : setTimeout(() => abort(deadlineExceeded(deadline, startedAt)), remainingMs(deadline));
      const onAbort = (): void => abort(signal ? abortReason(signal) : new EvaluationCancelled('evaluation cancelled by the caller'));
      signal?.addEventListener('abort', onAbort, { once: true });
      job.cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.queue.push(job);
      this.pump();
      if (this.queue.length > this.options.maxQueue && this.queue[this.queue.length - 1] === job) {
        this.queue.pop();
        this.settle(job, {
          err: new EngineOverloaded(
            `the wasm engine is overloaded: ${this.slots.length} worker${this.slots.length === 1 ? '' : 's'} busy and ${this.options.maxQueue} evaluation${this.options.maxQueue === 1 ? '' : 's'} waiting`,
          ),
        });
      }
    });
  }

  /** Evaluations waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.slots.some((s) => s.job)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once no evaluation is queued or running. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.slots.some((s) => s.job)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Terminates every worker; queued evaluations fail with EngineUnavailable. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.spareTimer);
    for (const job of this.queue.splice(0)) this.settle(job, { err: new EngineUnavailable('the wasm engine is closed') });
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
