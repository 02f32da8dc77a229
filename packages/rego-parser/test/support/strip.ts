/** Deep copy without `location` fields (AST equality "apart from locations"). */
export function stripLocations(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripLocations);
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'location') out[k] = stripLocations(v);
    return out;
  }
  return x;
}
