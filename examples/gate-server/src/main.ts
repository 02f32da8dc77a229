// Entry point of `npm start`: reads the environment, starts the example Gate, logs one
// line, and shuts down gracefully on SIGTERM/SIGINT.
import { PolicyEngineError } from '@policy-engine/evaluator';
import { startGateServer } from './server.js';
import { settingsFromEnv } from './settings.js';

function hasCode(e: unknown): e is Error & { code: string } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const gate = await startGateServer(settings);
  console.log(gate.startupLine);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`gate-server: ${signal} received, shutting down`);
    gate.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`gate-server: shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  // Typed errors carry a code: the evaluator's (PolicyEngineError) and tools/opa's (OPA_NOT_FOUND).
  const code = e instanceof PolicyEngineError || hasCode(e) ? ` [${e.code}]` : '';
  console.error(`gate-server: cannot start${code}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
