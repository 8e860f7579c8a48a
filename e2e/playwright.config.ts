/**
 * End-to-end: the real server inside a real lab gateway (network namespaces,
 * vsftpd, nftables), the real production UI it serves, driven in Debian's
 * Chromium. Playwright's own browser download cannot work here, so the
 * executable is /usr/bin/chromium.
 *
 * One lab for the run (global setup); the specs run in order in one worker
 * because they share that gateway and tell one operator's story.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  outputDir: '../test-results/e2e',
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? '../test-results/e2e.json' }]],
  use: {
    baseURL: process.env.GATEHOUSE_E2E_BASE,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // Without the background-networking flags Chromium tries to reach Google
      // hosts at every start; this machine's network refuses them.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
