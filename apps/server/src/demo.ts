#!/usr/bin/env node
/**
 * The demo: the lab from docs/ftp-behind-nat.md with a real FTP server behind
 * the gateway, the Gatehouse server running *inside* the lab gateway's
 * namespace (so nothing on the host firewall changes), a light stream of FTP
 * client traffic, and the panel reachable from the host browser.
 *
 * Reaching the panel: the server listens on 127.0.0.1:8080 inside the gateway
 * namespace. A relay inside that namespace exposes it on a Unix socket (Unix
 * socket paths are not per-namespace), and this process listens on the host's
 * 127.0.0.1:<port> and pipes each connection to that socket. No interface,
 * route or firewall rule is added on the host.
 *
 * Run as root after the build: `node apps/server/dist/demo.js` (or
 * `bash apps/server/scripts/demo.sh`, which also installs and builds).
 * Ctrl-C removes the lab.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, ftpFetch, type HeldPassive, holdPassive, LAB_ADDR, type Lab, tcpBanner } from '@gatehouse/lab';

const HERE = dirname(fileURLToPath(import.meta.url));
const PANEL_PORT_IN_NS = 8080;

/** Inside the gateway namespace: Unix socket -> 127.0.0.1:8080. Args: socket path, port. */
const NS_RELAY = String.raw`
'use strict';
const net = require('node:net');
const fs = require('node:fs');
const [path, port] = process.argv.slice(1);
try { fs.unlinkSync(path); } catch {}
net.createServer((c) => {
  const u = net.connect({ host: '127.0.0.1', port: Number(port) });
  c.pipe(u).pipe(c);
  c.on('error', () => u.destroy());
  u.on('error', () => c.destroy());
}).listen(path, () => { fs.chmodSync(path, 0o600); process.stdout.write('listening\n'); });
process.on('SIGTERM', () => process.exit(0));
`;

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

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the server did not come up at ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function listenRelay(port: number, socketPath: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((c) => {
      const u = createConnection(socketPath);
      c.pipe(u).pipe(c);
      c.on('error', () => u.destroy());
      u.on('error', () => c.destroy());
    });
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the demo creates network namespaces: run it as root');
  const hostPort = Number(process.env.GATEHOUSE_DEMO_PORT ?? '8080');
  const password = process.env.GATEHOUSE_ADMIN_PASSWORD ?? randomBytes(9).toString('base64url');
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-demo-'));
  const socketPath = join(work, 'panel.sock');
  const modelPath = join(work, 'model.json');
  writeFileSync(modelPath, JSON.stringify(DEMO_MODEL, null, 2));

  let lab: Lab | undefined;
  let relay: Server | undefined;
  let held: HeldPassive | undefined;
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];
  const cleanup = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping: removing the lab');
    for (const t of timers) clearInterval(t);
    await held?.close().catch(() => undefined);
    relay?.close();
    // destroy() kills every process in the lab namespaces, the server included.
    await lab?.destroy().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void cleanup());
  process.on('SIGTERM', () => void cleanup());

  log('creating the lab (client 192.0.2.101, gateway 192.0.2.2/192.168.1.1, FTP server 192.168.1.2)');
  lab = await createLab();
  log(`lab ${lab.id} is up`);

  const server = lab.spawn('gateway', process.execPath, [join(HERE, 'server.js')], {
    env: {
      GATEHOUSE_LISTEN: `127.0.0.1:${PANEL_PORT_IN_NS}`,
      GATEHOUSE_STATE_DIR: join(work, 'state'),
      GATEHOUSE_ADMIN_PASSWORD: password,
      GATEHOUSE_INITIAL_MODEL: modelPath,
      GATEHOUSE_STRICT_TCP_PICKUP: 'true',
      GATEHOUSE_LOG_LEVEL: process.env.GATEHOUSE_LOG_LEVEL ?? 'warn',
    },
    stdout: 'inherit',
    stderr: 'inherit',
  });
  void server.then((r) => {
    if (!stopping) {
      log(`the server exited (${r.exitCode ?? r.signal}); stopping`);
      void cleanup();
    }
  });
  const nsRelay = lab.spawn('gateway', process.execPath, ['-e', NS_RELAY, '--', socketPath, String(PANEL_PORT_IN_NS)], {
    stdout: 'pipe',
    buffer: false,
  });
  await new Promise<void>((resolve) => nsRelay.stdout?.once('data', () => resolve()));
  relay = await listenRelay(hostPort, socketPath);
  const base = `http://127.0.0.1:${hostPort}`;
  await waitForHealth(`${base}/api/v1/health`, 20_000);

  // First apply, as the admin, so the panel starts with revision 1.
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const cookie = String(login.headers.get('set-cookie')).split(';')[0] as string;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const applied = await fetch(`${base}/api/v1/apply`, {
    method: 'POST',
    headers: { cookie, 'x-gatehouse-csrf': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ comment: 'demo: FTP helper, passive only' }),
  });
  log(applied.ok ? 'applied the demo model (revision 1)' : `the first apply failed: ${await applied.text()}`);

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

main().catch((err: unknown) => {
  process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
