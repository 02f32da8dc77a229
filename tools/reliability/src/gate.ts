import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_USERS_FILE, startGateServer, type EngineChoice, type RunningGate } from '@policy-engine/gate-server';

/** `authorization` header value for HTTP Basic with `user:password` (the example users' passwords equal their names). */
export function basic(user: string, password: string = user): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Options of {@link startExampleGate}. */
export interface ExampleGateOptions {
  readonly engine: EngineChoice;
  readonly policyDir: string;
  /** `armory.policyEngine.opa.timeoutSeconds`: every request's bound. */
  readonly timeoutSeconds: number;
  readonly watchPolicies: boolean;
}

/** The example gate under test and the temporary directory holding its Gate profile. */
export interface ExampleGate {
  readonly gate: RunningGate;
  /** Stops the gate (and its engine and local OPA) and removes the temporary files. */
  readonly close: () => Promise<void>;
}

/**
 * Starts the real example gate (`examples/gate-server`'s `startGateServer`) on a free port of
 * 127.0.0.1, with the example users and a Gate profile giving `timeoutSeconds`, `failOpen: false`.
 */
export async function startExampleGate(options: ExampleGateOptions): Promise<ExampleGate> {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-gate-'));
  const profile = join(dir, 'gate-local.yml');
  writeFileSync(profile, `armory:\n  policyEngine:\n    opa:\n      timeoutSeconds: ${options.timeoutSeconds}\n    failOpen: false\n`);
  try {
    const gate = await startGateServer({
      port: 0,
      host: '127.0.0.1',
      policyDir: options.policyDir,
      regoVersion: 'auto',
      engine: options.engine,
      usersFile: DEFAULT_USERS_FILE,
      gateConfigFile: profile,
      watchPolicies: options.watchPolicies,
    });
    return {
      gate,
      close: async () => {
        try {
          await gate.close(2000);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
