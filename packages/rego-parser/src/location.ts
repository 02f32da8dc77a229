/**
 * A span of a Rego source: file name, 1-based line and column and 0-based character
 * offset of its start, and `end`, the 0-based offset just past its last character
 * (so `source.slice(offset, end)` is the node's text).
 */
export interface Location {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly offset: number;
  /** 0-based offset just past the last character (exclusive). */
  readonly end: number;
}
