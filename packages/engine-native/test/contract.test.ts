// The engine contract suite (tools/engine-contract) on the native interpreter: no expected failures.
import { runEngineContract } from '@policy-engine/engine-contract';
import { nativeEngine } from '../src/index.js';

runEngineContract('native', () => nativeEngine(), {
  // Native evaluates on the caller's thread: the signal is checked before a run, the deadline bounds it.
  synchronous: true,
});
