/**
 * A small readers–writer lock: evaluations share it, a load takes it alone. A load waits
 * for running evaluations to finish and holds new ones until it is done, so callers of one
 * engine never see a half-pushed policy set.
 */
export class ReadWriteLock {
  private readers = 0;
  private writer: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  /** Runs `fn` as a reader (concurrently with other readers, never during a write). */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.writer;
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      if (this.readers === 0) this.drained?.();
    }
  }

  /** Runs `fn` alone: after running readers finish, before waiting ones start. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.writer;
    let release: () => void = () => undefined;
    this.writer = new Promise<void>((r) => (release = r));
    try {
      if (this.readers > 0) await new Promise<void>((r) => (this.drained = r));
      this.drained = undefined;
      return await fn();
    } finally {
      this.writer = undefined;
      release();
    }
  }
}
