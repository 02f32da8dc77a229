/**
 * Ant-style path patterns as Spring (and so Gate) uses them: `*` matches within one
 * segment, `?` one character, `**` any number of whole segments (including none).
 */

/** A compiled path pattern. */
export interface PathPattern {
  /** The pattern as configured, e.g. `/webhooks/**`. */
  readonly source: string;
  /** True when the normalised path segments match. */
  matches(segments: readonly string[]): boolean;
}

type Part = { readonly kind: 'any-segments' } | { readonly kind: 'segment'; readonly re: RegExp };

function compileSegment(segment: string): Part {
  if (segment === '**') return { kind: 'any-segments' };
  let re = '^';
  for (const ch of segment) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return { kind: 'segment', re: new RegExp(`${re.replace(/(\[\^\/\]\*)+/g, '[^/]*')}$`, 'u') };
}

function matchFrom(parts: readonly Part[], pi: number, segments: readonly string[], si: number): boolean {
  if (pi === parts.length) return si === segments.length;
  const part = parts[pi];
  if (!part) return false;
  if (part.kind === 'any-segments') {
    for (let k = si; k <= segments.length; k++) {
      if (matchFrom(parts, pi + 1, segments, k)) return true;
    }
    return false;
  }
  const segment = segments[si];
  return segment !== undefined && part.re.test(segment) && matchFrom(parts, pi + 1, segments, si + 1);
}

/** Compiles an Ant-style pattern (`/api/**`, `/applications/*\/pipelines`, `/health`). */
export function compilePathPattern(pattern: string): PathPattern {
  const parts = pattern
    .split('/')
    .filter((s) => s !== '')
    .map(compileSegment);
  return { source: pattern, matches: (segments) => matchFrom(parts, 0, segments, 0) };
}
