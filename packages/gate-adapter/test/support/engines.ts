import { fileURLToPath } from 'node:url';
import { createPolicyEngine, type PolicyEngine, type PolicyEngineOptions } from '@policy-engine/evaluator';
import { nativeEngine } from '@policy-engine/engine-native';
import { opaEngine } from '@policy-engine/engine-opa';
import { wasmEngine } from '@policy-engine/engine-wasm';
import { findOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';

/** Directory of the suite's policies (one v1 module, one v0 module). */
export const POLICY_DIR = fileURLToPath(new URL('../policies', import.meta.url));

/** A policy engine on one backend, plus a way to make it fail. */
export interface EngineFixture {
  readonly engine: PolicyEngine;
  /** Makes every later evaluation fail (OPA killed / engine closed). */
  breakEngine(): Promise<void>;
  close(): Promise<void>;
}

/** One backend the suite runs on. */
export interface EngineKind {
  readonly name: string;
  create(options?: PolicyEngineOptions['options']): Promise<EngineFixture>;
}

const policies = { kind: 'directory', path: POLICY_DIR, regoVersion: 'auto' } as const;

export const engineKinds: readonly EngineKind[] = [
  {
    name: 'opa',
    async create(options) {
      const server: OpaServer = await startOpaServer({ v0Compatible: true });
      const engine = await createPolicyEngine({
        engine: opaEngine({ baseUrl: `${server.url}/v1/data` }),
        policies,
        options: { timeoutMs: 3000, ...options },
      });
      return {
        engine,
        breakEngine: () => server.kill(),
        async close() {
          await engine.close();
          await server.stop();
        },
      };
    },
  },
  {
    name: 'wasm',
    async create(options) {
      const engine = await createPolicyEngine({
        engine: wasmEngine({ opaPath: findOpa() }),
        policies,
        options: { timeoutMs: 3000, ...options },
      });
      let closed = false;
      return {
        engine,
        // An embedded engine has no server to kill: closing it makes every later evaluation fail.
        async breakEngine() {
          closed = true;
          await engine.close();
        },
        async close() {
          if (!closed) await engine.close();
        },
      };
    },
  },
  {
    name: 'native',
    async create(options) {
      const engine = await createPolicyEngine({
        engine: nativeEngine(),
        policies,
        options: { timeoutMs: 3000, ...options },
      });
      let closed = false;
      return {
        engine,
        // An embedded engine has no server to kill: closing it makes every later evaluation fail.
        async breakEngine() {
          closed = true;
          await engine.close();
        },
        async close() {
          if (!closed) await engine.close();
        },
      };
    },
  },
];
