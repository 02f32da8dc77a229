/** A JSON object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at `path` inside `value`, or undefined when a segment is missing. */
export function lookup(value: unknown, path: readonly string[]): { found: boolean; value?: unknown } {
  let cur: unknown = value;
  for (const seg of path) {
    if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else if (Array.isArray(cur) && /^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else return { found: false };
  }
  return { found: true, value: cur };
}
