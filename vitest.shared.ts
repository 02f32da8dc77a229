// Shared vitest settings: tests run straight from TypeScript sources. Workspace packages
// export `./src/index.ts` under the `@policy-engine/source` condition; vite 8 needs it in
// `ssr.resolve.conditions` for node-side tests.
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repoRoot = dirname(fileURLToPath(import.meta.url));
// Each project also writes a JSON report; tools/test-summary.mjs adds them up after `npm test`.
const reportFile = join(repoRoot, 'tmp', 'test-results', `${basename(dirname(process.cwd()))}-${basename(process.cwd())}.json`);

export const sourceCondition = '@policy-engine/source';

export default defineConfig({
  resolve: { conditions: [sourceCondition, 'import', 'module', 'node', 'default'] },
  // No 'import' here: vitest hands these conditions to the forked Node as `--conditions`, and
  // 'import' would make Node's require() pick the ESM entry of dual packages (express broke).
  ssr: { resolve: { conditions: [sourceCondition, 'node', 'default'], externalConditions: [sourceCondition] } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: reportFile }]],
    // Packages scaffolded ahead of their issue have no tests yet; nx still runs their target.
    passWithNoTests: true,
  },
});
