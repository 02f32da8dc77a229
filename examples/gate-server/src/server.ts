import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFront50Validator } from '@policy-engine/front50-adapter';
import {
  basicAuthIdentity,
  createGateAuthorizer,
  loadArmoryConfigFile,
  readArmoryConfig,
  type AuthzEvent,
  type GateAuthzConfig,
} from '@policy-engine/gate-adapter';
import { withFleetFileSettings, type PolicyEngineHealth } from '@policy-engine/evaluator';
import { createGateApp } from './app.js';
import { startEngine } from './engine.js';
import { createGateMetrics, type GateMetrics } from './metrics.js';
import type { GateServerSettings } from './settings.js';
import { createStore, type GateStore } from './store.js';
import { loadUsersFile } from './users.js';

/** A running example Gate. */
export interface RunningGate {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Engine description (`wasm`, `opa http://…`). */
  readonly engine: string;
  readonly policyDir: string;
  /** Prometheus metrics (also served on `GET /metrics`). */
  readonly metrics: GateMetrics;
  /** Policy packages loaded at start. */
  readonly packages: readonly string[];
  readonly config: GateAuthzConfig;
  readonly store: GateStore;
  /** With `ENGINE=opa` and no `OPA_URL`: the local OPA the gate started and supervises. */
  readonly localOpa?: { readonly url: string; readonly pid?: number };
  /** The one startup line: URL, engine, policy dir, packages. */
  readonly startupLine: string;
  /** Stops accepting connections, finishes running requests (up to `graceMs`), closes the engine. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

/** Extra hooks for embedding and tests. */
export interface StartGateOptions {
  /** Called for every authorization (e.g. access logging). */
  readonly onAuthz?: (event: AuthzEvent) => void;
  /** Benchmark baseline only: the app without its authorization middleware (see `GateAppOptions.withoutAuthorization`). */
  readonly withoutAuthorization?: boolean;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The bundle and decision-log settings of the Armory-style file where the environment gave none (the environment wins). */
function withConfigFile(settings: GateServerSettings, config: GateAuthzConfig): GateServerSettings {
  return { ...settings, ...withFleetFileSettings(settings, config, settings.gateConfigFile) };
}

/** Starts the example Gate with `settings` (see `settingsFromEnv`). */
export async function startGateServer(settings: GateServerSettings, options: StartGateOptions = {}): Promise<RunningGate> {
  const users = loadUsersFile(settings.usersFile);
  const config = settings.gateConfigFile ? loadArmoryConfigFile(settings.gateConfigFile) : readArmoryConfig({});
  const metrics = createGateMetrics();
  const effective = withConfigFile(settings, config);
  const engine = await startEngine(effective, config, metrics);
  let server: Server | undefined;
  try {
    const authorizer = createGateAuthorizer({
      engine: engine.policyEngine,
      identity: basicAuthIdentity(users, 'FILE'),
      config,
      ...(options.onAuthz ? { onAuthz: options.onAuthz } : {}),
    });
    const validator = createFront50Validator({ policyEngine: engine.policyEngine });
    const store = createStore();
    // /health reports the engine; each change of state is logged once (polls are frequent).
    let lastStatus: 'UP' | 'DOWN' = 'UP';
    const health = async (): Promise<PolicyEngineHealth> => {
      const h = await engine.policyEngine.health();
      if (h.status !== lastStatus) {
        lastStatus = h.status;
        const line = `gate-server: health ${h.status} (engine ${h.engine}${h.detail ? `: ${h.detail}` : ''})`;
        if (h.status === 'UP') console.log(line);
        else console.error(line);
      }
      return h;
    };
    server = createServer(
      createGateApp({ authorizer, validator, store, health, metrics, withoutAuthorization: options.withoutAuthorization === true }),
    );
    const address = await listen(server, settings.port, settings.host);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    const packages = engine.policyEngine.packages();
    const startupLine = `gate-server listening on ${url} engine=${engine.description} policies=${effective.bundleUrl ?? settings.policyDir} packages=${packages.join(',') || '(none)'}`;
    let closing: Promise<void> | undefined;
    const srv = server;
    return {
      url,
      port: address.port,
      engine: engine.description,
      policyDir: settings.policyDir,
      metrics,
      packages,
      config,
      store,
      ...(engine.localOpa ? { localOpa: engine.localOpa } : {}),
      startupLine,
      close(graceMs = 5000) {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => srv.closeAllConnections(), graceMs);
            timer.unref();
            srv.close(() => {
              clearTimeout(timer);
              resolve();
            });
            srv.closeIdleConnections();
          });
          await engine.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    server?.close();
    await engine.close();
    throw e;
  }
}
