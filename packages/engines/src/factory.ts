import { PolicyEngineError, type Engine } from '@policy-engine/evaluator';
import { opaEngine, type OpaEngineOptions } from '@policy-engine/engine-opa';
import { wasmEngine, type WasmEngineOptions } from '@policy-engine/engine-wasm';
import { nativeEngine, type NativeEngineOptions } from '@policy-engine/engine-native';

/**
 * Every engine name the factory knows, in the order tools list them. Adding an engine means:
 * its name here, its options in {@link EngineByNameOptions}, one `case` in {@link createEngineByName}.
 */
export const ENGINE_NAMES = ['native', 'wasm', 'opa'] as const;

/** One of {@link ENGINE_NAMES}. */
export type EngineName = (typeof ENGINE_NAMES)[number];

/**
 * The engine `eval`, `run-pipeline`, the gate and the Orca runner use when none is chosen: the
 * native interpreter (in-process, pure TypeScript, needs no `opa` binary). The one default: every
 * tool takes it from here.
 */
export const DEFAULT_ENGINE: EngineName = 'native';

/** The one error for an engine that cannot be had: an unknown name, or a known engine that is not available (yet, or not configured). */
export class EngineNotAvailableError extends PolicyEngineError {
  readonly code = 'ENGINE_NOT_AVAILABLE';
  constructor(
    /** The name that was asked for, as given. */
    readonly engineName: string,
    /** `unknown`: not a name of {@link ENGINE_NAMES}; `unavailable`: known, but it cannot be created here. */
    readonly reason: 'unknown' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

/** True when `name` is one of {@link ENGINE_NAMES} (exact spelling). */
export function isEngineName(name: string): name is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(name);
}

/**
 * Reads an engine name from a flag or an environment variable: trimmed, case-insensitive;
 * empty or absent ⇒ {@link DEFAULT_ENGINE}.
 * @throws EngineNotAvailableError (`unknown`) listing the known names.
 */
export function parseEngineName(text: string | undefined): EngineName {
  const name = (text ?? '').trim().toLowerCase();
  if (name === '') return DEFAULT_ENGINE;
  if (isEngineName(name)) return name;
  throw new EngineNotAvailableError(text ?? '', 'unknown', `unknown engine "${text}": expected one of ${ENGINE_NAMES.join(', ')}`);
}

/** An OPA server started for an engine (tools/opa's `startOpaServer` returns one). */
export interface LocalOpa {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pid?: number;
  /** Headers every request to it needs (e.g. the bearer token of a token-protected OPA); sent by the engine. */
  readonly headers?: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Options, or a function computing them (synchronously or not): called only when that engine is
 * the one chosen (e.g. to locate or install `opa` lazily, so that other engines never need it).
 */
export type EngineOptionsOf<T> = T | (() => T | Promise<T>);

/** Options of {@link createEngineByName}: per engine, passed through to that engine's factory. */
export interface EngineByNameOptions {
  /** Options of `wasmEngine` (engine-wasm), e.g. `opaPath` for `opa build`. */
  readonly wasm?: EngineOptionsOf<WasmEngineOptions>;
  /** Options of `opaEngine` (engine-opa). Without `baseUrl`/`urls`, `startOpa` provides a server. */
  readonly opa?: EngineOptionsOf<OpaEngineOptions>;
  /**
   * Starts a local OPA when `opa` gives no server address (the factory never starts processes
   * itself: tools and examples pass tools/opa's `startOpaServer`, with `--v0-compatible`).
   */
  readonly startOpa?: () => Promise<LocalOpa>;
  /** Options of `nativeEngine` (engine-native), e.g. `strictBuiltinErrors`, `builtins`. */
  readonly native?: EngineOptionsOf<NativeEngineOptions>;
}

/** An engine made by {@link createEngineByName}, with what was started for it. */
export interface NamedEngine {
  readonly name: EngineName;
  /** The engine; hand it to `createPolicyEngine`, which owns it from then on. */
  readonly engine: Engine;
  /** For startup lines: `wasm`, `opa http://opa:8181`, `opa http://127.0.0.1:… (started, pid …)`. */
  readonly description: string;
  /** The OPA started through `startOpa`, if one was. */
  readonly localOpa?: LocalOpa;
  /** Closes the engine (harmless when `createPolicyEngine` already did) and stops a started OPA. Idempotent. */
  close(): Promise<void>;
}

async function resolve<T extends object>(options: EngineOptionsOf<T> | undefined): Promise<T | undefined> {
  return typeof options === 'function' ? await options() : options;
}

function named(name: EngineName, engine: Engine, description: string, localOpa?: LocalOpa): NamedEngine {
  let closing: Promise<void> | undefined;
  return {
    name,
    engine,
    description,
    ...(localOpa ? { localOpa } : {}),
    close() {
      closing ??= (async () => {
        try {
          await engine.close();
        } catch {
          // Already closed by its facade, or broken: stopping the server below still matters.
        } finally {
          await localOpa?.stop();
        }
      })();
      return closing;
    },
  };
}

/**
 * The one place an engine is chosen by name (`--engine`, `ENGINE=`): `native` (the pure-TypeScript
 * interpreter, in-process; the default), `wasm` (embedded, OPA-compiled wasm), `opa` (a real OPA
 * server: the given address, or one from `startOpa`). Empty/undefined ⇒ {@link DEFAULT_ENGINE}.
 * Only the chosen engine's options are computed, so `native` never locates or starts `opa`.
 * @throws EngineNotAvailableError for an unknown name, or `opa` with neither an address nor `startOpa`;
 *   whatever the chosen engine's option function throws (e.g. tools/opa's `OpaNotFoundError`).
 */
export async function createEngineByName(name: string | undefined, options: EngineByNameOptions = {}): Promise<NamedEngine> {
  const engineName = parseEngineName(name);
  switch (engineName) {
    case 'wasm': {
      const wasm = (await resolve(options.wasm)) ?? {};
      return named('wasm', wasmEngine(wasm), wasm.workers !== undefined ? `wasm (${wasm.workers} workers)` : 'wasm');
    }
    case 'opa': {
      const opa = (await resolve(options.opa)) ?? {};
      const urls = [...(opa.urls ?? []), ...(opa.baseUrl ? [opa.baseUrl] : [])];
      if (urls.length > 0) return named('opa', opaEngine(opa), `opa ${urls.join(',')}`);
      if (!options.startOpa) {
        throw new EngineNotAvailableError(
          name ?? engineName,
          'unavailable',
          'engine "opa" needs an OPA server address (baseUrl or urls) or a way to start one',
        );
      }
      const local = await options.startOpa();
      try {
        const headers = { ...(opa.headers ?? {}), ...(local.headers ?? {}) };
        return named(
          'opa',
          opaEngine({ ...opa, baseUrl: local.url, ...(Object.keys(headers).length > 0 ? { headers } : {}) }),
          `opa ${local.url} (started${local.pid === undefined ? '' : `, pid ${local.pid}`})`,
          local,
        );
      } catch (error) {
        await local.stop();
        throw error;
      }
    }
    case 'native': {
      const native = (await resolve(options.native)) ?? {};
      return named('native', nativeEngine(native), 'native');
    }
  }
}
