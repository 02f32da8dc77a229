/**
 * @policy-engine/gate-server — an example Gate-like API on Express, guarded by the
 * gate-adapter middleware and save-time validation from front50-adapter.
 * @packageDocumentation
 */
export { createGateApp, type GateAppOptions } from './app.js';
export { startEngine, type StartedEngine } from './engine.js';
export { startGateServer, type RunningGate, type StartGateOptions } from './server.js';
export {
  DEFAULT_POLICY_DIR,
  DEFAULT_PORT,
  DEFAULT_USERS_FILE,
  DEFAULT_DECISION_CACHE_MS,
  settingsFromEnv,
  type EngineChoice,
  type GateServerSettings,
} from './settings.js';
export { createGateMetrics, type GateMetrics } from './metrics.js';
export { createStore, newTaskId, type ApplicationRecord, type GateStore, type TaskRecord } from './store.js';
export { loadUsersFile, parseUsers } from './users.js';
