import { configDefaults, defineConfig } from 'vitest/config';

// Lab tests build real network namespaces: they need root, run in child processes
// (forks, so exit/signal handlers work) and get generous timeouts.
export default defineConfig({
  test: {
    name: 'lab',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    // Root-free tests run in the root config's `pure` project.
    exclude: [...configDefaults.exclude, 'test/pure/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
