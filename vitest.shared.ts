// Shared vitest settings: tests run straight from TypeScript sources. Workspace packages
// export `./src/index.ts` under the `@policy-engine/source` condition; vite 8 needs it in
// `ssr.resolve.conditions` for node-side tests.
import { defineConfig } from 'vitest/config';

export const sourceCondition = '@policy-engine/source';

export default defineConfig({
  resolve: { conditions: [sourceCondition, 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: [sourceCondition, 'import', 'node', 'default'], externalConditions: [sourceCondition] } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Packages scaffolded ahead of their issue have no tests yet; nx still runs their target.
    passWithNoTests: true,
  },
});
