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

/** True when `s` holds an unpaired UTF-16 surrogate (it cannot be encoded as UTF-8). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly key: string | number | undefined;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function pathOf(frame: Frame, root: string, extraKey?: string): string {
  const parts: string[] = [];
  const push = (key: string | number) => {
    if (typeof key === 'number') parts.push(`[${key}]`);
    else parts.push(IDENT.test(key) && !hasLoneSurrogate(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
  };
  if (extraKey !== undefined) push(extraKey);
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) push(f.key);
  return root + parts.reverse().join('');
}

/**
 * Checks `value` (a parsed JSON document) without recursion: containers nested deeper than
 * `maxDepth`, and strings or object keys with a lone UTF-16 surrogate. Returns the first
 * problem found, or undefined. A cyclic object is reported as too deep.
 */
export function checkJsonValue(value: unknown, options: JsonShapeOptions = {}): JsonShapeProblem | undefined {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_INPUT_DEPTH;
  const root = options.root ?? 'input';
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: undefined }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const v = frame.value;
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) {
        const path = pathOf(frame, root);
        return { kind: 'lone-surrogate', path, message: `${path}: string contains a lone UTF-16 surrogate (not valid Unicode)` };
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const depth = frame.depth + 1;
    if (depth > maxDepth) {
      const path = pathOf(frame, root);
      return { kind: 'too-deep', path, message: `${path}: nested deeper than ${maxDepth} levels` };
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i] as unknown, depth, parent: frame, key: i });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      if (hasLoneSurrogate(key)) {
        const path = pathOf(frame, root, key);
        return { kind: 'lone-surrogate', path, message: `${path}: object key contains a lone UTF-16 surrogate (not valid Unicode)` };
      }
      stack.push({ value: (v as Record<string, unknown>)[key], depth, parent: frame, key });
    }
  }
  return undefined;
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
