/**
 * @policy-engine/engine-native — the Engine contract on the native Rego interpreter.
 * @packageDocumentation
 */
/** The engine factory and its options. */
export { nativeEngine, type NativeEngineOptions } from './engine.js';
