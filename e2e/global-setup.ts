/**
 * Starts the lab gateway with the Gatehouse server inside it (the same
 * launcher as the demo), listening on the gateway's own addresses, and
 * publishes where it is to the workers through the environment: the specs'
 * browser runs in the lab's server namespace (the LAN, 192.168.1.2) and opens
 * http://192.168.1.1:8080. Everything is removed when the run ends, also on
 * failure.
 */

import { startLabPanel } from '@gatehouse/demo';
import { labInfo } from '@gatehouse/lab';
import { E2E_ADMIN_PASSWORD, E2E_INITIAL_MODEL } from './tests/model.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) throw new Error('the e2e suite creates network namespaces: run it as root');
  const panel = await startLabPanel({
    adminPassword: E2E_ADMIN_PASSWORD,
    initialModel: E2E_INITIAL_MODEL,
    listenOn: 'all',
    // GATEHOUSE_E2E_SERVER_LOG=1 shows the server's log (pino JSON) with the test output.
    serverOutput: process.env.GATEHOUSE_E2E_SERVER_LOG ? 'inherit' : 'ignore',
    env: {
      // Deleting a flow must end the connection (see the server README).
      GATEHOUSE_STRICT_TCP_PICKUP: 'true',
      GATEHOUSE_DRIFT_INTERVAL_MS: '2000',
      GATEHOUSE_LOGIN_RATE_LIMIT: '200',
    },
  });
  const reach = panel.reach;
  if (!reach) throw new Error('the lab panel did not report its LAN/WAN addresses');
  process.env.GATEHOUSE_E2E_BASE = reach.lan.base;
  process.env.GATEHOUSE_E2E_BROWSER_NS = reach.lan.ns;
  process.env.GATEHOUSE_E2E_REACH = JSON.stringify(reach);
  process.env.GATEHOUSE_E2E_LAB = JSON.stringify(labInfo(panel.lab));
  return async () => {
    await panel.stop();
  };
}
