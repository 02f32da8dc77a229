/**
 * A recursive directory watch made of one non-recursive `fs.watch` per directory.
 *
 * Node 20's `fs.watch(dir, { recursive: true })` on Linux watches the files it found one by
 * one: a file replaced by a rename (an atomic write: editors, `cp` + `mv`, config management)
 * leaves it watching the old, unlinked file, and from then on no change of that file is
 * reported — the first swap of a policy file reloads, every later one is lost. A directory
 * watch sees renames into the directory (and a ConfigMap's `..data` symlink swap) every time.
 */
import { EventEmitter } from 'node:events';
import { watch as watchOne, readdirSync, statSync, type FSWatcher as NodeWatcher } from 'node:fs';
import { join, sep } from 'node:path';

/** What `watch-directory` needs of a watcher: errors of the root, and close. */
export interface FSWatcher {
  on(event: 'error', listener: (error: Error) => void): this;
  close(): void;
}

class TreeWatcher extends EventEmitter implements FSWatcher {
  private readonly watchers = new Map<string, NodeWatcher>();
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly listener: () => void,
  ) {
    super();
    this.add(root); // throws (like fs.watch) when the root cannot be watched
  }

  private add(dir: string): void {
    if (this.closed || this.watchers.has(dir)) return;
    let watcher: NodeWatcher;
    try {
      watcher = watchOne(dir, () => this.changed(dir));
    } catch (error) {
      if (dir === this.root) throw error;
      return; // a subdirectory that vanished meanwhile
    }
    watcher.on('error', (error) => {
      if (dir === this.root) this.emit('error', error);
      else this.drop(dir);
    });
    this.watchers.set(dir, watcher);
    this.scan(dir);
  }

  private scan(dir: string): void {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) this.add(join(dir, entry.name));
  }

  private drop(dir: string): void {
    for (const [path, watcher] of this.watchers) {
      if (path === dir || path.startsWith(dir + sep)) {
        watcher.close();
        this.watchers.delete(path);
      }
    }
  }

  private changed(dir: string): void {
    if (this.closed) return;
    // New subdirectories get a watcher, removed ones lose theirs.
    for (const path of [...this.watchers.keys()]) {
      if (path !== this.root && path.startsWith(dir + sep)) {
        try {
          statSync(path);
        } catch {
          this.drop(path);
        }
      }
    }
    this.scan(dir);
    this.listener();
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

/** Watches `root` and every directory below it; `listener` is called for every file event. Drop-in for `fs.watch(root, { recursive: true }, listener)`. */
export function watch(root: string, _options: { readonly recursive: true }, listener: () => void): FSWatcher {
  return new TreeWatcher(root, listener);
}
