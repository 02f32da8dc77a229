// Test helper: the shared fixtures and the package each one belongs to (from the fixtures README).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir as sharedFixturesDir } from '@policy-engine/test-kit';

export { fixtureInput as loadFixture } from '@policy-engine/test-kit';

/** The shared fixtures directory (`sharedDir()`/spec/fixtures). */
export const fixturesDir = sharedFixturesDir();

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
