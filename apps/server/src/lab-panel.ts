/**
 * The Gatehouse server running inside a lab gateway, reachable from the host:
 * used by the demo and by the browser end-to-end suite.
 *
 * The server listens on 127.0.0.1:8080 inside the gateway namespace. A relay
 * inside that namespace exposes it on a Unix socket (Unix socket paths are
 * not per-namespace), and this process listens on the host's
 * 127.0.0.1:<port> and pipes each connection to that socket. No interface,
 * route or firewall rule is added on the host.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, type Lab } from '@gatehouse/lab';

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

export interface LabPanelOptions {
  /** Host port on 127.0.0.1 (0 picks a free one). */
  hostPort?: number;
  adminPassword?: string;
  /** The gateway model the server starts with. */
  initialModel: unknown;
  /** Extra server environment (GATEHOUSE_*). */
  env?: Record<string, string>;
  /** Server output: inherit (demo) or ignore (tests). */
  serverOutput?: 'inherit' | 'ignore';
  onServerExit?: (code: number | string | undefined) => void;
}

export interface LabPanel {
  lab: Lab;
  base: string;
  adminPassword: string;
  stateDir: string;
  stop(): Promise<void>;
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

export async function startLabPanel(options: LabPanelOptions): Promise<LabPanel> {
  if (process.getuid?.() !== 0) throw new Error('the lab creates network namespaces: run as root');
  const adminPassword = options.adminPassword ?? randomBytes(9).toString('base64url');
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-panel-'));
  const socketPath = join(work, 'panel.sock');
  const modelPath = join(work, 'model.json');
  const stateDir = join(work, 'state');
  writeFileSync(modelPath, JSON.stringify(options.initialModel, null, 2));

  let stopping = false;
  let relay: Server | undefined;
  const lab = await createLab();
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    relay?.close();
    // destroy() kills every process in the lab namespaces, the server included.
    await lab.destroy().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const output = options.serverOutput ?? 'inherit';
    const server = lab.spawn('gateway', process.execPath, [join(HERE, 'server.js')], {
      env: {
        GATEHOUSE_LISTEN: `127.0.0.1:${PANEL_PORT_IN_NS}`,
        GATEHOUSE_STATE_DIR: stateDir,
        GATEHOUSE_ADMIN_PASSWORD: adminPassword,
        GATEHOUSE_INITIAL_MODEL: modelPath,
        GATEHOUSE_LOG_LEVEL: process.env.GATEHOUSE_LOG_LEVEL ?? 'warn',
        ...options.env,
      },
      stdout: output,
      stderr: output,
    });
    void server.then((r) => {
      if (!stopping) options.onServerExit?.(r.exitCode ?? r.signal);
    });
    const nsRelay = lab.spawn(
      'gateway',
      process.execPath,
      ['-e', NS_RELAY, '--', socketPath, String(PANEL_PORT_IN_NS)],
      {
        stdout: 'pipe',
        buffer: false,
      },
    );
    await new Promise<void>((resolve) => nsRelay.stdout?.once('data', () => resolve()));
    relay = await listenRelay(options.hostPort ?? 0, socketPath);
    const address = relay.address();
    const port = typeof address === 'object' && address ? address.port : options.hostPort;
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(`${base}/api/v1/health`, 20_000);
    return { lab, base, adminPassword, stateDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Logs in over HTTP; returns what a script needs for further calls. */
export async function loginOverHttp(
  base: string,
  username: string,
  password: string,
): Promise<{ cookie: string; csrfToken: string; headers: Record<string, string> }> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`login as ${username} failed: ${login.status} ${await login.text()}`);
  const cookie = String(login.headers.get('set-cookie')).split(';')[0] as string;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { cookie, csrfToken, headers: { cookie, 'x-gatehouse-csrf': csrfToken, 'content-type': 'application/json' } };
}
