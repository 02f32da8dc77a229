import type { Module, Rule } from '@policy-engine/rego-parser';
import type { PolicyModule } from '@policy-engine/evaluator';
import { moduleAst } from '@policy-engine/evaluator/engine-kit';
import { isPlainObject, lookup } from './data.js';

/**
 * Which wasm entrypoints a policy set is compiled with, and which documents exist as
 * objects around them (packages, their parents, the parents of ref-head rules).
 *
 * OPA's `data.<package>` is the object of the package's non-function rules, nested
 * packages and the base data under that path. Asking `opa build -t wasm` for the package
 * document itself fails once a function reads another rule of the package
 * (`function data.p.f used as reference, not called`), so every non-function rule (by the
 * ground prefix of its head ref, as OPA's own planner names rules) becomes an entrypoint and
 * documents above rules are assembled from them.
 */
export interface DocumentPlan {
  /** Entrypoint paths (segments under `data`), none a prefix of another, sorted. */
  readonly entrypoints: readonly (readonly string[])[];
  /** Paths that are objects in OPA's data tree: packages, their ancestors and the ancestors of entrypoints. */
  readonly containers: ReadonlySet<string>;
}

/** Key of a path in {@link DocumentPlan.containers}. */
export function pathKey(path: readonly string[]): string {
  return path.join('\u0000');
}

/** Entrypoint name as `opa build -e` takes it and the compiled policy reports it. */
export function entrypointName(path: readonly string[]): string {
  return path.join('/');
}

/** A segment `opa build -e a/b/c` can name unambiguously. */
function nameable(segment: string): boolean {
  return segment !== '' && !/[/%]/.test(segment);
}

/** The ground prefix of a rule's head ref, as data path segments under the package. */
function rulePath(rule: Rule): string[] {
  const ref = rule.head.ref;
  // A partial object's last ref term is its key (`r[k] := v`, v0 `r["a"] = 1`).
  const terms = rule.kind === 'partial-object' && ref.length > 1 ? ref.slice(0, -1) : ref;
  const out: string[] = [];
  for (const [i, term] of terms.entries()) {
    const segment = i === 0 && term.type === 'var' ? term.name : term.type === 'string' ? term.value : undefined;
    if (segment === undefined || !nameable(segment)) break;
    out.push(segment);
  }
  return out;
}

function packagePath(m: PolicyModule): string[] {
  return m.packageName.split('.').filter((s) => s !== '');
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}

/**
 * Plans the entrypoints of a set: one per non-function rule (default rules, `else` chains
 * and rules split over modules count once), read from the parsed module (`PolicyModule.ast`,
 * see `moduleAst`). A module the parser rejects contributes its whole package as an entrypoint (`opa build` then reports
 * OPA's own error for it).
 */
export function planDocuments(modules: readonly PolicyModule[]): DocumentPlan {
  const found: string[][] = [];
  const containers = new Set<string>();
  for (const m of modules) {
    const pkg = packagePath(m);
    for (let n = 0; n <= pkg.length; n++) containers.add(pathKey(pkg.slice(0, n)));
    const parsed: Module | undefined = moduleAst(m);
    if (!parsed) {
      if (pkg.length > 0) found.push(pkg);
      continue;
    }
    for (const rule of parsed.rules) {
      if (rule.kind === 'function') continue;
      const path = rulePath(rule);
      if (path.length === 0) continue;
      found.push([...pkg, ...path]);
    }
  }
  // Shortest first: a path below an entrypoint is part of that entrypoint's value.
  const unique = [...new Map(found.map((p) => [pathKey(p), p])).values()].sort((a, b) => a.length - b.length);
  const entrypoints: string[][] = [];
  for (const p of unique) if (!entrypoints.some((e) => startsWith(p, e))) entrypoints.push(p);
  entrypoints.sort((a, b) => (entrypointName(a) < entrypointName(b) ? -1 : entrypointName(a) > entrypointName(b) ? 1 : 0));
  for (const e of entrypoints) for (let n = 0; n < e.length; n++) containers.add(pathKey(e.slice(0, n)));
  return { entrypoints, containers };
}

/** How to answer `data.<path>`: which entrypoints to evaluate and how to read the answer. */
export type DocumentQuery =
  /** The path is an entrypoint or inside one: evaluate it, read `rest` inside its value. */
  | { readonly kind: 'inside'; readonly entrypoint: readonly string[]; readonly rest: readonly string[] }
  /**
   * The path is an object of the tree: evaluate every entrypoint below it and assemble, with
   * every container below it (relative paths) present as an object.
   */
  | {
      readonly kind: 'container';
      readonly entrypoints: readonly (readonly string[])[];
      readonly containers: readonly (readonly string[])[];
    }
  /** Neither: only base data can define it. */
  | { readonly kind: 'data' };

/** Classifies a path against a plan. */
export function queryFor(plan: DocumentPlan, path: readonly string[]): DocumentQuery {
  const covering = plan.entrypoints.find((e) => startsWith(path, e));
  if (covering) return { kind: 'inside', entrypoint: covering, rest: path.slice(covering.length) };
  const prefix = pathKey(path);
  if (plan.containers.has(prefix)) {
    const containers: string[][] = [];
    for (const key of plan.containers) {
      if (key === prefix || !(path.length === 0 || key.startsWith(`${prefix}\u0000`))) continue;
      containers.push(key.split('\u0000').slice(path.length));
    }
    return { kind: 'container', entrypoints: plan.entrypoints.filter((e) => startsWith(e, path)), containers };
  }
  return { kind: 'data' };
}

function sortedObject(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k];
  return out;
}

/** `base` with `over` merged in, objects recursively (`over` wins elsewhere), keys sorted. */
function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? merge(out[k], v) : v;
  return sortedObject(out);
}

/**
 * The object at `path` as OPA returns it: the base data there, every container below it
 * (`containers`, relative, from {@link queryFor}) as an object (an empty package is `{}`, the
 * parents of an undefined ref-head rule exist), and each defined entrypoint's value at its place.
 */
export function assemble(
  path: readonly string[],
  containers: readonly (readonly string[])[],
  data: unknown,
  values: readonly { readonly entrypoint: readonly string[]; readonly result: { found: boolean; value?: unknown } }[],
): Record<string, unknown> {
  const fromData = lookup(data, path);
  let doc: unknown = fromData.found && isPlainObject(fromData.value) ? fromData.value : {};
  const place = (rel: readonly string[], value: unknown): void => {
    let tree: unknown = value;
    for (let i = rel.length - 1; i >= 0; i--) tree = { [rel[i] as string]: tree };
    doc = merge(doc, tree);
  };
  for (const rel of containers) place(rel, {});
  for (const { entrypoint, result } of values) if (result.found) place(entrypoint.slice(path.length), result.value);
  return isPlainObject(doc) ? sortedObject(doc) : {};
}
