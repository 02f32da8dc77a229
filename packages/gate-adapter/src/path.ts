import { GateRequestError } from './errors.js';

/** A request path after normalisation. */
export interface NormalizedPath {
  /** Segments as the policy sees them (`input.path`): decoded once, no empty/`.`/`..` segments. */
  readonly segments: readonly string[];
  /**
   * True when the raw path needed normalisation a router might not repeat the same way
   * (dot segments, encoded `/` or `\`, a `%` left after decoding, a backslash). Such a
   * request is never exempt from authorization, whatever the allow list says.
   */
  readonly ambiguous: boolean;
}

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const ENCODED_SEPARATOR = /%(2f|5c)/i;

/**
 * Turns a request target (`req.url`) into `input.path` segments.
 *
 * The query string and fragment are dropped; the path is split on `/`; each segment is
 * percent-decoded exactly once (an encoded `/` therefore separates segments too, so it
 * cannot hide a segment from a policy); empty and `.` segments are removed and `..`
 * removes the previous segment — all before exemption matching, so `/health/../tasks`
 * is the path `["tasks"]` and is not exempt.
 *
 * @throws GateRequestError (400) on malformed percent-encoding or a NUL byte.
 */
export function normalizeRequestPath(rawUrl: string): NormalizedPath {
  let target = rawUrl;
  const cut = target.search(/[?#]/);
  if (cut >= 0) target = target.slice(0, cut);
  if (ABSOLUTE_FORM.test(target)) {
    const afterScheme = target.indexOf('//') + 2;
    const slash = target.indexOf('/', afterScheme);
    target = slash < 0 ? '/' : target.slice(slash);
  }
  let ambiguous = ENCODED_SEPARATOR.test(target) || target.includes('\\');
  // Without a `%` nothing is encoded: each segment is itself and holds no `/` (the common case).
  const plain = !target.includes('%');
  if (plain && target.includes('\u0000')) throw new GateRequestError(400, 'BadRequest', 'NUL byte in request path');
  const out: string[] = [];
  for (const raw of target.split('/')) {
    if (raw === '') continue;
    if (plain) {
      if (raw === '.') ambiguous = true;
      else if (raw === '..') {
        ambiguous = true;
        out.pop();
      } else out.push(raw);
      continue;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new GateRequestError(400, 'BadRequest', `malformed percent-encoding in request path segment "${raw}"`);
    }
    if (decoded.includes('\u0000')) throw new GateRequestError(400, 'BadRequest', 'NUL byte in request path');
    if (decoded.includes('%') || decoded.includes('\\')) ambiguous = true;
    for (const segment of decoded.split('/')) {
      if (segment === '') continue;
      if (segment === '.') {
        ambiguous = true;
        continue;
      }
      if (segment === '..') {
        ambiguous = true;
        out.pop();
        continue;
      }
      out.push(segment);
    }
  }
  return { segments: out, ambiguous };
}
