import { configDefaults, defineProject } from 'vitest/config';

// The CLI runs against a real server (the built @gatehouse/server) on 127.0.0.1
// whose nft calls go into a throwaway network namespace: root, generous timeouts.
export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    // Root-free tests run in the root config's `pure` project.
    exclude: [...configDefaults.exclude, 'test/pure/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
