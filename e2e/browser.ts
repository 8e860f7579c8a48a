/**
 * How the specs start Chromium: Debian's /usr/bin/chromium (Playwright's own
 * download cannot work here), through browser-in-netns.sh so that it runs
 * inside a lab namespace (GATEHOUSE_E2E_BROWSER_NS) and reaches the panel on
 * a non-loopback address of the lab gateway, as an admin on that network would.
 */
import { join } from 'node:path';

export const BROWSER_EXECUTABLE = join(import.meta.dirname, 'browser-in-netns.sh');

// Without the background-networking flags Chromium tries to reach Google
// hosts at every start; the lab has no route to them.
export const BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
