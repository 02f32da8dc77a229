/**
 * Recursive directory watching with a debounce, built from one watcher per directory (see tree-watch.ts: Node 20's recursive fs.watch loses renamed files on Linux).
 */
import { watch, type FSWatcher } from './tree-watch.js';

/** A running watcher. */
export interface DirectoryWatcher {
  close(): void;
}

/** Default quiet period before a burst of file events triggers one reload. */
export const WATCH_DEBOUNCE_MS = 100;

/**
 * Calls `onChange` once per burst of changes under `path` (after `debounceMs` of quiet).
 * Watch errors go to `onError`; the watcher then stops.
 */
export function watchDirectory(
  path: string,
  onChange: () => void,
  onError: (error: Error) => void,
  debounceMs = WATCH_DEBOUNCE_MS,
): DirectoryWatcher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | undefined;
  const fire = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, debounceMs);
  };
  try {
    watcher = watch(path, { recursive: true }, fire);
    watcher.on('error', (error) => {
      onError(error);
      watcher?.close();
    });
  } catch (error) {
    onError(error instanceof Error ? error : new Error(String(error)));
  }
  return {
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      watcher?.close();
    },
  };
}
