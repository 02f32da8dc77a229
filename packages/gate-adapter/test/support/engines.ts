import { fileURLToPath } from 'node:url';
import { createPolicyEngine, type Engine, type PolicyEngine, type PolicyEngineOptions } from '@policy-engine/evaluator';
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

/** An in-process engine: it has no server to kill, so closing it makes every later evaluation fail. */
function embedded(name: string, makeEngine: () => Engine): EngineKind {
  return {
    name,
    async create(options) {
      const engine = await createPolicyEngine({ engine: makeEngine(), policies, options: { timeoutMs: 3000, ...options } });
      let closed = false;
      return {
        engine,
        async breakEngine() {
          closed = true;
          await engine.close();
        },
        async close() {
          if (!closed) await engine.close();
        },
      };
    },
  };
}

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
  embedded('wasm', () => wasmEngine({ opaPath: findOpa() })),
  embedded('native', () => nativeEngine()),
];
