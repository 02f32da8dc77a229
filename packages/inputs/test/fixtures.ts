// Test helper: the shared fixtures and the package each one belongs to (from the fixtures README).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<repo>/../shared/spec/fixtures` (CI puts a copy of shared/ beside the clone). */
export const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/spec/fixtures');

/** Every fixture file with its package, as mapped by the README's tables. */
export function fixtureFiles(): { file: string; pkg: string }[] {
  const readme = readFileSync(join(fixturesDir, 'README.md'), 'utf8');
  const map = new Map<string, string>();
  for (const m of readme.matchAll(/^\| `([^`]+\.input\.json)` \| `([^`]+)`/gm)) map.set(m[1] ?? '', m[2] ?? '');
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.input.json'))
    .sort()
    .map((file) => {
      const pkg = map.get(file);
      if (!pkg) throw new Error(`fixtures README does not map ${file}`);
      return { file, pkg };
    });
}

/** The `input` of a fixture (fresh copy). */
export function loadFixture(file: string): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(fixturesDir, file), 'utf8')) as { input: Record<string, unknown> }).input;
}
