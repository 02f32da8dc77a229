/**
 * A host for OPA's wasm ABI (1.2+), written for this engine instead of opa-wasm's `loadPolicy`
 * (which hands built-in arguments and results over as plain JSON: a set arrives as an array in
 * hash order). Results and built-in arguments are read in the Rego value format
 * (`opa_eval` format 1, `opa_value_dump`) into `@policy-engine/rego-value` values, so sets stay
 * sets, object keys may be any value and numbers stay exact. Every built-in the module leaves to
 * the host is served by `@policy-engine/rego-eval`'s registry: the same Go-compatible
 * implementations the native engine runs, so wasm and native decide alike.
 */
import type { BuiltinContext, BuiltinDef } from '@policy-engine/rego-eval';
import { toJSON, type Value } from '@policy-engine/rego-value';
import { readValueText, valueTextToJson, writeValueText } from './value-text.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The exports of a compiled policy (OPA wasm ABI 1.2+) this host uses. */
interface PolicyExports {
  readonly memory?: unknown;
  readonly opa_wasm_abi_minor_version?: number | { readonly value: number };
  builtins(): number;
  entrypoints(): number;
  opa_eval(ctx: 0, entrypoint: number, data: number, input: number, inputLen: number, heap: number, format: number): number;
  opa_json_dump(addr: number): number;
  opa_value_dump(addr: number): number;
  opa_json_parse(addr: number, len: number): number;
  opa_value_parse(addr: number, len: number): number;
  opa_malloc(len: number): number;
  opa_heap_ptr_get(): number;
  opa_heap_ptr_set(addr: number): void;
  opa_eval_ctx_new(): number;
  opa_eval_ctx_set_input(ctx: number, input: number): void;
  opa_eval_ctx_set_data(ctx: number, data: number): void;
  opa_eval_ctx_set_entrypoint(ctx: number, entrypoint: number): void;
  opa_eval_ctx_get_result(ctx: number): number;
  eval(ctx: number): number;
}

/** The part of the WebAssembly API used here (the TypeScript libs of this repo do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  instantiate(module: unknown, imports: unknown): Promise<{ exports: unknown } | { instance: { exports: unknown } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Per-evaluation state shared by the built-ins of one evaluation (OPA's per-query cache). */
interface EvaluationState {
  /** `time.now_ns()` of this evaluation, fixed for all its entrypoints. */
  now: bigint | undefined;
  readonly cache: Map<string, unknown>;
}

/** A compiled policy.wasm, instantiated with its data. */
export class WasmPolicy {
  /** Entrypoint name (`a/b`) → id. */
  readonly entrypoints: Readonly<Record<string, number>>;
  /** Names of the built-ins the module imports from the host. */
  readonly required: readonly string[];
  private readonly builtinsById: Map<number, { readonly name: string; readonly def: BuiltinDef | undefined }>;
  private readonly entrypointIds: ReadonlySet<number>;
  private readonly baseHeapPtr: number;
  private dataAddr = 0;
  private dataHeapPtr = 0;
  private state: EvaluationState = { now: undefined, cache: new Map() };

  private constructor(
    private readonly memory: WasmMemory,
    private readonly exports: PolicyExports,
    builtins: ReadonlyMap<string, BuiltinDef>,
  ) {
    const minor = exports.opa_wasm_abi_minor_version;
    const abiMinor = typeof minor === 'number' ? minor : minor?.value;
    if (abiMinor === undefined || abiMinor < 2 || typeof exports.opa_eval !== 'function') {
      throw new Error(`policy.wasm uses OPA wasm ABI 1.${abiMinor ?? '?'}; 1.2 or newer is needed (OPA 0.37+)`);
    }
    const ids = this.readJson(exports.builtins()) as Record<string, number>;
    this.builtinsById = new Map(Object.entries(ids).map(([name, id]) => [id, { name, def: builtins.get(name) }]));
    this.required = Object.keys(ids);
    this.entrypoints = this.readJson(exports.entrypoints()) as Record<string, number>;
    this.entrypointIds = new Set(Object.values(this.entrypoints));
    this.baseHeapPtr = exports.opa_heap_ptr_get();
    this.setData({});
  }

  /**
   * Instantiates a compiled policy (a `WebAssembly.Module`, shared by the pool's workers, or the
   * bytes) with a memory of `memory` pages; `builtins` serves what the module imports.
   */
  static async load(
    wasm: unknown,
    memory: { readonly initial: number; readonly maximum: number },
    builtins: ReadonlyMap<string, BuiltinDef>,
  ): Promise<WasmPolicy> {
    const mem = new wasmApi.Memory({ initial: memory.initial, maximum: memory.maximum });
    const loaded: { policy?: WasmPolicy } = {};
    const call = (id: number, addrs: number[]): number => {
      if (!loaded.policy) throw new Error('a built-in was called while the policy loads');
      return loaded.policy.callBuiltin(id, addrs);
    };
    const cString = (addr: number): string => readCString(mem, addr);
    const env = {
      memory: mem,
      opa_abort: (addr: number) => {
        throw new Error(`opa_abort: ${cString(addr)}`);
      },
      opa_println: (addr: number) => console.log(cString(addr)),
      opa_builtin0: (id: number) => call(id, []),
      opa_builtin1: (id: number, _ctx: number, a: number) => call(id, [a]),
      opa_builtin2: (id: number, _ctx: number, a: number, b: number) => call(id, [a, b]),
      opa_builtin3: (id: number, _ctx: number, a: number, b: number, c: number) => call(id, [a, b, c]),
      opa_builtin4: (id: number, _ctx: number, a: number, b: number, c: number, d: number) => call(id, [a, b, c, d]),
    };
    const instantiated = await wasmApi.instantiate(wasm, { env });
    const exports = ('instance' in instantiated ? instantiated.instance.exports : instantiated.exports) as PolicyExports;
    loaded.policy = new WasmPolicy(mem, exports, builtins);
    return loaded.policy;
  }

  /** Built-ins the module imports that `builtins` does not implement. */
  missing(): string[] {
    return [...this.builtinsById.values()].filter((b) => b.def === undefined).map((b) => b.name);
  }

  private readJson(addr: number): unknown {
    return JSON.parse(readCString(this.memory, this.exports.opa_json_dump(addr)));
  }

  private readValue(addr: number): Value {
    return readValueText(readCString(this.memory, this.exports.opa_value_dump(addr)));
  }

  /** Copies text (or its UTF-8 bytes) into wasm memory (opa_malloc) and parses it there with `parse`; returns the value's address. */
  private load(text: string | Uint8Array, parse: (addr: number, len: number) => number): number {
    const buf = typeof text === 'string' ? encoder.encode(text) : text;
    const addr = this.exports.opa_malloc(buf.byteLength);
    new Uint8Array(this.memory.buffer).set(buf, addr);
    const parsed = parse(addr, buf.byteLength);
    if (parsed === 0) throw new Error('the policy could not read a value the host wrote');
    return parsed;
  }

  /** Replaces `data` (as JSON); the heap above it is reused by every evaluation. */
  setData(data: unknown): void {
    this.exports.opa_heap_ptr_set(this.baseHeapPtr);
    this.dataAddr = this.load(JSON.stringify(data ?? {}), (a, l) => this.exports.opa_json_parse(a, l));
    this.dataHeapPtr = this.exports.opa_heap_ptr_get();
  }

  private callBuiltin(id: number, addrs: readonly number[]): number {
    const builtin = this.builtinsById.get(id);
    if (builtin?.def === undefined) throw new Error(`not implemented: built-in function ${builtin?.name ?? `#${id}`}`);
    const args = addrs.map((a) => this.readValue(a));
    const state = this.state;
    const ctx: BuiltinContext = {
      name: builtin.name,
      get now() {
        return (state.now ??= BigInt(Date.now()) * 1_000_000n);
      },
      strict: false,
      cache: state.cache,
      print: () => undefined,
    };
    let result: Value | undefined;
    try {
      result = builtin.def.fn(args, ctx);
    } catch {
      // As OPA without strict-builtin-errors (and the native engine): a failing built-in makes its expression undefined.
      result = undefined;
    }
    return result === undefined ? 0 : this.load(writeValueText(result), (a, l) => this.exports.opa_value_parse(a, l));
  }

  /** Starts a new evaluation: `time.now_ns()` and the built-ins' cache are fixed until the next one. */
  startEvaluation(): void {
    this.state = { now: undefined, cache: new Map() };
  }

  /** Entrypoint id of a name, or an error naming it. */
  private entrypointId(name: string): number {
    const id = this.entrypoints[name];
    if (id === undefined) throw new Error(`entrypoint ${name} is not in the compiled policy`);
    return id;
  }

  /**
   * Evaluates an entrypoint with the input given as JSON text or its UTF-8 bytes (undefined =
   * no input). Returns the result set as JSON: `[]` (undefined) or `[{"result": value}]`, sets as
   * arrays in OPA's order, non-string keys JSON-encoded (as OPA's REST API writes them).
   */
  evaluate(input: string | Uint8Array | undefined, entrypointName: string): unknown[] {
    return toJSON(readValueText(this.resultSets(input, [this.entrypointId(entrypointName)])[0] as string)) as unknown[];
  }

  /**
   * Evaluates entrypoints one after the other for the same input (the rules of a document);
   * one result set per entrypoint, as {@link evaluate} returns it.
   */
  evaluateAll(input: string | Uint8Array | undefined, entrypointNames: readonly string[]): unknown[][] {
    return this.resultSets(
      input,
      entrypointNames.map((name) => this.entrypointId(name)),
    ).map((text) => toJSON(readValueText(text)) as unknown[]);
  }

  /**
   * {@link evaluateAll} by entrypoint id, answered as JSON text: the array of result sets
   * (`JSON.parse` of it equals what `evaluateAll` returns), so the worker hands it over as bytes.
   */
  evaluateJson(input: string | Uint8Array | undefined, entrypointIds: ArrayLike<number>): string {
    const ids = Array.from(entrypointIds);
    for (const id of ids) if (!this.entrypointIds.has(id)) throw new Error(`entrypoint #${id} is not in the compiled policy`);
    return '[' + this.resultSets(input, ids).map(valueTextToJson).join(',') + ']';
  }

  /**
   * The result sets (`[]` or `[{result}]`, as Rego value text) of entrypoints for one input. One
   * entrypoint: `opa_eval` (the ABI's one-call path: the input is written above `data` and parsed
   * there). More: the input is parsed into wasm memory once and one evaluation context serves
   * them all (`opa_eval_ctx_*`). Either way the heap is reset to just above `data` first.
   */
  private resultSets(input: string | Uint8Array | undefined, ids: readonly number[]): string[] {
    const bytes = typeof input === 'string' ? encoder.encode(input) : input;
    const ex = this.exports;
    if (ids.length === 1) {
      let inputAddr = 0;
      let inputLen = 0;
      if (bytes !== undefined) {
        inputAddr = this.dataHeapPtr;
        inputLen = bytes.byteLength;
        const delta = inputAddr + inputLen - this.memory.buffer.byteLength;
        if (delta > 0) this.memory.grow(Math.ceil(delta / 65536));
        new Uint8Array(this.memory.buffer).set(bytes, inputAddr);
      }
      const ret = ex.opa_eval(0, ids[0] as number, this.dataAddr, inputAddr, inputLen, this.dataHeapPtr + inputLen, 1);
      return [readCString(this.memory, ret)];
    }
    ex.opa_heap_ptr_set(this.dataHeapPtr);
    const ctx = ex.opa_eval_ctx_new();
    ex.opa_eval_ctx_set_data(ctx, this.dataAddr);
    if (bytes !== undefined)
      ex.opa_eval_ctx_set_input(
        ctx,
        this.load(bytes, (a, l) => ex.opa_json_parse(a, l)),
      );
    return ids.map((id) => {
      ex.opa_eval_ctx_set_entrypoint(ctx, id);
      if (ex.eval(ctx) !== 0) throw new Error('eval failed');
      return readCString(this.memory, ex.opa_value_dump(ex.opa_eval_ctx_get_result(ctx)));
    });
  }
}

function readCString(memory: WasmMemory, addr: number): string {
  const bytes = new Uint8Array(memory.buffer);
  const end = bytes.indexOf(0, addr);
  return decoder.decode(bytes.subarray(addr, end < 0 ? bytes.length : end));
}
