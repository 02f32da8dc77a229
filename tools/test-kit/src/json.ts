/** Whether `value` is a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sorted keys of an object value; throws for anything else. */
export function keys(value: unknown): string[] {
  if (!isRecord(value)) throw new Error(`expected an object, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return Object.keys(value).sort();
}

/** The property at a dotted path of object keys (no escaping: keys in the path must not contain dots). */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (!isRecord(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}
