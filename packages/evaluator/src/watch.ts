/**
 * Recursive directory watching with a debounce (fs.watch recursive works on Linux from Node 20).
 */
import { watch, type FSWatcher } from 'node:fs';

/** A running watcher. */
export interface DirectoryWatcher {
  close(): void;
}

/** Default quiet period before a burst of file events triggers one reload. */
export const WATCH_DEBOUNCE_MS = 100;

/** What a directory watcher reports. */
export interface WatchHandlers {
  /** Called once per burst of changes (after `debounceMs` of quiet). */
  readonly onChange: () => void;
  /** Called synchronously for every single file event, before any debounce. */
  readonly onEvent?: () => void;
  /** Watch errors; the watcher then stops. */
  readonly onError: (error: Error) => void;
}

/**
 * Watches `path` recursively: `onEvent` for every file event at once, `onChange` once per burst
 * (after `debounceMs` of quiet). Watch errors go to `onError`; the watcher then stops.
 */
export function watchDirectory(path: string, handlers: WatchHandlers, debounceMs = WATCH_DEBOUNCE_MS): DirectoryWatcher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | undefined;
  let closed = false;
  const fire = (): void => {
    if (closed) return;
    handlers.onEvent?.();
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      handlers.onChange();
    }, debounceMs);
  };
  try {
    watcher = watch(path, { recursive: true }, fire);
    watcher.on('error', (error) => {
      handlers.onError(error);
      watcher?.close();
    });
  } catch (error) {
    handlers.onError(error instanceof Error ? error : new Error(String(error)));
  }
  return {
    close: () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      watcher?.close();
    },
  };
}
