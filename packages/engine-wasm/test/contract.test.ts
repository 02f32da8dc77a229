// The engine contract suite (tools/engine-contract) on OPA-compiled wasm.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEngineContract } from '@policy-engine/engine-contract';
import { findOpa } from '@policy-engine/opa';
import { wasmEngine } from '../src/index.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'wasm-contract-'));

runEngineContract('wasm', () => wasmEngine({ opaPath: findOpa(), cacheDir, workers: 1 }), {
  // Runs as `it.fails`: the suite fails when wasm starts passing it, so remove it then.
  expectedFailures: {
    'an integer past 2^53 keeps every digit through format_int':
      'OPA\'s wasm runtime (opa build -t wasm, v1.22.3) aborts in format_int on it: `opa_abort: strings: get uint failed`; `opa eval` answers "9007199254740995"',
  },
});
