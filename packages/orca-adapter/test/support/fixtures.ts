import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '@policy-engine/opa';

/** The shared fixtures directory (`{"input": …}` documents from the Armory docs). */
export const fixturesDir = resolve(repoRoot, '..', 'shared', 'spec', 'fixtures');

/** The `input` of a fixture file. */
export function fixtureInput(name: string): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(join(fixturesDir, name), 'utf8')) as { input: Record<string, unknown> };
  return doc.input;
}

/** Fixture files whose name starts with `prefix`. */
export function fixtureFiles(prefix: string): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.input.json'))
    .sort();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sorted keys of an object value. */
export function keys(value: unknown): string[] {
  if (!isRecord(value)) throw new Error(`expected an object, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return Object.keys(value).sort();
}

/** Property at a dotted path of object keys (no escaping; keys in the path must not contain dots). */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (!isRecord(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}
