// A minimal host for OPA's wasm ABI (1.2+), written for this engine instead of opa-wasm's
// loadPolicy because that loader hands host built-ins and results over as plain JSON: a
// set arrives as an array in hash order. Here results and built-in arguments are read in
// the Rego value format (opa_value_dump / opa_eval format 1), so sets keep being sets,
// sorted as OPA sorts them: `deny` lists come out in OPA's order and sprintf("%v", [set])
// prints `{"a", "b"}` as OPA does. The built-in implementations still come from opa-wasm's
// SDK (json.is_valid, regex.split, yaml.*) plus this engine's host-builtins.mjs.
import { parseRegoValue, toJson } from './rego-value.mjs';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A compiled policy.wasm, instantiated with its data. */
export class WasmPolicy {
  /**
   * @param {WebAssembly.Module | Uint8Array} wasm compiled policy
   * @param {{initial: number, maximum: number}} memoryDescriptor pages
   * @param {Record<string, Function>} jsonBuiltins built-ins taking JSON values (sets as sorted arrays)
   * @param {Record<string, Function>} rawBuiltins built-ins taking parsed Rego values (RegoSet / RegoObject)
   */
  static async load(wasm, memoryDescriptor, jsonBuiltins, rawBuiltins) {
    const policy = new WasmPolicy();
    policy.memory = new WebAssembly.Memory(memoryDescriptor);
    policy.jsonBuiltins = jsonBuiltins;
    policy.rawBuiltins = rawBuiltins;
    policy.builtinNames = {};
    const call = (id, ...addrs) => policy.callBuiltin(id, addrs);
    const env = {
      memory: policy.memory,
      opa_abort: (addr) => {
        throw new Error(`opa_abort: ${policy.cString(addr)}`);
      },
      opa_println: (addr) => console.log(policy.cString(addr)),
      opa_builtin0: (id) => call(id),
      opa_builtin1: (id, _ctx, a) => call(id, a),
      opa_builtin2: (id, _ctx, a, b) => call(id, a, b),
      opa_builtin3: (id, _ctx, a, b, c) => call(id, a, b, c),
      opa_builtin4: (id, _ctx, a, b, c, d) => call(id, a, b, c, d),
    };
    // A compiled WebAssembly.Module (shared by the pool's workers) or the bytes.
    const instantiated = await WebAssembly.instantiate(wasm, { env });
    const instance = instantiated instanceof WebAssembly.Instance ? instantiated : instantiated.instance;
    policy.exports = instance.exports;
    const minor = instance.exports.opa_wasm_abi_minor_version;
    policy.abiMinor = typeof minor === 'number' ? minor : minor?.value;
    if (!(policy.abiMinor >= 2) || typeof instance.exports.opa_eval !== 'function') {
      throw new Error(`policy.wasm uses OPA wasm ABI 1.${policy.abiMinor ?? '?'}; 1.2 or newer is needed (OPA 0.37+)`);
    }
    const builtins = policy.readJson(instance.exports.builtins());
    for (const [name, id] of Object.entries(builtins)) policy.builtinNames[id] = name;
    policy.required = Object.keys(builtins);
    policy.entrypoints = policy.readJson(instance.exports.entrypoints());
    policy.setData({});
    return policy;
  }

  cString(addr) {
    const bytes = new Uint8Array(this.memory.buffer);
    let end = addr;
    while (bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(addr, end));
  }

  readJson(addr) {
    return JSON.parse(this.cString(this.exports.opa_json_dump(addr)));
  }

  readValue(addr) {
    return parseRegoValue(this.cString(this.exports.opa_value_dump(addr)));
  }

  /** Parses JSON text into a value in wasm memory; returns its address. */
  loadJson(text) {
    const buf = encoder.encode(text);
    const addr = this.exports.opa_malloc(buf.byteLength);
    new Uint8Array(this.memory.buffer).set(buf, addr);
    const parsed = this.exports.opa_json_parse(addr, buf.byteLength);
    if (parsed === 0) throw new Error('opa_json_parse failed');
    return parsed;
  }

  /** Replaces `data`; the heap above it is reused by every evaluation. */
  setData(data) {
    if (this.baseHeapPtr === undefined) this.baseHeapPtr = this.exports.opa_heap_ptr_get();
    this.exports.opa_heap_ptr_set(this.baseHeapPtr);
    this.dataAddr = this.loadJson(JSON.stringify(data ?? {}));
    this.dataHeapPtr = this.exports.opa_heap_ptr_get();
  }

  callBuiltin(id, addrs) {
    const name = this.builtinNames[id];
    const raw = this.rawBuiltins[name];
    const impl = raw ?? this.jsonBuiltins[name];
    if (typeof impl !== 'function') throw new Error(`not implemented: built-in function ${name}`);
    const args = addrs.map((a) => (raw ? this.readValue(a) : toJson(this.readValue(a))));
    let result;
    try {
      result = impl(...args);
    } catch {
      // OPA without strict-builtin-errors: a failing built-in makes its expression undefined.
      result = undefined;
    }
    return result === undefined ? 0 : this.loadJson(JSON.stringify(result));
  }

  /**
   * Evaluates an entrypoint with the input given as JSON text (undefined = no input).
   * Returns the result set as JSON: `[]` (undefined) or `[{"result": value}]`.
   */
  evaluate(inputJson, entrypointName) {
    const entrypoint = this.entrypoints[entrypointName];
    if (entrypoint === undefined) throw new Error(`entrypoint ${entrypointName} is not in the compiled policy`);
    let inputAddr = 0;
    let inputLen = 0;
    if (inputJson !== undefined) {
      const buf = encoder.encode(inputJson);
      inputAddr = this.dataHeapPtr;
      inputLen = buf.byteLength;
      const delta = inputAddr + inputLen - this.memory.buffer.byteLength;
      if (delta > 0) this.memory.grow(Math.ceil(delta / 65536));
      new Uint8Array(this.memory.buffer).set(buf, inputAddr);
    }
    const ret = this.exports.opa_eval(0, entrypoint, this.dataAddr, inputAddr, inputLen, this.dataHeapPtr + inputLen, 1);
    return toJson(parseRegoValue(this.cString(ret)));
  }
}
