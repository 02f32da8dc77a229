/** The public API: `compile(modules, options)` → a prepared policy set. */
import { RObject, ValueConversionError, fromJSON, type Value } from '@policy-engine/rego-value';
import { defaultBuiltins } from './builtins/index.js';
import { builtinTable, type BuiltinDef } from './builtins/registry.js';
import { compileModules, type ModuleSource, type RuleNode } from './compile.js';
import { RegoEvalError, type ErrorLocation } from './errors.js';
import { Evaluation } from './eval.js';
import type { Body, T } from './ir.js';

/** Options of `compile`. */
export interface CompileOptions {
  /** Base data (JSON or a Rego value). */
  readonly data?: unknown;
  /** Default Rego version of modules that do not say (default `v1`). */
  readonly regoVersion?: 'v0' | 'v1';
  /** User-defined built-ins known at compile time (also accepted per evaluation). */
  readonly builtins?: readonly BuiltinDef[];
}

/** Options of one evaluation. */
export interface EvalOptions {
  /** The input document (JSON or a Rego value). */
  readonly input?: unknown;
  /** A `performance.now()` time after which evaluation stops with `eval_cancel_error`. */
  readonly deadline?: number;
  /** Built-in errors abort the query instead of making the call undefined. */
  readonly strictBuiltinErrors?: boolean;
  /** Evaluation time in ns since the epoch (`time.now_ns`); default the clock. */
  readonly now?: bigint;
  /** The print hook (`print(...)`); default: discard. */
  readonly print?: (msg: string) => void;
  /** User-defined built-ins. */
  readonly builtins?: readonly BuiltinDef[];
  /**
   * Coverage hook (as OPA's `cover` tracer): called with the location of every expression when
   * it is evaluated and of every rule (its start) when it produces a value. Default: none.
   */
  readonly cover?: (loc: ErrorLocation) => void;
  /** The input must be a JSON value: a bigint in it fails with `eval_input_error` when read (default: read as an exact integer). */
  readonly jsonInput?: boolean;
}

/** A compiled policy set, ready to evaluate many times. */
export interface PreparedPolicySet {
  /** The value of a document (`data.a.b` or `a.b`), or undefined. */
  evaluate(path: string, options?: EvalOptions): Value | undefined;
  /** Every solution of a query: one binding object per solution (user-visible vars). */
  query(query: string, options?: EvalOptions): Record<string, Value>[];
}

const MAX_INPUT_DEPTH = 1000;

function inputError(err: unknown): RegoEvalError {
  return new RegoEvalError('eval_input_error', `invalid input: ${err instanceof Error ? err.message : String(err)}`);
}

/** Runs `f`, turning a late input conversion failure (lazy members) into a typed error. */
function guarded<R>(f: () => R): R {
  try {
    return f();
  } catch (err) {
    if (err instanceof ValueConversionError) throw inputError(err);
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw new RegoEvalError('eval_recursion_error', 'evaluation nested too deeply (call stack exhausted)');
    }
    throw err;
  }
}

/** How many distinct paths `evaluate` remembers the parsed form of (the decision paths of a policy set are few). */
const MAX_CACHED_REFS = 1024;

class Prepared implements PreparedPolicySet {
  private readonly refs = new Map<string, T>();
  constructor(
    private readonly modules: readonly ModuleSource[],
    private readonly version: 'v0' | 'v1',
    private readonly root: RuleNode,
    private readonly data: Value,
    private readonly builtins: ReadonlyMap<string, BuiltinDef>,
  ) {}

  private evaluation(options: EvalOptions): Evaluation {
    let input: Value | undefined;
    if (options.input !== undefined) {
      try {
        input = fromJSON(options.input, 0, {
          lazy: true,
          maxDepth: MAX_INPUT_DEPTH,
          ...(options.jsonInput ? { refuseBigInts: true } : {}),
        });
      } catch (err) {
        throw inputError(err);
      }
    }
    const builtins = options.builtins?.length ? builtinTable([...this.builtins.values()], options.builtins) : this.builtins;
    return new Evaluation({
      input,
      data: this.data,
      root: this.root,
      builtins,
      strict: options.strictBuiltinErrors ?? false,
      deadline: options.deadline,
      now: options.now,
      print: options.print ?? (() => {}),
      cover: options.cover,
    });
  }

  evaluate(path: string, options: EvalOptions = {}): Value | undefined {
    let ref = this.refs.get(path);
    if (ref === undefined) {
      const parts = path.split('.').filter((p) => p !== '');
      if (parts[0] === 'data') parts.shift();
      ref = { k: 'ref', head: { k: 'data' }, path: parts.map((p) => ({ k: 'val', v: p })), loc: { file: '', row: 0, col: 0 } };
      if (this.refs.size < MAX_CACHED_REFS) this.refs.set(path, ref);
    }
    const r = ref;
    return guarded(() => this.evaluateRef(r, options));
  }

  private evaluateRef(ref: T, options: EvalOptions): Value | undefined {
    const ev = this.evaluation(options);
    let out: Value | undefined;
    ev.evalTerm(ref, new Map(), (v) => ((out = v), true));
    return out;
  }

  query(query: string, options: EvalOptions = {}): Record<string, Value>[] {
    const extra = options.builtins?.length ? builtinTable([...this.builtins.values()], options.builtins) : this.builtins;
    const src = this.version === 'v0' ? `package __query__\n__q__ {\n${query}\n}\n` : `package __query__\n__q__ if {\n${query}\n}\n`;
    const { queryBody, queryVars } = compileModules(this.modules, this.version, extra, {
      id: 'query',
      source: src,
      regoVersion: this.version,
    });
    return guarded(() => this.runQuery(queryBody ?? [], queryVars ?? [], options));
  }

  private runQuery(queryBody: Body, queryVars: readonly string[], options: EvalOptions): Record<string, Value>[] {
    const ev = this.evaluation(options);
    const results: Record<string, Value>[] = [];
    const env = new Map<string, Value>();
    ev.evalBody(queryBody, 0, env, () => {
      const r: Record<string, Value> = {};
      for (const v of queryVars) {
        const x = env.get(v);
        if (x !== undefined) r[v] = x;
      }
      results.push(r);
      return false;
    });
    return results;
  }
}

/** Compiles modules (and base data) into a prepared policy set. Throws `RegoCompileError`. */
export function compile(modules: readonly ModuleSource[], options: CompileOptions = {}): PreparedPolicySet {
  const version = options.regoVersion ?? 'v1';
  const builtins = options.builtins?.length ? builtinTable([...defaultBuiltins.values()], options.builtins) : defaultBuiltins;
  const { root } = compileModules(modules, version, builtins);
  const data = options.data === undefined ? new RObject() : fromJSON(options.data);
  return new Prepared(modules, version, root, data, builtins);
}
