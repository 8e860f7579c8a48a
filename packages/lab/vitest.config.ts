import { defineConfig } from 'vitest/config';

// Lab tests build real network namespaces: they need root, run in child processes
// (forks, so exit/signal handlers work) and get generous timeouts.
export default defineConfig({
  test: {
    name: 'lab',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
