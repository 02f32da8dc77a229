/**
 * The evaluator: continuation-passing backtracking over the IR. A continuation returns
 * `true` to stop the enumeration (used by `not`, early exits and first-solution lookups).
 */
import {
  RObject,
  RSet,
  compare,
  equals,
  formatValue,
  isNumber,
  keyOf,
  numberText,
  toSafeInteger,
  type Value,
} from '@policy-engine/rego-value';
import { BuiltinError, type BuiltinContext, type BuiltinDef } from './builtins/registry.js';
import type { CRule, RuleNode } from './compile.js';
import { RegoEvalError, type ErrorLocation } from './errors.js';
import type { Body, E, T, W, X } from './ir.js';

type K = () => boolean;
type KV = (v: Value) => boolean;
type Env = Map<string, Value>;

const PENDING = Symbol('pending');

/** What a `with` puts in place of a function: a value, or another function (a mock). */
interface WithFn {
  readonly value?: Value;
  readonly mock?: string;
}
const NO_NODES: ReadonlySet<RuleNode> = new Set();
const NO_FNS: ReadonlyMap<string, WithFn> = new Map();

/** Options of one evaluation. */
export interface EvalState {
  readonly input: Value | undefined;
  readonly data: Value;
  readonly root: RuleNode;
  readonly builtins: ReadonlyMap<string, BuiltinDef>;
  readonly strict: boolean;
  readonly deadline: number | undefined;
  /** Evaluation time in ns since the epoch; undefined: the clock when a built-in first asks (then fixed). */
  readonly now: bigint | undefined;
  readonly print: (msg: string) => void;
  /** Coverage hook: called with an expression's location when it is evaluated and a rule's when it produces a value. */
  readonly cover: ((loc: ErrorLocation) => void) | undefined;
}

function iterEntries(v: Value, f: (k: Value, x: Value) => boolean): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (f(i, v[i] as Value)) return true;
    return false;
  }
  if (v instanceof RObject) {
    for (const [k, x] of v.sortedEntries()) if (f(k, x)) return true;
    return false;
  }
  if (v instanceof RSet) {
    for (const x of v.sorted()) if (f(x, x)) return true;
    return false;
  }
  return false;
}

/** `v[key]`, or undefined. */
export function lookup(v: Value | undefined, key: Value): Value | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof RObject) return v.get(key);
  if (Array.isArray(v)) {
    if (!isNumber(key)) return undefined;
    const i = toSafeInteger(key);
    return i !== undefined && i >= 0 && i < v.length ? (v[i] as Value) : undefined;
  }
  if (v instanceof RSet) return v.has(key) ? key : undefined;
  return undefined;
}

/** `v[key]` in base data: integer keys also find the string key (as OPA's store does). */
function lookupData(v: Value | undefined, key: Value): Value | undefined {
  const x = lookup(v, key);
  if (x === undefined && isNumber(key) && v instanceof RObject) return v.get(numberText(key));
  return x;
}

function setPath(base: Value | undefined, path: readonly string[], i: number, v: Value): Value {
  if (i === path.length) return v;
  const o = base instanceof RObject ? base.clone() : new RObject();
  const key = path[i] as string;
  o.set(key, setPath(o.get(key), path, i + 1, v));
  return o;
}

/** Function nodes by dotted name (`data.p.f`) per rule tree: the tree does not change once compiled. */
const functionNodes = new WeakMap<RuleNode, Map<string, RuleNode | null>>();

function functionNode(root: RuleNode, path: string): RuleNode | undefined {
  let byName = functionNodes.get(root);
  if (byName === undefined) functionNodes.set(root, (byName = new Map<string, RuleNode | null>()));
  let n = byName.get(path);
  if (n === undefined) {
    let cur: RuleNode | undefined = root;
    for (const p of path.split('.').slice(1)) cur = cur?.children.get(p);
    n = cur ?? null;
    byName.set(path, n);
  }
  return n ?? undefined;
}

/** A built-in call's context: the query's time and cache are made only when a built-in reads them. */
class CallContext implements BuiltinContext {
  constructor(
    private readonly ev: Evaluation,
    readonly name: string,
  ) {}
  get now(): bigint {
    return this.ev.queryTime();
  }
  get strict(): boolean {
    return this.ev.state.strict;
  }
  get cache(): Map<string, unknown> {
    return this.ev.builtinCache();
  }
  get deadline(): number | undefined {
    return this.ev.state.deadline;
  }
  print(message: string): void {
    this.ev.state.print(message);
  }
}

/** One query's evaluation. */
export class Evaluation {
  private input: Value | undefined;
  private data: Value;
  private cache = new Map<RuleNode, Value | undefined | typeof PENDING>();
  /** Function results by name and arguments, made at the first call of a function rule. */
  private funcCache: Map<string, Value | undefined> | undefined;
  /** Rule nodes a `with data…` replaces, and the functions a `with` replaces: never changed in place (a `with` makes new ones), shared empty ones when there is none. */
  private masked: ReadonlySet<RuleNode> = NO_NODES;
  private withFns: ReadonlyMap<string, WithFn> = NO_FNS;
  private steps = 0;
  /** Built-ins' per-query cache and the query's time, made when a built-in first asks. */
  private ctxCache: Map<string, unknown> | undefined;
  private nowNs: bigint | undefined;
  private nodeByPath: Map<string, RuleNode | null> | undefined;
  /** Objects that are one rule's value (a complete rule's, or a ref-head rule's leaf): other rules may not inject keys into them (made when the first is). */
  private ruleValues: WeakSet<RObject> | undefined;
  /** Empty environments for rule bodies (see `takeEnv`). */
  private readonly envs: Env[] = [];

  constructor(private readonly st: EvalState) {
    this.input = st.input;
    this.data = st.data;
  }

  private tick(): void {
    if (++this.steps % 4096 === 0 && this.st.deadline !== undefined && performance.now() > this.st.deadline) {
      throw new RegoEvalError('eval_cancel_error', 'caller cancelled query execution: deadline exceeded');
    }
  }

  // ----- bodies and expressions -----

  evalBody(body: Body, from: number, env: Env, k: K): boolean {
    // A row of expressions that succeed at most once (`E.d`) runs in a loop; the vars it binds
    // are unbound again when the rest of the body has run, as `match` does after its continuation.
    let i = from;
    let bound: string[] | undefined;
    let ok = true;
    for (; i < body.length; i++) {
      const e = body[i] as E;
      if (e.d !== true) break;
      this.tick();
      this.st.cover?.(e.loc);
      const r = e.neg ? this.negated(e, env) : this.once(e, env);
      if (r === false) {
        ok = false;
        break;
      }
      if (r !== true) (bound ??= []).push(r);
    }
    let result: boolean;
    if (!ok) result = false;
    else if (i === body.length) {
      // Every solution counts as a step: an iteration whose elements all reach the end of the
      // body (e.g. `some q in numbers.range(1, 1e6)` as a comprehension's last literal) is polled too.
      this.tick();
      result = k();
    } else {
      const next = i + 1;
      result = this.evalExpr(body[i] as E, env, () => this.evalBody(body, next, env, k));
    }
    if (bound !== undefined) for (let j = bound.length - 1; j >= 0; j--) env.delete(bound[j] as string);
    return result;
  }

  /** A negated expression without `with`: whether it holds (its inner expression has no solution). */
  private negated(e: E, env: Env): boolean {
    if (e.x.k === 'term' && e.x.t.s === true) {
      const v = this.value(e.x.t, env);
      return v === undefined || v === false;
    }
    let found = false;
    this.evalExprInner(e, env, () => {
      found = true;
      return true;
    });
    return !found;
  }

  /**
   * An expression marked `E.d` (not negated, no `with`), run once: false when it fails, true
   * when it holds, or the name of the var it bound (the caller unbinds it afterwards).
   */
  private once(e: E, env: Env): boolean | string {
    const x = e.x;
    switch (x.k) {
      case 'term': {
        const v = this.value(x.t, env);
        return v !== undefined && v !== false;
      }
      case 'unify':
        return this.unifyOnce(x.a, x.b, env);
      case 'callout': {
        const args = this.argValues(x.args, env);
        if (args === undefined) return false;
        const r = this.callValue(x.fn, args, e.loc);
        return r === undefined ? false : this.bindOnce(x.out, r, env);
      }
      case 'every': {
        const d = this.value(x.domain, env);
        return d !== undefined && this.everyHolds(x, d, env);
      }
      case 'notbody': {
        let found = false;
        this.evalBody(x.body, 0, env, () => {
          found = true;
          return true;
        });
        return !found;
      }
      case 'or':
        return this.evalBody(x.lhs, 0, env, () => true) || this.evalBody(x.rhs, 0, env, () => true);
      case 'and':
        return this.evalBody(x.lhs, 0, env, () => this.evalBody(x.rhs, 0, env, () => true));
      case 'true':
        return true;
      case 'somein':
        throw new Error('internal error: `some … in` is never marked single-solution (E.d)');
    }
  }

  /** `a = b` of plain single-valued terms (see `E.d`), as `unify` and `match` do it: false, true, or the var bound. */
  private unifyOnce(a: T, b: T, env: Env): boolean | string {
    if (a.k === 'var') {
      const av = env.get(a.n);
      if (av === undefined) {
        if (b.k === 'var' && !env.has(b.n)) return false;
        const v = this.value(b, env);
        if (v === undefined) return false;
        env.set(a.n, v);
        return a.n;
      }
      return this.bindOnce(b, av, env);
    }
    const v = this.value(a, env);
    return v === undefined ? false : this.bindOnce(b, v, env);
  }

  /** `match(p, v)` for a plain single-valued pattern: false, true, or the var bound. */
  private bindOnce(p: T, v: Value, env: Env): boolean | string {
    if (p.k === 'var') {
      const cur = env.get(p.n);
      if (cur !== undefined) return equals(cur, v);
      env.set(p.n, v);
      return p.n;
    }
    if (p.k === 'val') return equals(p.v, v);
    const pv = this.value(p, env);
    return pv !== undefined && equals(pv, v);
  }

  private evalExpr(e: E, env: Env, k: K): boolean {
    this.tick();
    this.st.cover?.(e.loc);
    if (e.with.length > 0) return this.withExpr(e, env, k);
    return this.evalExprNoWith(e, env, k);
  }

  private evalExprNoWith(e: E, env: Env, k: K): boolean {
    if (e.neg) {
      let found = false;
      this.evalExprInner(e, env, () => {
        found = true;
        return true;
      });
      return found ? false : k();
    }
    return this.evalExprInner(e, env, k);
  }

  private evalExprInner(e: E, env: Env, k: K): boolean {
    const x = e.x;
    switch (x.k) {
      case 'unify':
        return this.unify(x.a, x.b, env, k);
      case 'term': {
        if (x.t.s === true) {
          const v = this.value(x.t, env);
          return v !== undefined && v !== false ? k() : false;
        }
        return this.evalTerm(x.t, env, (v) => (v !== false ? k() : false));
      }
      case 'callout':
        if (x.fn === 'walk')
          return this.evalArgs(x.args, 0, [], env, (args) => this.walk(args[0] as Value, [], (pair) => this.match(x.out, pair, env, k)));
        return this.evalArgs(x.args, 0, [], env, (args) => this.call(x.fn, args, e.loc, (r) => this.match(x.out, r, env, k)));
      case 'somein':
        return this.evalTerm(x.coll, env, (c) =>
          iterEntries(c, (key, val) =>
            x.key ? this.match(x.key, key, env, () => this.match(x.val, val, env, k)) : this.match(x.val, val, env, k),
          ),
        );
      case 'every':
        return this.evalTerm(x.domain, env, (d) => (this.everyHolds(x, d, env) ? k() : false));
      case 'notbody': {
        let found = false;
        this.evalBody(x.body, 0, env, () => {
          found = true;
          return true;
        });
        return found ? false : k();
      }
      case 'or':
        // `a or b` / `a and b` succeed at most once; their bindings stay inside.
        return this.evalBody(x.lhs, 0, env, () => true) || this.evalBody(x.rhs, 0, env, () => true) ? k() : false;
      case 'and':
        return this.evalBody(x.lhs, 0, env, () => this.evalBody(x.rhs, 0, env, () => true)) ? k() : false;
      case 'true':
        return k();
    }
  }

  /** `every k, v in d { body }` over one value of the domain: false when it is not a collection or an element fails the body. */
  private everyHolds(x: X & { k: 'every' }, d: Value, env: Env): boolean {
    if (!(Array.isArray(d) || d instanceof RObject || d instanceof RSet)) return false;
    const failed = iterEntries(d, (key, val) => {
      let ok = false;
      const run = (): boolean =>
        this.evalBody(x.body, 0, env, () => {
          ok = true;
          return true;
        });
      if (x.key) this.match(x.key, key, env, () => this.match(x.val, val, env, run));
      else this.match(x.val, val, env, run);
      return !ok;
    });
    return !failed;
  }

  private withExpr(e: E, env: Env, k: K): boolean {
    // Evaluate every `with` value first (in the outer state).
    const values: Value[] = [];
    const collect = (i: number): boolean => {
      if (i === e.with.length) return this.runWith(e, e.with, values, env, k);
      const w = e.with[i] as W;
      if (w.root === 'fn' && w.mockFn) {
        values.push(null);
        const r = collect(i + 1);
        values.pop();
        return r;
      }
      return this.evalTerm(w.value, env, (v) => {
        values.push(v);
        const r = collect(i + 1);
        values.pop();
        return r;
      });
    };
    return collect(0);
  }

  private runWith(e: E, ws: readonly W[], values: readonly Value[], env: Env, k: K): boolean {
    interface WithState {
      readonly input: Value | undefined;
      readonly data: Value;
      readonly cache: Map<RuleNode, Value | undefined | typeof PENDING>;
      readonly funcCache: Map<string, Value | undefined> | undefined;
      readonly withFns: ReadonlyMap<string, WithFn>;
      readonly masked: ReadonlySet<RuleNode>;
    }
    const take = (): WithState => ({
      input: this.input,
      data: this.data,
      cache: this.cache,
      funcCache: this.funcCache,
      withFns: this.withFns,
      masked: this.masked,
    });
    const put = (st: WithState): void => {
      this.input = st.input;
      this.data = st.data;
      this.cache = st.cache;
      this.funcCache = st.funcCache;
      this.withFns = st.withFns;
      this.masked = st.masked;
    };
    const saved = take();
    let fns: Map<string, WithFn> | undefined;
    let masked: Set<RuleNode> | undefined;
    ws.forEach((w, i) => {
      const v = values[i] as Value;
      if (w.root === 'input') this.input = setPath(this.input, w.path, 0, v);
      else if (w.root === 'data') {
        this.data = setPath(this.data, w.path, 0, v);
        const n = this.findNode(w.path);
        if (n) (masked ??= new Set(this.masked)).add(n);
      } else (fns ??= new Map(this.withFns)).set(w.fn, w.mockFn ? { mock: w.mockFn } : { value: v });
    });
    if (masked) this.masked = masked;
    if (fns) this.withFns = fns;
    this.cache = new Map();
    this.funcCache = undefined;
    const inside = take();
    try {
      return this.evalExprNoWith(e, env, () => {
        put(saved);
        try {
          return k();
        } finally {
          put(inside);
        }
      });
    } finally {
      put(saved);
    }
  }

  // ----- terms -----

  evalTerm(t: T, env: Env, k: KV): boolean {
    if (t.s === true) {
      const v = this.value(t, env);
      return v === undefined ? false : k(v);
    }
    switch (t.k) {
      case 'val':
        return k(t.v);
      case 'var': {
        const v = env.get(t.n);
        return v === undefined ? false : k(v);
      }
      case 'input':
        return this.input === undefined ? false : k(this.input);
      case 'data':
        return this.evalData(this.st.root, this.data, [], 0, env, k);
      case 'ref':
        return this.evalRef(t, env, k);
      case 'arr':
        return this.evalArrItems(t.items, 0, new Array<Value>(t.items.length), env, k);
      case 'set':
        return this.evalSetItems(t.items, 0, [], env, k);
      case 'obj':
        return this.evalObjItems(t.items, 0, [], env, k);
      case 'call':
        if (t.fn === 'walk' && t.args.length === 1) return this.evalTerm(t.args[0] as T, env, (v) => this.walk(v, [], k));
        return this.evalArgs(t.args, 0, [], env, (args) => this.call(t.fn, args, t.loc, k));
      case 'ac':
      case 'sc':
      case 'oc':
      case 'tpl': {
        const v = this.value(t, env);
        return v === undefined ? false : k(v);
      }
    }
  }

  /**
   * The value of a single-valued term (see `single.ts`; also comprehensions and template
   * strings, whatever their mark), or undefined: the direct form of `evalTerm`, without a
   * continuation. Arguments and members are evaluated left to right, as `evalTerm` does.
   */
  value(t: T, env: Env): Value | undefined {
    switch (t.k) {
      case 'val':
        return t.v;
      case 'var':
        return env.get(t.n);
      case 'input':
        return this.input;
      case 'ref':
        return this.refValue(t, env);
      case 'arr': {
        const out = new Array<Value>(t.items.length);
        for (let i = 0; i < t.items.length; i++) {
          const v = this.value(t.items[i] as T, env);
          if (v === undefined) return undefined;
          out[i] = v;
        }
        return out;
      }
      case 'set': {
        const out: Value[] = [];
        for (const item of t.items) {
          const v = this.value(item, env);
          if (v === undefined) return undefined;
          out.push(v);
        }
        return new RSet(out);
      }
      case 'obj': {
        const out: [Value, Value][] = [];
        for (const [kt, vt] of t.items) {
          const kv = this.value(kt, env);
          if (kv === undefined) return undefined;
          const vv = this.value(vt, env);
          if (vv === undefined) return undefined;
          out.push([kv, vv]);
        }
        return new RObject(out);
      }
      case 'call': {
        const args = this.argValues(t.args, env);
        return args === undefined ? undefined : this.callValue(t.fn, args, t.loc);
      }
      case 'ac': {
        const out: Value[] = [];
        this.evalBody(t.body, 0, env, () => this.evalTerm(t.term, env, (v) => (out.push(v), false)));
        return out;
      }
      case 'sc': {
        const out = new RSet();
        this.evalBody(t.body, 0, env, () => this.evalTerm(t.term, env, (v) => (out.add(v), false)));
        return out;
      }
      case 'oc': {
        const out = new RObject();
        this.evalBody(t.body, 0, env, () =>
          this.evalTerm(t.key, env, (kv) =>
            this.evalTerm(t.value, env, (vv) => {
              const prev = out.get(kv);
              if (prev !== undefined && !equals(prev, vv))
                throw new RegoEvalError('eval_conflict_error', 'object keys must be unique', t.body[0]?.loc);
              out.set(kv, vv);
              return false;
            }),
          ),
        );
        return out;
      }
      case 'tpl': {
        let s = '';
        for (const p of t.parts) {
          if (typeof p === 'string') {
            s += p;
            continue;
          }
          let vals: Value[] = [];
          this.evalTerm(p, env, (v) => (vals.push(v), vals.length > 1));
          if (p.k === 'ac' && p.spread) vals = [...((vals[0] as readonly Value[] | undefined) ?? [])];
          if (vals.length > 1) throw new RegoEvalError('eval_conflict_error', 'template-strings must not produce multiple outputs', t.loc);
          const v = vals[0];
          s += v === undefined ? '<undefined>' : typeof v === 'string' ? v : formatValue(v);
        }
        return s;
      }
      case 'data': {
        let out: Value | undefined;
        this.evalData(this.st.root, this.data, [], 0, env, (v) => ((out = v), true));
        return out;
      }
    }
  }

  /** A single-valued ref: every path part is a key (see `single.ts`). */
  private refValue(t: T & { k: 'ref' }, env: Env): Value | undefined {
    if (t.head.k === 'data') {
      let out: Value | undefined;
      this.evalData(this.st.root, this.data, t.path, 0, env, (v) => ((out = v), true));
      return out;
    }
    let v = this.value(t.head, env);
    for (let i = 0; i < t.path.length && v !== undefined; i++) {
      const p = t.path[i] as T;
      const key = p.k === 'val' ? p.v : this.value(p, env);
      v = key === undefined ? undefined : lookup(v, key);
    }
    return v;
  }

  /**
   * The values of a single-valued call's arguments, or undefined when one is undefined. As
   * `evalArgs`, an unbound var is looked at after the other arguments (which may still fail).
   */
  private argValues(args: readonly T[], env: Env): Value[] | undefined {
    const out = new Array<Value>(args.length);
    let unbound = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as T;
      const v = this.value(a, env);
      if (v === undefined) {
        if (a.k !== 'var') return undefined;
        unbound = true;
      } else out[i] = v;
    }
    return unbound ? undefined : out;
  }

  /*
   * The recursions below are methods, not local closures: a named closure made per term costs an
   * allocation (and, under esbuild's keepNames as tsx runs the sources, a `__name` call) on the hot path.
   */

  private evalArrItems(items: readonly T[], i: number, out: Value[], env: Env, k: KV): boolean {
    if (i === items.length) return k(out.slice());
    return this.evalTerm(items[i] as T, env, (v) => {
      out[i] = v;
      return this.evalArrItems(items, i + 1, out, env, k);
    });
  }

  private evalSetItems(items: readonly T[], i: number, out: Value[], env: Env, k: KV): boolean {
    if (i === items.length) return k(new RSet(out));
    return this.evalTerm(items[i] as T, env, (v) => {
      out.push(v);
      const r = this.evalSetItems(items, i + 1, out, env, k);
      out.pop();
      return r;
    });
  }

  private evalObjItems(items: readonly (readonly [T, T])[], i: number, out: [Value, Value][], env: Env, k: KV): boolean {
    if (i === items.length) return k(new RObject(out));
    const [kt, vt] = items[i] as readonly [T, T];
    return this.evalTerm(kt, env, (kv) =>
      this.evalTerm(vt, env, (vv) => {
        out.push([kv, vv]);
        const r = this.evalObjItems(items, i + 1, out, env, k);
        out.pop();
        return r;
      }),
    );
  }

  private evalArgs(args: readonly T[], i: number, out: Value[], env: Env, k: (args: Value[]) => boolean): boolean {
    if (i === 0 && args.some((a) => a.k === 'var' && !env.has(a.n))) {
      // Vars bound by iteration in a later argument (`x == xs[x]`): evaluate those arguments first.
      const order = [...args.keys()].sort((a, b) => Number(args[a]?.k === 'var') - Number(args[b]?.k === 'var'));
      const go = (j: number): boolean => {
        if (j === order.length) return k(out.slice());
        const idx = order[j] as number;
        return this.evalTerm(args[idx] as T, env, (v) => {
          out[idx] = v;
          return go(j + 1);
        });
      };
      return go(0);
    }
    if (i === args.length) return k(out.slice());
    return this.evalTerm(args[i] as T, env, (v) => {
      out[i] = v;
      return this.evalArgs(args, i + 1, out, env, k);
    });
  }

  private evalRef(t: T & { k: 'ref' }, env: Env, k: KV): boolean {
    const head = t.head;
    if (head.k === 'data') return this.evalData(this.st.root, this.data, t.path, 0, env, k);
    return this.evalTerm(head, env, (v) => this.walkValue(v, t.path, 0, env, k));
  }

  private walkValue(v: Value, path: readonly T[], i: number, env: Env, k: KV, fromData = false): boolean {
    if (i === path.length) return k(v);
    const p = path[i] as T;
    if (p.k === 'var' && !env.has(p.n)) {
      return iterEntries(v, (key, x) => {
        env.set(p.n, key);
        const r = this.walkValue(x, path, i + 1, env, k, fromData);
        env.delete(p.n);
        return r;
      });
    }
    if (p.k === 'val') {
      const x = fromData ? lookupData(v, p.v) : lookup(v, p.v);
      return x === undefined ? false : this.walkValue(x, path, i + 1, env, k, fromData);
    }
    if (this.hasUnbound(p, env)) {
      return iterEntries(v, (key, x) => this.match(p, key, env, () => this.walkValue(x, path, i + 1, env, k, fromData)));
    }
    return this.evalTerm(p, env, (key) => {
      const x = fromData ? lookupData(v, key) : lookup(v, key);
      return x === undefined ? false : this.walkValue(x, path, i + 1, env, k, fromData);
    });
  }

  private findNode(path: readonly string[]): RuleNode | undefined {
    const key = path.join('\u0000');
    const byPath = (this.nodeByPath ??= new Map<string, RuleNode | null>());
    let n = byPath.get(key);
    if (n === undefined) {
      let cur: RuleNode | undefined = this.st.root;
      for (const p of path) cur = cur?.children.get(p);
      n = cur ?? null;
      byPath.set(key, n);
    }
    return n ?? undefined;
  }

  private isRuleNode(n: RuleNode): boolean {
    return n.rules.length > 0 || n.defaults.length > 0;
  }

  private evalData(node: RuleNode | undefined, base: Value | undefined, path: readonly T[], i: number, env: Env, k: KV): boolean {
    if (node && this.masked.size > 0 && this.masked.has(node)) node = undefined;
    if (!node || !node.hasRules) return base === undefined ? false : this.walkValue(base, path, i, env, k, true);
    if (this.isRuleNode(node) || i === path.length) {
      const v = this.nodeValue(node, base);
      return v === undefined ? false : this.walkValue(v, path, i, env, k);
    }
    const p = path[i] as T;
    if (p.k === 'val') return this.dataStep(node, base, path, i, env, k, p.v);
    if (p.k === 'var' && !env.has(p.n)) {
      const keys = new RSet(node.children.keys());
      if (base instanceof RObject) for (const kk of base.entries()) keys.add(kk[0]);
      const n = node;
      return keys.sorted().some((key) => {
        env.set(p.n, key);
        const r = this.dataStep(n, base, path, i, env, k, key);
        env.delete(p.n);
        return r;
      });
    }
    const n = node;
    return this.evalTerm(p, env, (key) => this.dataStep(n, base, path, i, env, k, key));
  }

  /** One step of `evalData` below `node` at `path[i]`, with the key `key0`. */
  private dataStep(node: RuleNode, base: Value | undefined, path: readonly T[], i: number, env: Env, k: KV, key0: Value): boolean {
    const key = isNumber(key0) && base instanceof RObject && base.get(key0) === undefined ? numberText(key0) : key0;
    const child = typeof key === 'string' ? node.children.get(key) : undefined;
    const b = lookup(base, key);
    if (child) return this.evalData(child, b, path, i + 1, env, k);
    return b === undefined ? false : this.walkValue(b, path, i + 1, env, k, true);
  }

  /** The full value of a rule-tree node (merged with base data), cached per query. */
  nodeValue(node: RuleNode, base: Value | undefined): Value | undefined {
    const c = this.cache.get(node);
    if (c === PENDING) throw new RegoEvalError('eval_recursion_error', `rule data.${node.path.join('.')} is recursive`);
    if (c !== undefined || this.cache.has(node)) return c;
    this.cache.set(node, PENDING);
    try {
      const v = this.computeNode(node, base);
      this.cache.set(node, v);
      return v;
    } catch (err) {
      this.cache.delete(node);
      throw err;
    }
  }

  private computeNode(node: RuleNode, base: Value | undefined): Value | undefined {
    let value: Value | undefined;
    if (this.isRuleNode(node)) {
      if (base !== undefined && !(base instanceof RObject)) return base;
      value = this.ruleValue(node);
      if (base !== undefined && value !== undefined) value = value instanceof RObject ? this.mergeValues(value, base, node) : base;
    }
    if (node.children.size === 0) {
      if (value !== undefined) return value;
      if (this.isRuleNode(node)) return undefined;
      return node.funcs.length > 0 ? base : (base ?? new RObject());
    }
    if (value !== undefined && !(value instanceof RObject)) return value;
    const o = value instanceof RObject ? value : base instanceof RObject ? base.clone() : new RObject();
    for (const [name, child] of node.children) {
      if (this.masked.size > 0 && this.masked.has(child)) {
        const b = lookup(base, name);
        if (b !== undefined) o.set(name, b);
        continue;
      }
      const cv = child.hasRules ? this.nodeValue(child, lookup(base, name)) : lookup(base, name);
      if (cv === undefined) continue;
      const prev = value !== undefined ? o.get(name) : undefined;
      o.set(name, prev === undefined ? cv : this.mergeRuleDocs(prev, cv, child));
    }
    return o;
  }

  /**
   * Merges what a node's ref-head rules produced under a key with a child node's value, as
   * OPA's `evalVirtualPartial.reduce` does: a rule's value is not extended by another rule
   * (paths that are prefixes of each other collide), and differing leaves conflict, both with
   * "object keys must be unique".
   */
  private mergeRuleDocs(a: Value, b: Value, node: RuleNode): Value {
    const conflict = (): never => {
      throw new RegoEvalError('eval_conflict_error', 'object keys must be unique', node.rules[0]?.loc ?? node.defaults[0]?.loc);
    };
    if (a instanceof RObject && b instanceof RObject) {
      if (this.ruleValues !== undefined && (this.ruleValues.has(a) || this.ruleValues.has(b))) conflict();
      const o = a.clone();
      for (const [k, v] of b.entries()) {
        const p = o.get(k);
        o.set(k, p === undefined ? v : this.mergeRuleDocs(p, v, node));
      }
      return o;
    }
    if (a instanceof RSet && b instanceof RSet) {
      const s = new RSet(a.values());
      for (const v of b.values()) s.add(v);
      return s;
    }
    return equals(a, b) ? a : conflict();
  }

  private mergeValues(a: Value, b: Value, node: RuleNode): Value {
    if (a instanceof RObject && b instanceof RObject) {
      const o = a.clone();
      for (const [k, v] of b.entries()) {
        const p = o.get(k);
        o.set(k, p === undefined ? v : this.mergeValues(p, v, node));
      }
      return o;
    }
    if (a instanceof RSet && b instanceof RSet) {
      const s = new RSet(a.values());
      for (const v of b.values()) s.add(v);
      return s;
    }
    if (equals(a, b)) return a;
    throw new RegoEvalError('eval_conflict_error', `rule data.${node.path.join('.')} produced conflicting values`);
  }

  private ruleValue(node: RuleNode): Value | undefined {
    let complete: Value | undefined;
    let obj: RObject | undefined;
    let set: RSet | undefined;
    for (const rule of node.rules) {
      if (rule.kind === 'set' && rule.rest.length > 0) {
        obj ??= new RObject();
        this.evalObjRule(rule, obj);
      } else if (rule.kind === 'set') {
        set ??= new RSet();
        const s = set;
        const env = this.takeEnv();
        this.evalBody(rule.body, 0, env, () => this.evalTerm(rule.key as T, env, (v) => (this.st.cover?.(rule.loc), s.add(v), false)));
        this.giveEnv(env);
      } else if (rule.kind === 'obj') {
        obj ??= new RObject();
        this.evalObjRule(rule, obj);
      } else {
        for (let br: CRule | undefined = rule; br; br = br.else) {
          let found = false;
          const b = br;
          const env = this.takeEnv();
          const constant = b.value.k === 'val';
          this.evalBody(b.body, 0, env, () =>
            this.evalTerm(b.value, env, (v) => {
              this.st.cover?.(b.loc);
              if (complete === undefined) complete = v;
              else if (!equals(complete, v))
                throw new RegoEvalError('eval_conflict_error', `rule ${rule.path} produced conflicting values`, b.loc);
              found = true;
              return constant;
            }),
          );
          this.giveEnv(env);
          if (found) break;
        }
      }
    }
    if (complete !== undefined) {
      if (complete instanceof RObject) (this.ruleValues ??= new WeakSet()).add(complete);
      return complete;
    }
    if (set) return set;
    if (obj) return obj;
    for (const d of node.defaults) {
      let v: Value | undefined;
      const env: Env = new Map();
      this.evalTerm(d.value, env, (x) => ((v = x), true));
      if (v !== undefined) {
        this.st.cover?.(d.loc);
        return v;
      }
    }
    return undefined;
  }

  /** An empty environment for a rule body: reused, since a body's evaluation unbinds every var it bound. */
  private takeEnv(): Env {
    return this.envs.pop() ?? new Map<string, Value>();
  }

  /** Returns an environment after its body ran (kept only when empty, as it always is after a normal return). */
  private giveEnv(env: Env): void {
    if (env.size === 0 && this.envs.length < 64) this.envs.push(env);
  }

  private evalObjRule(rule: CRule, obj: RObject): void {
    const env = this.takeEnv();
    this.evalBody(rule.body, 0, env, () =>
      this.evalArgs(rule.rest, 0, [], env, (keys) =>
        this.evalTerm(rule.kind === 'set' ? (rule.key as T) : rule.value, env, (v) => {
          this.st.cover?.(rule.loc);
          let o = obj;
          for (let i = 0; i < keys.length - 1; i++) {
            const key = keys[i] as Value;
            let next = o.get(key);
            if (next === undefined) {
              next = new RObject();
              o.set(key, next);
            } else if (!(next instanceof RObject))
              throw new RegoEvalError('eval_conflict_error', `rule ${rule.path} produced conflicting values`, rule.loc);
            o = next;
          }
          const last = keys[keys.length - 1] as Value;
          const prev = o.get(last);
          if (rule.kind === 'set') {
            if (prev === undefined) o.set(last, new RSet([v]));
            else if (prev instanceof RSet) prev.add(v);
            else throw new RegoEvalError('eval_conflict_error', `rule ${rule.path} produced conflicting values`, rule.loc);
            return false;
          }
          if (prev !== undefined && !equals(prev, v)) {
            throw new RegoEvalError(
              'eval_conflict_error',
              keys.length === 1 ? 'object keys must be unique' : `rule ${rule.path} produced conflicting values`,
              rule.loc,
            );
          }
          if (v instanceof RObject) (this.ruleValues ??= new WeakSet()).add(v);
          o.set(last, v);
          return false;
        }),
      ),
    );
    this.giveEnv(env);
  }

  // ----- calls -----

  private call(fn: string, args: Value[], loc: ErrorLocation, k: KV): boolean {
    const v = this.callValue(fn, args, loc);
    return v === undefined ? false : k(v);
  }

  /** The result of a call (a built-in, a function rule, a `with` replacement), or undefined. */
  private callValue(fn: string, args: Value[], loc: ErrorLocation): Value | undefined {
    const w = this.withFns.size > 0 ? this.withFns.get(fn) : undefined;
    if (w) {
      if (w.value !== undefined) return w.value;
      if (w.mock) {
        // Inside the mock, the mocked name means the original again.
        // Inside a mock no mock applies (it calls the originals).
        const mock = w.mock;
        const fns = this.withFns;
        this.withFns = NO_FNS;
        const saved = this.funcCache;
        this.funcCache = undefined;
        try {
          return this.callValue(mock, args, loc);
        } finally {
          this.withFns = fns;
          this.funcCache = saved;
        }
      }
    }
    if (fn.startsWith('data.')) return this.callFunction(fn, args, loc);
    switch (fn) {
      case 'print':
      case 'internal.print': {
        this.st.print(args.map((a) => (typeof a === 'string' ? a : formatValue(a))).join(' '));
        return true;
      }
      case 'trace':
        return true;
      case 'internal.member_2':
        return this.member(args[0] as Value, args[1] as Value, undefined);
      case 'internal.member_3':
        return this.member(args[1] as Value, args[2] as Value, args[0]);
    }
    const def = this.st.builtins.get(fn);
    if (!def) throw new RegoEvalError('eval_builtin_error', `unknown built-in function ${fn}`, loc);
    try {
      return def.fn(args, this.ctx(fn));
    } catch (err) {
      if (err instanceof RegoEvalError) throw err;
      if (!this.st.strict) return undefined;
      if (err instanceof BuiltinError) throw new RegoEvalError(err.code, err.message, loc);
      throw new RegoEvalError('eval_builtin_error', `${fn}: ${err instanceof Error ? err.message : String(err)}`, loc);
    }
  }

  private ctx(name: string): BuiltinContext {
    return new CallContext(this, name);
  }

  /** The query's time (`time.now_ns`): the option, else the clock when first asked, then fixed. */
  queryTime(): bigint {
    return (this.nowNs ??= this.st.now ?? BigInt(Date.now()) * 1_000_000n);
  }

  /** The built-ins' per-query cache. */
  builtinCache(): Map<string, unknown> {
    return (this.ctxCache ??= new Map<string, unknown>());
  }

  /** The evaluation's options (for a call's context). */
  get state(): EvalState {
    return this.st;
  }

  private member(x: Value, coll: Value, key: Value | undefined): boolean {
    if (key === undefined) {
      if (coll instanceof RSet) return coll.has(x);
      return iterEntries(coll, (_k, v) => equals(v, x));
    }
    const v = lookup(coll, key);
    return v !== undefined && equals(v, x);
  }

  private callFunction(path: string, args: Value[], loc: ErrorLocation): Value | undefined {
    const node = functionNode(this.st.root, path);
    if (!node || node.funcs.length === 0) {
      // A call of a non-function rule value is not supported: undefined.
      void loc;
      return undefined;
    }
    const ck = path + '\u0000' + keyOf(args);
    const results = (this.funcCache ??= new Map<string, Value | undefined>());
    if (results.has(ck)) return results.get(ck);
    let result: Value | undefined;
    for (const rule of node.funcs) {
      if (rule.isDefault) continue;
      for (let br: CRule | undefined = rule; br; br = br.else) {
        const b = br;
        let found = false;
        const env = this.takeEnv();
        this.matchItems(rule.args, args, 0, env, () =>
          this.evalBody(b.body, 0, env, () =>
            this.evalTerm(b.value, env, (v) => {
              this.st.cover?.(b.loc);
              if (result === undefined) result = v;
              else if (!equals(result, v))
                throw new RegoEvalError('eval_conflict_error', `function ${path} produced conflicting values for the same inputs`, b.loc);
              found = true;
              return false;
            }),
          ),
        );
        this.giveEnv(env);
        if (found) break;
      }
    }
    if (result === undefined) {
      const d = node.funcs.find((r) => r.isDefault);
      if (d) {
        const env: Env = new Map();
        this.matchItems(d.args, args, 0, env, () => this.evalTerm(d.value, env, (v) => ((result = v), true)));
      }
    }
    results.set(ck, result);
    return result;
  }

  private walk(v: Value, path: Value[], k: KV): boolean {
    if (k([path.slice(), v])) return true;
    return iterEntries(v, (key, x) => {
      path.push(key);
      const r = this.walk(x, path, k);
      path.pop();
      return r;
    });
  }

  // ----- unification -----

  private hasUnbound(t: T, env: Env): boolean {
    switch (t.k) {
      case 'var':
        return !env.has(t.n);
      case 'arr':
      case 'set':
        return t.items.some((i) => this.hasUnbound(i, env));
      case 'obj':
        return t.items.some(([, v]) => this.hasUnbound(v, env));
      default:
        return false;
    }
  }

  unify(a: T, b: T, env: Env, k: K): boolean {
    if (a.k === 'arr' && b.k === 'arr') {
      if (a.items.length !== b.items.length) return false;
      return this.unifyItems(a.items, b.items, 0, env, k);
    }
    if (a.k === 'obj' && b.k === 'obj' && a.items.length === b.items.length && a.items.every(([kk]) => kk.k === 'val')) {
      const bm = new Map<string, T>();
      for (const [kk, vv] of b.items) if (kk.k === 'val') bm.set(keyOf(kk.v), vv);
      if (bm.size === a.items.length) {
        return this.unifyObjItems(a.items, bm, 0, env, k);
      }
    }
    if (this.hasUnbound(a, env)) {
      if (this.hasUnbound(b, env) && b.k !== 'var' && a.k !== 'var') return false;
      if (b.k === 'var' && !env.has(b.n) && a.k === 'var') return false;
      if (b.s === true) {
        const v = this.value(b, env);
        return v === undefined ? false : this.match(a, v, env, k);
      }
      return this.evalTerm(b, env, (v) => this.match(a, v, env, k));
    }
    if (a.s === true) {
      const v = this.value(a, env);
      return v === undefined ? false : this.match(b, v, env, k);
    }
    return this.evalTerm(a, env, (v) => this.match(b, v, env, k));
  }

  private unifyItems(a: readonly T[], b: readonly T[], i: number, env: Env, k: K): boolean {
    if (i === a.length) return k();
    return this.unify(a[i] as T, b[i] as T, env, () => this.unifyItems(a, b, i + 1, env, k));
  }

  private unifyObjItems(a: readonly (readonly [T, T])[], bm: ReadonlyMap<string, T>, i: number, env: Env, k: K): boolean {
    if (i === a.length) return k();
    const [kk, av] = a[i] as readonly [T, T];
    const bv = bm.get(keyOf((kk as { v: Value }).v));
    return bv === undefined ? false : this.unify(av, bv, env, () => this.unifyObjItems(a, bm, i + 1, env, k));
  }

  /** Matches patterns `p[i…]` against values `v[i…]` (array items, function arguments). */
  private matchItems(p: readonly T[], v: readonly Value[], i: number, env: Env, k: K): boolean {
    if (i === p.length) return k();
    return this.match(p[i] as T, v[i] as Value, env, () => this.matchItems(p, v, i + 1, env, k));
  }

  private matchObjItems(p: readonly (readonly [T, T])[], v: RObject, i: number, env: Env, k: K): boolean {
    if (i === p.length) return k();
    const [kt, vt] = p[i] as readonly [T, T];
    return this.evalTerm(kt, env, (key) => {
      const x = v.get(key);
      return x === undefined ? false : this.match(vt, x, env, () => this.matchObjItems(p, v, i + 1, env, k));
    });
  }

  /** Matches a pattern term against a value, binding unbound vars. */
  match(p: T, v: Value, env: Env, k: K): boolean {
    switch (p.k) {
      case 'val':
        return equals(p.v, v) ? k() : false;
      case 'var': {
        const cur = env.get(p.n);
        if (cur !== undefined) return equals(cur, v) ? k() : false;
        env.set(p.n, v);
        const r = k();
        env.delete(p.n);
        return r;
      }
      case 'arr': {
        if (!Array.isArray(v) || v.length !== p.items.length) return false;
        return this.matchItems(p.items, v, 0, env, k);
      }
      case 'obj': {
        if (!(v instanceof RObject) || v.size !== p.items.length) return false;
        return this.matchObjItems(p.items, v, 0, env, k);
      }
      default: {
        if (p.s === true) {
          const pv = this.value(p, env);
          return pv !== undefined && equals(pv, v) ? k() : false;
        }
        return this.evalTerm(p, env, (pv) => (equals(pv, v) ? k() : false));
      }
    }
  }

  /** Compares values in OPA's order (exposed for the API layer). */
  static compare(a: Value, b: Value): number {
    return compare(a, b);
  }
}
