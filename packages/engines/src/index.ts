/**
 * @policy-engine/engines — the one engine factory: an engine by name (`wasm`, `opa`,
 * `native`), the list of names and the default, for every tool and example.
 * @packageDocumentation
 */
export {
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  EngineNotAvailableError,
  createEngineByName,
  isEngineName,
  parseEngineName,
  type EngineByNameOptions,
  type EngineName,
  type EngineOptionsOf,
  type LocalOpa,
  type NamedEngine,
} from './factory.js';
