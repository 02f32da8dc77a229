/** A position in a Rego source: file name, 1-based line and column, 0-based character offset. */
export interface Location {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly offset: number;
}
