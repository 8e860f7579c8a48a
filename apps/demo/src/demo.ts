#!/usr/bin/env node
/**
 * The demo: the lab from docs/ftp-behind-nat.md with a real FTP server behind
 * the gateway, the Gatehouse server running *inside* the lab gateway's
 * namespace (so nothing on the host firewall changes), a light stream of FTP
 * client traffic, and the panel reachable from the host browser.
 *
 * Reaching the panel: the server listens on 127.0.0.1:8080 inside the gateway
 * namespace and relays a Unix socket to it (Unix socket paths are not
 * per-namespace); this process listens on the host's 127.0.0.1:<port> and
 * pipes each connection to that socket (see lab-panel.ts). No interface,
 * route or firewall rule is added on the host.
 *
 * Every startup step prints a line and has a deadline: the demo is up within
 * a minute or says which step did not come up.
 *
 * Started by `npm run demo` (scripts/demo.mjs: setup and build first), as
 * root. Ctrl-C removes the lab. With `--ha` it runs the HA pair instead
 * (demo-ha.ts).
 */
import { randomBytes } from 'node:crypto';
import { ftpFetch, type HeldPassive, holdPassive, LAB_ADDR, tcpBanner } from '@gatehouse/lab';
import { type LabPanel, loginOverHttp, startLabPanel } from './lab-panel.js';

const DEMO_MODEL = {
  table: 'gatehouse',
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  gatewayForwards: [
    { id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22, comment: 'the way back in' },
  ],
  forwards: [
    { id: 'ftp', name: 'FTP server', publicPorts: '21', target: LAB_ADDR.server },
    { id: 'ftp-alt', name: 'FTP server on 2121', publicPorts: '2121', target: LAB_ADDR.server },
    { id: 'ssh-server', name: 'ssh to the server', publicPorts: '2022', target: LAB_ADDR.server, targetPort: 22 },
  ],
  ftp: { enabled: true, controlPorts: [21, 2121], servers: [], passiveOnly: true },
};

function log(msg: string): void {
  process.stdout.write(`[demo] ${msg}\n`);
}

/** The running panel, for the error path: a failed first step still removes the lab and its temp dir. */
let started: LabPanel | undefined;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the demo creates network namespaces: run it as root');
  const hostPort = Number(process.env.GATEHOUSE_DEMO_PORT ?? '8080');
  const password = process.env.GATEHOUSE_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');

  let panel: LabPanel | undefined;
  let held: HeldPassive | undefined;
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];
  const cleanup = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping: removing the lab');
    for (const t of timers) clearInterval(t);
    await held?.close().catch(() => undefined);
    await panel?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void cleanup());
  process.on('SIGTERM', () => void cleanup());

  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  log('lab: client 192.0.2.101, gateway 192.0.2.2/192.168.1.1, FTP server 192.168.1.2');
  panel = await startLabPanel({
    hostPort,
    adminPassword: password,
    initialModel: DEMO_MODEL,
    env: { GATEHOUSE_STRICT_TCP_PICKUP: 'true' },
    onProgress: (step) => log(`${step} (${elapsed()})`),
    onServerExit: (code) => {
      if (stopping) return; // Ctrl-C: the lab's own signal handler has already ended it
      log(`the server exited (${code}); stopping`);
      void cleanup();
    },
  });
  started = panel;
  const { base, lab } = panel;

  // First apply, as the admin, so the panel starts with revision 1.
  const { headers } = await loginOverHttp(base, 'admin', password);
  const applied = await fetch(`${base}/api/v1/apply`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ comment: 'demo: FTP helper, passive only' }),
    signal: AbortSignal.timeout(30_000),
  });
  log(
    applied.ok
      ? `applied the demo model (revision 1) (${elapsed()})`
      : `the first apply failed: ${await applied.text()}`,
  );

  // Light client traffic so the live tables have something to show.
  const l = lab;
  let round = 0;
  timers.push(
    setInterval(() => {
      if (stopping) return;
      round++;
      void ftpFetch(l, {
        mode: 'passive',
        path: round % 2 ? 'hello.txt' : '',
        port: round % 3 === 0 ? 2121 : 21,
        timeoutSec: 5,
      });
      if (round % 5 === 0) void ftpFetch(l, { mode: 'active', path: 'readme.txt', timeoutSec: 4 }); // refused: passive only
      if (round % 4 === 0) void tcpBanner(l, { port: 2022 }).catch(() => undefined);
    }, 3000),
  );
  // One session that holds a PASV open, so the expectation table is never empty; renewed before it expires.
  const hold = async () => {
    await held?.close().catch(() => undefined);
    held = await holdPassive(l, { port: 21 }).catch(() => undefined);
  };
  await hold();
  timers.push(setInterval(() => void hold(), 240_000));

  process.stdout.write(
    [
      '',
      '  Gatehouse demo is running.',
      `  Panel:     ${base}/            (API docs: ${base}/api/docs)`,
      `  Login:     admin / ${password}`,
      `  Lab:       namespaces ${l.ns.client}, ${l.ns.gateway}, ${l.ns.server}`,
      `  Try:       ip netns exec ${l.ns.client} curl -s ftp://${LAB_ADDR.gatewayWan}/hello.txt`,
      '  Ctrl-C removes the lab.',
      '',
    ].join('\n'),
  );
}

// `npm run demo -- --ha`: the HA pair instead (demo-ha.ts, which cleans up after itself).
const run = process.argv.includes('--ha') ? () => import('./demo-ha.js').then((m) => m.demoHa()) : main;
run().catch(async (err: unknown) => {
  process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
  await started?.stop();
  process.exit(1);
});
