/**
 * A deep-partial view of an input type, used for builder overrides: objects may be
 * given partially at any depth; arrays are replaced whole.
 */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

function isPlainObject(u: unknown): u is Record<string, unknown> {
  return u !== null && typeof u === 'object' && !Array.isArray(u);
}

/**
 * Deep-merges `overrides` into a copy of `base`: nested objects merge key by key, arrays
 * and scalars replace, `undefined` leaves the base value. Neither argument is modified.
 */
export function deepMerge<T>(base: T, overrides?: DeepPartial<T> | Record<string, unknown>): T {
  if (overrides === undefined) return base;
  return mergeValue(base, overrides) as T;
}

function mergeValue(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeValue(base[k], v);
    return out;
  }
  return over;
}
