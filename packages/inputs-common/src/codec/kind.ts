/** The JSON kinds a value can have, as seen by the codecs. */
export type JsonKind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

/** The JSON kind of a value; `undefined` for a missing value, `other` for non-JSON values. */
export function kindOf(u: unknown): JsonKind | 'undefined' | 'other' {
  if (u === null) return 'null';
  if (u === undefined) return 'undefined';
  if (Array.isArray(u)) return 'array';
  switch (typeof u) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isFinite(u) ? 'number' : 'other';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'object';
    default:
      return 'other';
  }
}

/** True for a non-null, non-array object (a JSON object). */
export function isJsonObject(u: unknown): u is Record<string, unknown> {
  return kindOf(u) === 'object';
}
