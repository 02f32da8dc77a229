/**
 * Structural checks of an input document that hold for every package and every engine:
 * a nesting limit (the engines serialise inputs with recursive code that overflows the stack
 * near 4,000 levels) and well-formed Unicode (a lone UTF-16 surrogate has no UTF-8 encoding:
 * OPA rewrites it to U+FFFD, the wasm engine fails). Such an input is the caller's fault,
 * reported as `INVALID_INPUT`, never an engine error. The walk is iterative: 100,000 levels
 * are refused, not a stack overflow.
 */

/** Default nesting limit of {@link checkJsonValue} and of the facade's `maxInputDepth`. */
export const DEFAULT_MAX_INPUT_DEPTH = 2000;

/** What is structurally wrong with a value. */
export interface JsonShapeProblem {
  /** `too-deep`: containers nested deeper than the limit; `lone-surrogate`: a string or key with an unpaired UTF-16 surrogate. */
  readonly kind: 'too-deep' | 'lone-surrogate';
  /** Where, as `input.a[3].b` (`root` is the name of the value). */
  readonly path: string;
  /** One line: the path and the problem. */
  readonly message: string;
}

/** Options of {@link checkJsonValue}. */
export interface JsonShapeOptions {
  /** Deepest accepted nesting of arrays/objects (a scalar is depth 0, `[]` depth 1). Default {@link DEFAULT_MAX_INPUT_DEPTH}. */
  readonly maxDepth?: number;
  /** Name of the value in paths (default `input`). */
  readonly root?: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `String.prototype.isWellFormed` (ES2024: Node 20, current browsers), where the runtime has it. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** True when `s` holds an unpaired UTF-16 surrogate (it cannot be encoded as UTF-8). */
export function hasLoneSurrogate(s: string): boolean {
  return isWellFormed !== undefined ? !isWellFormed.call(s) : LONE_SURROGATE.test(s);
}

/** One open container of the walk: its members are visited in order (`i` is the next one). */
interface Level {
  readonly container: object;
  /** An object's keys; undefined for an array. */
  readonly keys: readonly string[] | undefined;
  /** Where the container sits in its parent (undefined for the root). */
  readonly key: string | number | undefined;
  i: number;
  /** An ancestor was frozen but not clean: its parts are walked, not looked up again. */
  readonly walkFrozen: boolean;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function keyPart(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return IDENT.test(key) && !hasLoneSurrogate(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The path of the innermost open container (plus `extraKey`), as `input.a[3].b`. */
function pathOf(stack: readonly Level[], root: string, extraKey?: string | number): string {
  let path = root;
  for (const level of stack) if (level.key !== undefined) path += keyPart(level.key);
  return extraKey !== undefined ? path + keyPart(extraKey) : path;
}

function surrogateProblem(path: string, what: 'string' | 'object key'): JsonShapeProblem {
  return { kind: 'lone-surrogate', path, message: `${path}: ${what} contains a lone UTF-16 surrogate (not valid Unicode)` };
}

/**
 * Deep-frozen containers already found clean, with their height (`[]` is 1). A frozen data
 * property cannot change, so the verdict is permanent: an input that shares frozen subtrees
 * with earlier inputs (the Orca adapter's finished stages) is walked only where it is new.
 */
const cleanFrozenHeights = new WeakMap<object, number>();

/** Own enumerable keys when `v` is frozen with data properties only (no getter could change a value later); else undefined. */
function frozenDataKeys(v: object): string[] | undefined {
  if (!Object.isFrozen(v)) return undefined;
  const keys = Object.keys(v);
  for (const key of keys) if (!('value' in (Object.getOwnPropertyDescriptor(v, key) as PropertyDescriptor))) return undefined;
  return keys;
}

/**
 * The height of `v` when it is a deep-frozen, clean JSON container no higher than `limit`
 * (computed once, iteratively, then remembered); undefined when any part is not frozen, not
 * clean, or too high (the ordinary walk then finds and reports the problem).
 */
function cleanFrozenHeight(v: object, limit: number): number | undefined {
  const known = cleanFrozenHeights.get(v);
  if (known !== undefined) return known <= limit ? known : undefined;
  interface Node {
    readonly obj: object;
    readonly children: unknown[];
    next: number;
    height: number;
  }
  const open = (obj: object): Node | undefined => {
    const keys = frozenDataKeys(obj);
    if (keys === undefined) return undefined;
    if (!Array.isArray(obj) && keys.some(hasLoneSurrogate)) return undefined;
    return { obj, children: Object.values(obj), next: 0, height: 1 };
  };
  const first = open(v);
  if (first === undefined) return undefined;
  const stack: Node[] = [first];
  const onStack = new Set<object>([v]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Node;
    if (top.next === top.children.length) {
      stack.pop();
      onStack.delete(top.obj);
      cleanFrozenHeights.set(top.obj, top.height);
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.height = Math.max(parent.height, top.height + 1);
      continue;
    }
    const child = top.children[top.next++];
    if (typeof child === 'string') {
      if (hasLoneSurrogate(child)) return undefined;
      continue;
    }
    if (typeof child !== 'object' || child === null) continue;
    const h = cleanFrozenHeights.get(child);
    if (h !== undefined) {
      top.height = Math.max(top.height, h + 1);
      continue;
    }
    if (onStack.has(child) || stack.length >= limit) return undefined;
    const node = open(child);
    if (node === undefined) return undefined;
    stack.push(node);
    onStack.add(child);
  }
  const height = cleanFrozenHeights.get(v) as number;
  return height <= limit ? height : undefined;
}

/**
 * Deepest nesting the fast path of {@link checkJsonValue} proves clean by recursion; a deeper
 * value (rare: real inputs nest a few dozen levels) is left to the iterative walk.
 */
const FAST_MAX_DEPTH = 128;

/**
 * True when every string and key in the container `v` is well-formed and it is no more than
 * `budget` levels high (`budget` ≥ 1). A tight recursion (bounded by {@link FAST_MAX_DEPTH})
 * without paths or allocation: it only proves an input clean, so false means "not proven"
 * (a problem, a frozen part that is not clean, or too deep) and the exact walk decides, with
 * its path. `walkFrozen`: a frozen ancestor was not clean, so frozen parts are walked, not
 * looked up (as the exact walk does).
 */
function provenClean(v: object, budget: number, walkFrozen: boolean): boolean {
  if (!walkFrozen && Object.isFrozen(v)) {
    if (cleanFrozenHeight(v, budget) !== undefined) return true;
    walkFrozen = true;
  }
  const inner = budget - 1;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const m: unknown = v[i];
      if (typeof m === 'string') {
        if (hasLoneSurrogate(m)) return false;
      } else if (typeof m === 'object' && m !== null && (inner < 1 || !provenClean(m, inner, walkFrozen))) return false;
    }
    return true;
  }
  // `for…in` allocates no key array; it also visits inherited enumerable keys, a superset of the
  // own keys the exact walk checks, so what it proves clean is clean.
  for (const key in v) {
    if (hasLoneSurrogate(key)) return false;
    const m: unknown = (v as Record<string, unknown>)[key];
    if (typeof m === 'string') {
      if (hasLoneSurrogate(m)) return false;
    } else if (typeof m === 'object' && m !== null && (inner < 1 || !provenClean(m, inner, walkFrozen))) return false;
  }
  return true;
}

/**
 * Checks `value` (a parsed JSON document) without recursion: containers nested deeper than
 * `maxDepth`, and strings or object keys with a lone UTF-16 surrogate. Returns the first
 * problem found (in document order; an object's keys before its members), or undefined.
 * A cyclic object is reported as too deep. Only containers take a stack entry: scalars are
 * checked where they are met, so the walk allocates nothing per member. Deep-frozen subtrees
 * are checked once and remembered, so inputs that share them cost only their new parts.
 */
export function checkJsonValue(value: unknown, options: JsonShapeOptions = {}): JsonShapeProblem | undefined {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_INPUT_DEPTH;
  const root = options.root ?? 'input';
  if (typeof value === 'string') return hasLoneSurrogate(value) ? surrogateProblem(root, 'string') : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  // The common case, an input without a problem, proven by a fast recursion; the exact walk
  // below finds the first problem and its path (and handles what is nested too deep to recurse).
  const budget = Math.min(Math.floor(maxDepth), FAST_MAX_DEPTH);
  if (budget >= 1 && provenClean(value, budget, false)) return undefined;
  const stack: Level[] = [];
  /** Opens a container met at `key` of the innermost open one: its depth, then (objects) its keys. */
  const open = (container: object, key: string | number | undefined, parentWalksFrozen: boolean): JsonShapeProblem | undefined => {
    let walkFrozen = parentWalksFrozen;
    if (!walkFrozen && Object.isFrozen(container)) {
      if (cleanFrozenHeight(container, maxDepth - stack.length) !== undefined) return undefined;
      walkFrozen = true;
    }
    if (stack.length + 1 > maxDepth) {
      const path = pathOf(stack, root, key);
      return { kind: 'too-deep', path, message: `${path}: nested deeper than ${maxDepth} levels` };
    }
    if (Array.isArray(container)) {
      stack.push({ container, keys: undefined, key, i: 0, walkFrozen });
      return undefined;
    }
    const keys = Object.keys(container);
    stack.push({ container, keys, key, i: 0, walkFrozen });
    for (const k of keys) if (hasLoneSurrogate(k)) return surrogateProblem(pathOf(stack, root, k), 'object key');
    return undefined;
  };
  const first = open(value, undefined, false);
  if (first !== undefined) return first;
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Level;
    let key: string | number;
    let member: unknown;
    if (top.keys === undefined) {
      const array = top.container as readonly unknown[];
      if (top.i >= array.length) {
        stack.pop();
        continue;
      }
      key = top.i++;
      member = array[key];
    } else {
      if (top.i >= top.keys.length) {
        stack.pop();
        continue;
      }
      key = top.keys[top.i++] as string;
      member = (top.container as Record<string, unknown>)[key];
    }
    if (typeof member === 'string') {
      if (hasLoneSurrogate(member)) return surrogateProblem(pathOf(stack, root, key), 'string');
      continue;
    }
    if (typeof member !== 'object' || member === null) continue;
    const problem = open(member, key, top.walkFrozen);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Unfrozen twins of the arrays {@link frozenArrayWith} made: V8 copies a frozen array far slower than a plain one. */
const unfrozenTwins = new WeakMap<readonly unknown[], unknown[]>();

/** The clean height of a member (0 for a scalar), computing it for a deep-frozen container; undefined when not clean. */
function memberCleanHeight(v: unknown): number | undefined {
  if (typeof v === 'string') return hasLoneSurrogate(v) ? undefined : 0;
  if (typeof v !== 'object' || v === null) return 0;
  return cleanFrozenHeight(v, Number.POSITIVE_INFINITY);
}

/**
 * A frozen copy of `base` with `item` at `index` (`index === base.length` appends). When
 * `base` and `item` are deep-frozen and clean, so is the copy, and {@link checkJsonValue}
 * knows it without walking it: a list that changes one element between inputs (the Orca
 * adapter's `input.pipeline.stages`, where only the running stage changes) costs one copy of
 * the pointers per input instead of a check of every element.
 * @throws RangeError when `index` is not an integer in 0..`base.length`.
 */
export function frozenArrayWith<T>(base: readonly T[], index: number, item: T): readonly T[] {
  if (!Number.isInteger(index) || index < 0 || index > base.length) {
    throw new RangeError(`frozenArrayWith: index ${index} is outside 0..${base.length}`);
  }
  const twin = (unfrozenTwins.get(base) as T[] | undefined) ?? (Array.prototype.slice.call(base) as T[]);
  const next = twin.slice();
  next[index] = item;
  const frozen = Object.freeze(next.slice());
  unfrozenTwins.set(frozen, next);
  const baseHeight = Object.isFrozen(base) ? memberCleanHeight(base) : undefined;
  const itemHeight = baseHeight === undefined ? undefined : memberCleanHeight(item);
  // An upper bound when the replaced element was the highest: a height above the limit only
  // sends the check back to the ordinary walk, which is always right.
  if (baseHeight !== undefined && itemHeight !== undefined) cleanFrozenHeights.set(frozen, Math.max(baseHeight, itemHeight + 1, 1));
  return frozen;
}

/**
 * Error codes of decisions that are the caller's fault (the input), not the engine's:
 * an adapter answers them as a bad request (HTTP 400), never as "engine unavailable".
 */
export const CLIENT_FAULT_CODES: readonly string[] = Object.freeze(['INVALID_INPUT']);

/** True when a `Decision.error.code` is the caller's fault (see {@link CLIENT_FAULT_CODES}). */
export function isClientFault(code: string | undefined): boolean {
  return code !== undefined && CLIENT_FAULT_CODES.includes(code);
}

/**
 * Freezes `value` and every array and object in it (iteratively; shared and cyclic parts once)
 * and returns it. Inputs built from deep-frozen parts can share them safely: nothing can
 * change them later, and {@link checkJsonValue} checks each such part only once.
 */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  for (let v = stack.pop(); v !== undefined || stack.length > 0; v = stack.pop()) {
    if (typeof v !== 'object' || v === null || seen.has(v) || cleanFrozenHeights.has(v)) continue;
    seen.add(v);
    Object.freeze(v);
    for (const child of Object.values(v)) stack.push(child);
  }
  return value;
}
