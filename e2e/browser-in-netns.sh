#!/bin/sh
# Playwright's executablePath: Debian's Chromium, started inside a lab network
# namespace so that it reaches the panel the way an admin does (over the lab's
# LAN or WAN, to a non-loopback address of the gateway). Playwright talks to
# the browser over a pipe, which does not care about network namespaces.
# The namespace comes from GATEHOUSE_E2E_BROWSER_NS (set by global-setup.ts for
# the default browser, by support.ts launchBrowserIn() for others).
if [ -z "$GATEHOUSE_E2E_BROWSER_NS" ]; then
  echo "browser-in-netns.sh: GATEHOUSE_E2E_BROWSER_NS is not set (run through e2e/playwright.config.ts)" >&2
  exit 2
fi
exec ip netns exec "$GATEHOUSE_E2E_BROWSER_NS" /usr/bin/chromium "$@"
