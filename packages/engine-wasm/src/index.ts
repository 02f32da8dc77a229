/**
 * @policy-engine/engine-wasm — compiles policies with the real `opa build -t wasm` and
 * evaluates them in-process (worker threads), the host's built-ins from `@policy-engine/rego-eval`.
 * @packageDocumentation
 */
export { wasmEngine, type WasmEngine, type WasmEngineOptions } from './engine.js';
export type { BuildInfo } from './build.js';
export { EngineOverloaded } from './errors.js';
