import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'rules',
    include: ['test/**/*.test.ts'],
    // Root-free tests run in the root config's `pure` project.
    exclude: [...configDefaults.exclude, 'test/pure/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
