import type { Location } from './location.js';

/** Stable codes of parse errors. */
export type ParseErrorCode = 'rego_parse_error' | 'rego_type_error';

/** One problem found in a Rego source. */
export interface ParseError {
  readonly code: ParseErrorCode;
  readonly message: string;
  readonly location: Location;
  /** The source line with a caret under the column. */
  readonly excerpt: string;
}

/** Formats `file:line:col: code: message` followed by the caret excerpt. */
export function formatParseError(e: ParseError): string {
  return `${e.location.file}:${e.location.line}:${e.location.col}: ${e.code}: ${e.message}\n${e.excerpt}`;
}

/** Thrown (only by `parseOrThrow`) when a source has parse errors; carries every error. */
export class RegoParseError extends Error {
  /** Stable code. */
  readonly code = 'rego_parse_error';
  /** Every error found. */
  readonly errors: readonly ParseError[];
  constructor(errors: readonly ParseError[]) {
    const first = errors[0];
    super(
      first
        ? `${errors.length} parse error${errors.length > 1 ? 's' : ''}: ${formatParseError(first).split('\n')[0] ?? ''}`
        : 'parse error',
    );
    this.name = 'RegoParseError';
    this.errors = errors;
  }
}

/** The source line holding `offset`, with a caret under it. */
export function caretExcerpt(src: string, offset: number): string {
  const o = Math.max(0, Math.min(offset, src.length));
  let s = src.lastIndexOf('\n', o - 1) + 1;
  let e = src.indexOf('\n', o);
  if (e < 0) e = src.length;
  if (o === src.length && s === e && s > 0) {
    // Error at EOF after a trailing newline: show the last line.
    e = s - 1;
    s = src.lastIndexOf('\n', e - 1) + 1;
    const line = src.slice(s, e).replace(/\r$/, '');
    return `\t${line}\n\t${' '.repeat(line.length)}^`;
  }
  const line = src.slice(s, e).replace(/\r$/, '');
  const pad = src.slice(s, o).replace(/[^\t]/g, ' ');
  return `\t${line}\n\t${pad}^`;
}
