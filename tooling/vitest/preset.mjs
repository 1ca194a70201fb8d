// Shared vitest settings: workspace packages resolve to their TypeScript sources (no build needed for
// tests, as in tRPC), one fork per file so every file gets a fresh TensorFlow.js engine, and long
// convergence tests only when RECSUITE_SLOW=1 (see `slowIt` in @recsuite/core/test).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Aliases from each workspace package name to its src entry points. */
export const workspaceAliases = [
  { find: /^@recsuite\/core\/test$/, replacement: path.join(root, 'packages/core/src/test/index.ts') },
  { find: /^@recsuite\/([a-z0-9-]+)$/, replacement: path.join(root, 'packages/$1/src/index.ts') },
];

/** Base config for one vitest project rooted at `dir`. */
export function projectConfig(name, dir) {
  return {
    resolve: { alias: workspaceAliases },
    test: {
      name,
      root: dir,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      pool: 'forks',
      testTimeout: 120_000,
      hookTimeout: 120_000,
      env: { TF_CPP_MIN_LOG_LEVEL: '2' },
    },
  };
}
