import shared, { sourceCondition } from '../../vitest.shared.ts';

// vitest passes `ssr.resolve.conditions` to the forked Node as `--conditions`. The shared
// list contains `import`, which makes Node's *require* pick ESM entry points of dual
// packages (express's router requires `is-promise` and gets a namespace object instead of
// a function). Express is loaded natively here, so drop `import` for this project.
export default {
  ...shared,
  ssr: {
    ...shared.ssr,
    resolve: { ...shared.ssr?.resolve, conditions: [sourceCondition, 'node', 'default'] },
  },
};
