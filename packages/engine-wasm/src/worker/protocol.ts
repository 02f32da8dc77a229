/** The messages between the engine's pool (main thread) and an evaluation worker. */

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
}

/** One evaluation: entrypoints evaluated one after the other for the same input. */
export interface WorkerRequest {
  readonly id: number;
  /** Entrypoint names (`a/b`). */
  readonly entrypoints: readonly string[];
  /** The input as JSON text, or undefined for no input. */
  readonly input: string | undefined;
}

/** What a worker posts: its load report, then one result per request. */
export type WorkerReply =
  | {
      readonly type: 'ready';
      readonly entrypoints: Readonly<Record<string, number>>;
      readonly required: readonly string[];
      readonly missing: readonly string[];
    }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly result: unknown[][] }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly message: string };
