import { configDefaults, defineProject } from 'vitest/config';

// The launcher builds real labs (root, namespaces) and starts the built server in them.
export default defineProject({
  test: {
    name: 'demo',
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/pure/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
