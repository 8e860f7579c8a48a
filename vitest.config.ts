import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Writable for any user: the pure project runs without root, in a checkout owned by root.
  cacheDir: join(tmpdir(), 'gatehouse-vitest-cache'),
  test: {
    projects: [
      // No root, no namespace, no child process of ours: runs anywhere in seconds (`npm run test:unit`).
      // The other projects exclude test/pure/, so nothing runs twice.
      {
        test: {
          name: 'pure',
          include: ['{packages,apps}/*/test/pure/**/*.test.ts'],
          // The model property runs 10 000 cases: a few seconds, more on a shared CI core.
          testTimeout: 30_000,
        },
      },
      'packages/*',
      'apps/server',
      'apps/demo',
      'apps/cli',
      'apps/web',
      'deploy',
      'docs',
    ],
  },
});
