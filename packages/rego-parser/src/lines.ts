/**
 * A line table: the start offset of every line of a source, so that an offset's
 * line and column are found by binary search instead of rescanning from offset 0.
 */
export class LineTable {
  /** 0-based offset at which each line starts (`starts[0]` is 0). */
  readonly starts: readonly number[];

  /** Builds the table of `source` (one pass over its `\n`s). */
  constructor(readonly source: string) {
    const starts = [0];
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  /** Number of lines (a trailing `\n` starts an empty last line). */
  get lineCount(): number {
    return this.starts.length;
  }

  /** 1-based line and column of a 0-based character offset (clamped to the source). */
  position(offset: number): { line: number; col: number } {
    const off = Math.max(0, Math.min(offset, this.source.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= off) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: off - (this.starts[lo] as number) + 1 };
  }

  /** 0-based offset of a 1-based line and column (clamped to the source). */
  offset(line: number, col: number): number {
    const idx = Math.max(0, Math.min(line - 1, this.starts.length - 1));
    return Math.min(this.source.length, (this.starts[idx] as number) + Math.max(0, col - 1));
  }

  /** Text of a 1-based line, without its `\n`. */
  lineText(line: number): string {
    const idx = line - 1;
    if (idx < 0 || idx >= this.starts.length) return '';
    const start = this.starts[idx] as number;
    const next = this.starts[idx + 1];
    return this.source.slice(start, next === undefined ? this.source.length : next - 1);
  }
}
