import { Worker } from 'node:worker_threads';
import { EngineUnavailable, EvaluationCancelled, EvaluationError, EvaluationTimeout } from '@policy-engine/evaluator';

/** What a worker reports once its policy is loaded. */
export interface WorkerReady {
  /** Entrypoint name (`a/b`) → id. */
  readonly entrypoints: Readonly<Record<string, number>>;
  /** Built-ins the compiled policy calls on the host. */
  readonly required: readonly string[];
  /** Host built-ins neither opa-wasm nor this engine implements. */
  readonly missing: readonly string[];
}

/** What every worker of a pool loads. */
export interface PoolOptions {
  readonly wasm: Uint8Array;
  readonly data: unknown;
  readonly size: number;
  readonly maxMemoryPages: number;
}

interface Job {
  readonly id: number;
  /** Entrypoint names (`a/b`) evaluated one after the other for the same input. */
  readonly entrypoints: readonly string[];
  /** The input as JSON text, or undefined for no input. */
  readonly input: string | undefined;
  readonly resolve: (value: unknown[][]) => void;
  readonly reject: (err: unknown) => void;
  settled: boolean;
  cleanup: () => void;
  /** Starts the time bound; called when a worker picks the job up (queue and worker start-up time do not count). */
  start: () => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<WorkerReady>;
  job: Job | undefined;
}

type WorkerMessage =
  | { type: 'ready'; entrypoints: Record<string, number>; required: string[]; missing: string[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; ok: true; result: unknown[][] }
  | { type: 'result'; id: number; ok: false; message: string };

// `../src/…` resolves from both src/ (tests, tsx) and dist/ (published: `files` ships src).
const WORKER_URL = new URL('../src/worker/eval-worker.mjs', import.meta.url);

/** How long an evaluation may wait for a free (or restarting) worker beyond its own timeout. */
const QUEUE_GRACE_MS = 10_000;

/**
 * A fixed set of worker threads, each holding the same compiled policy. Wasm runs
 * synchronously, so a time bound needs a thread that can be killed: when an evaluation
 * exceeds its timeout (or its caller aborts), its worker is terminated and replaced.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly readySlots = new WeakSet<Worker>();

  private constructor(private readonly options: PoolOptions) {}

  /** Starts the workers and resolves with the first one's report once it is ready. */
  static async start(options: PoolOptions): Promise<{ pool: WorkerPool; ready: WorkerReady }> {
    const pool = new WorkerPool(options);
    for (let i = 0; i < Math.max(1, options.size); i++) pool.slots.push(pool.spawn());
    try {
      const reports = await Promise.all(pool.slots.map((s) => s.ready));
      return { pool, ready: reports[0] as WorkerReady };
    } catch (err) {
      await pool.close();
      throw err;
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL, {
      workerData: { wasm: this.options.wasm, data: this.options.data, maxMemoryPages: this.options.maxMemoryPages },
    });
    // Referenced while it loads or evaluates (so a pending evaluation keeps the process alive), unreferenced when idle.
    const slot: Slot = { worker, job: undefined, ready: Promise.resolve({ entrypoints: {}, required: [], missing: [] }) };
    slot.ready = new Promise<WorkerReady>((resolve, reject) => {
      worker.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') {
          this.readySlots.add(worker);
          worker.unref();
          resolve({ entrypoints: msg.entrypoints, required: msg.required, missing: msg.missing });
          this.pump();
        } else if (msg.type === 'failed') {
          reject(new EvaluationError(`opa-wasm could not load the policy: ${msg.message}`));
        } else if (msg.type === 'result') {
          const job = slot.job;
          if (!job || job.id !== msg.id) return;
          slot.job = undefined;
          worker.unref();
          this.settle(job, msg.ok ? { ok: msg.result } : { err: new EvaluationError(`wasm evaluation failed: ${msg.message}`) });
          this.pump();
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
    if (job) this.settle(job, { err });
    if (this.closed || !this.slots.includes(slot)) return;
    const idx = this.slots.indexOf(slot);
    const fresh = this.spawn();
    this.slots[idx] = fresh;
  }

  private settle(job: Job, outcome: { ok: unknown[][] } | { err: unknown }): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
    if ('ok' in outcome) job.resolve(outcome.ok);
    else job.reject(outcome.err);
    this.notifyIdle();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      // Not ready yet: pump runs again when its 'ready' message arrives.
      if (!this.readySlots.has(slot.worker)) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.ref();
      job.start();
      slot.worker.postMessage({ id: job.id, entrypoints: job.entrypoints, input: job.input });
    }
  }

  /** Evaluates entrypoints for an input given as JSON text; one result set (`[]` or `[{result}]`) per entrypoint. */
  evaluate(entrypoints: readonly string[], input: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<unknown[][]> {
    if (this.closed) return Promise.reject(new EngineUnavailable('the wasm engine is closed'));
    if (signal?.aborted) return Promise.reject(new EvaluationCancelled('evaluation cancelled by the caller'));
    return new Promise<unknown[][]>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        entrypoints,
        input,
        resolve,
        reject,
        settled: false,
        cleanup: () => undefined,
        start: () => undefined,
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
      // Waiting for a worker (busy, or restarting after a kill) is bounded too, more generously.
      const queueTimer = setTimeout(() => abort(new EvaluationTimeout(timeoutMs)), timeoutMs + QUEUE_GRACE_MS);
      let timer: ReturnType<typeof setTimeout> | undefined;
      job.start = () => {
        clearTimeout(queueTimer);
        timer = setTimeout(() => abort(new EvaluationTimeout(timeoutMs)), timeoutMs);
      };
      const onAbort = (): void => abort(new EvaluationCancelled('evaluation cancelled by the caller'));
      signal?.addEventListener('abort', onAbort, { once: true });
      job.cleanup = () => {
        clearTimeout(queueTimer);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.queue.push(job);
      this.pump();
    });
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
    for (const job of this.queue.splice(0)) this.settle(job, { err: new EngineUnavailable('the wasm engine is closed') });
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
