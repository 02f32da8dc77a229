import { readFileSync } from 'node:fs';

/** The committed skip list: corpus id → reason. */
export function skipList(): Map<string, string> {
  const doc = JSON.parse(readFileSync(new URL('../skip-list.json', import.meta.url), 'utf8')) as { skips: Record<string, string> };
  return new Map(Object.entries(doc.skips));
}
