import type * as t from 'io-ts';

/** One validation failure of an input document, at its deepest meaningful path. */
export interface InputError {
  /** JSON path from the document root, like `input.user.roles[0].name` or `input.stage.context["kato.tasks"]`. */
  readonly path: string;
  /** Readable name of the expected type, like `boolean`, `Array<string>`, `User`. */
  readonly expected: string;
  /** The value found there (`undefined` when the field is missing). */
  readonly actual: unknown;
  /** One-line human message: `input.user.isAdmin: expected boolean, got string "yes"`. */
  readonly message: string;
}

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

const identifier = /^[A-Za-z_$][\w$]*$/;

/** Formats path segments as `input.a.b[0]["dotted.key"]` (the root is `input`). */
export function formatPath(segments: readonly PathSegment[], root = 'input'): string {
  let out = root;
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += identifier.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Short description of a value for messages: `string "yes"`, `number 3`, `object`, `missing`. */
export function describeValue(u: unknown): string {
  if (u === undefined) return 'missing';
  if (u === null) return 'null';
  if (Array.isArray(u)) return 'array';
  if (typeof u === 'string') return `string ${JSON.stringify(u.length > 40 ? `${u.slice(0, 40)}…` : u)}`;
  if (typeof u === 'number' || typeof u === 'boolean') return `${typeof u} ${String(u)}`;
  return typeof u;
}

interface TaggedType {
  readonly _tag?: unknown;
}

function isArrayLike(type: t.Decoder<unknown, unknown>): boolean {
  const tag = (type as TaggedType)._tag;
  return tag === 'ArrayType' || tag === 'ReadonlyArrayType' || tag === 'TupleType';
}

/**
 * Turns io-ts validation errors into {@link InputError}s: one per failing leaf, with a
 * readable path and the expected type's name; duplicates at the same path are dropped.
 */
export function toInputErrors(errors: t.Errors, root = 'input'): InputError[] {
  const out: InputError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const segments: PathSegment[] = [];
    const ctx = error.context;
    for (let i = 1; i < ctx.length; i++) {
      const parent = ctx[i - 1];
      const entry = ctx[i];
      if (parent === undefined || entry === undefined) continue;
      const tag = (parent.type as TaggedType)._tag;
      // io-ts' own unions/intersections add an entry per member: not a path step.
      if (tag === 'UnionType' || tag === 'IntersectionType') continue;
      segments.push(isArrayLike(parent.type) && /^\d+$/.test(entry.key) ? Number(entry.key) : entry.key);
    }
    const last = ctx[ctx.length - 1];
    const expected = last ? last.type.name : 'unknown';
    const path = formatPath(segments, root);
    if (seen.has(path)) continue;
    seen.add(path);
    const message =
      error.value === undefined
        ? `${path}: missing required field (expected ${expected})`
        : `${path}: expected ${expected}, got ${describeValue(error.value)}`;
    out.push({ path, expected, actual: error.value, message });
  }
  return out;
}
