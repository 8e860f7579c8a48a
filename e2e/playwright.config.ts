/**
 * End-to-end: the real server inside a real lab gateway (network namespaces,
 * vsftpd, nftables), the real production UI it serves, driven in Debian's
 * Chromium. Playwright's own browser download cannot work here, so the
 * executable is /usr/bin/chromium, started inside the lab's server namespace
 * (192.168.1.2) by browser-in-netns.sh: the specs reach the panel at
 * http://192.168.1.1:8080, the gateway's LAN address, as an admin does.
 *
 * One lab for the run (global setup); the specs run in order in one worker
 * because they share that gateway and tell one operator's story.
 */
import { defineConfig } from '@playwright/test';
import { BROWSER_ARGS, BROWSER_EXECUTABLE } from './browser.js';

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
    launchOptions: { executablePath: BROWSER_EXECUTABLE, args: BROWSER_ARGS },
  },
});
