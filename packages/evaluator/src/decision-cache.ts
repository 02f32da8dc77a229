/**
 * The decision cache: the answers of recent decisions of chosen packages, by input, for the
 * active policy set only. Gate's UI asks the same question many times a second (the same user,
 * route and roles), which is why Gate keeps Fiat's permissions in a cache; a deterministic policy
 * set gives the same answer for the same input, so the answer is reused until the set changes
 * or the entry is `ttlMs` old. Never cached: failures, sets that call a non-deterministic built-in
 * (OPA's list: `time.now_ns`, `http.send`, `rand.intn`, …), engines whose answers may change on
 * their own (`Engine.decisionsCacheable === false`), and inputs longer than `maxInputBytes` as
 * JSON text. Every decision, cached or not, is still counted by the metrics and logged.
 */
import { walk, type Module, type Term } from '@policy-engine/rego-parser';
import { moduleAst, type ModuleText } from './policy-module.js';

/** The `decisionCache` option of the facade. */
export interface DecisionCacheOptions {
  /** Packages whose decisions are cached (e.g. `['spinnaker.http.authz']`). */
  readonly packages: readonly string[];
  /** How long an answer is reused, in milliseconds (default 10 000); `0` turns the cache off. */
  readonly ttlMs?: number;
  /** Most answers kept; the oldest goes first (default 10 000). */
  readonly maxEntries?: number;
  /** Inputs longer than this as JSON text are never cached (default 4096). */
  readonly maxInputBytes?: number;
}

/** Built-ins OPA v1.22.3 marks `Nondeterministic` (v1/ast/builtins.go): a set calling one is never cached. */
export const NONDETERMINISTIC_BUILTINS: readonly string[] = Object.freeze([
  'http.send',
  'io.jwt.decode_verify',
  'io.jwt.encode_sign',
  'io.jwt.encode_sign_raw',
  'json.match_schema',
  'json.verify_schema',
  'net.lookup_ip_addr',
  'opa.runtime',
  'rand.intn',
  'time.now_ns',
  'uuid.rfc4122',
]);
const NONDETERMINISTIC = new Set(NONDETERMINISTIC_BUILTINS);

/** The dotted name of a ref of a var and string parts (`time.now_ns`), else undefined. */
function refName(parts: readonly Term[]): string | undefined {
  const head = parts[0];
  if (head?.type !== 'var') return undefined;
  let name = head.name;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i] as Term;
    if (p.type !== 'string') break;
    name += '.' + p.value;
  }
  return name;
}

/**
 * The non-deterministic built-ins the modules name (called, or named as a `with` target or
 * value), sorted; a module that does not parse counts as naming one (`unparsed module <id>`).
 */
export function nondeterministicBuiltins(modules: readonly ModuleText[]): string[] {
  const found = new Set<string>();
  for (const m of modules) {
    const ast: Module | undefined = moduleAst(m);
    if (ast === undefined) {
      found.add(`unparsed module ${m.id ?? '(unnamed)'}`);
      continue;
    }
    walk(ast, (n) => {
      if (n.type !== 'ref') return;
      const name = refName(n.value);
      if (name === undefined) return;
      // `time.now_ns` itself, or a longer ref through it.
      for (const b of NONDETERMINISTIC) if (name === b || name.startsWith(b + '.')) found.add(b);
    });
  }
  return [...found].sort();
}

/** What a cached answer holds: the facade's verdict and the engine's document for it. */
export interface CachedAnswer<V> {
  readonly verdict: V;
  readonly document: unknown;
}

interface Entry<V> {
  readonly revision: string;
  readonly expiresAt: number;
  readonly answer: CachedAnswer<V>;
}

/** The cache itself: answers by package and input text, each for one policy-set revision. */
export class DecisionCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly packages: ReadonlySet<string>;
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxInputBytes: number;

  constructor(options: DecisionCacheOptions) {
    this.packages = new Set(options.packages);
    this.ttlMs = options.ttlMs ?? 10_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxInputBytes = options.maxInputBytes ?? 4096;
  }

  /** The key of a decision, or undefined when it is not to be cached (package not chosen, input too long or not JSON). The facade makes no cache when `ttlMs` is 0. */
  keyOf(packageName: string, input: unknown): string | undefined {
    if (!this.packages.has(packageName)) return undefined;
    let text: string | undefined;
    try {
      text = JSON.stringify(input);
    } catch {
      return undefined;
    }
    if (text === undefined || text.length > this.maxInputBytes) return undefined;
    return packageName + '\u0000' + text;
  }

  /** The answer kept for `key` under `revision` and still fresh at `now`, else undefined (a stale entry is dropped). */
  get(key: string, revision: string, now: number): CachedAnswer<V> | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.revision !== revision || e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.answer;
  }

  /** Keeps an answer for `key` under `revision` from `now` on; past `maxEntries` the oldest answer goes (a reused answer is not renewed: it expires `ttlMs` after it was made anyway). */
  set(key: string, revision: string, now: number, answer: CachedAnswer<V>): void {
    this.entries.delete(key);
    this.entries.set(key, { revision, expiresAt: now + this.ttlMs, answer });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Forgets every answer (a new policy set is active). */
  clear(): void {
    this.entries.clear();
  }

  /** Number of answers kept. */
  get size(): number {
    return this.entries.size;
  }
}
