/**
 * @policy-engine/opa — makes the real OPA available to tests and tools, and runs it.
 * @packageDocumentation
 */
export { OpaNotFoundError, OpaServerStartError } from './errors.js';
export { OPA_VERSION, findOpa, opaSourceDir, opaVersion, repoRoot, sharedDir, toolsDir } from './locate.js';
export { ensureOpa, type EnsureOpaOptions } from './ensure.js';
export { runOpa, type OpaRunResult, type RunOpaOptions } from './run.js';
export { freePort, startOpaServer, type OpaRestartOptions, type OpaServer, type StartOpaServerOptions } from './server.js';
