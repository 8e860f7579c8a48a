import { defineConfig } from 'vitest/config';

// The docs' commands run in a lab gateway namespace against the real server: root, a build, generous timeouts.
export default defineConfig({
  test: {
    name: 'docs',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
