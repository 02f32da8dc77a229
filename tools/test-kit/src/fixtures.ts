import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@policy-engine/opa';

/** The shared fixtures directory (`{"input": …}` documents from the Armory docs): `<shared>/spec/fixtures`. */
export function fixturesDir(): string {
  return join(sharedDir(), 'spec', 'fixtures');
}

/** The `input` of a shared fixture file, e.g. `fixtureInput('http-authz-01.input.json')`. */
export function fixtureInput(file: string): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(join(fixturesDir(), file), 'utf8')) as { input: Record<string, unknown> };
  return doc.input;
}

/** Fixture files (`*.input.json`) whose name starts with `prefix`, sorted. */
export function fixtureFiles(prefix = ''): string[] {
  return readdirSync(fixturesDir())
    .filter((f) => f.startsWith(prefix) && f.endsWith('.input.json'))
    .sort();
}
