/** Backend selection by engine name. */
import type { BackendOptions, ConformanceBackend } from '../backend.js';
import { nativeBackend } from './native.js';
import { opaBackend } from './opa.js';
import { wasmBackend } from './wasm.js';

/** The engines the runner knows. */
export const ENGINES = ['native', 'wasm', 'opa'] as const;

/** An engine name. */
export type EngineName = (typeof ENGINES)[number];

/** Makes the backend for an engine. Rejects with `BackendUnavailableError` when it cannot run here. */
export async function createBackend(engine: EngineName, options: BackendOptions): Promise<ConformanceBackend> {
  switch (engine) {
    case 'opa':
      return opaBackend(options);
    case 'native':
      return nativeBackend(options);
    case 'wasm':
      return wasmBackend(options);
  }
}
