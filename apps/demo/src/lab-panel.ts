/**
 * The Gatehouse server running inside a lab gateway: used by the demo, the
 * browser end-to-end suite and the deploy tests. Lives outside the server
 * package so that production code never carries the lab.
 *
 * Inside the gateway namespace the server listens on port 8080: on 127.0.0.1
 * (the demo), or on 0.0.0.0 (`listenOn: 'all'`), where an admin on the lab's
 * LAN (192.168.1.2 -> 192.168.1.1:8080) or WAN (192.0.2.101 -> 192.0.2.2:8080)
 * reaches it the way one reaches a real gateway's panel; `reach` says which
 * namespace to run a browser in and which URL it opens.
 *
 * From the host: the server process also relays a Unix socket to its port
 * (lab-panel-entry.ts; Unix socket paths are not per-namespace), and this
 * process listens on the host's 127.0.0.1:<port> and pipes each connection
 * to that socket. No interface, route or firewall rule is added on the host.
 *
 * Nothing here waits without a deadline: the lab, the server's first answer
 * and the host relay each have one, and the server's exit ends the wait at
 * once with what it printed last.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, LAB_ADDR, type Lab, waitForHttp } from '@gatehouse/lab';
import { SERVER_NODE_FLAGS } from '@gatehouse/server/node-flags';

const HERE = dirname(fileURLToPath(import.meta.url));
const PANEL_PORT_IN_NS = 8080;
const DEFAULT_READY_TIMEOUT_MS = 30_000;
/** Per-request deadline for the launcher's own HTTP calls. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface LabPanelOptions {
  /** Host port of the relay on 127.0.0.1 (0, the default, picks a free one). */
  hostPort?: number;
  /**
   * Where the server listens in the gateway namespace: 'loopback' (127.0.0.1,
   * the default) or 'all' (0.0.0.0: also on the gateway's LAN and WAN addresses).
   */
  listenOn?: 'loopback' | 'all';
  /** Serve HTTPS with the self-signed certificate the server generates (GATEHOUSE_TLS=self-signed). */
  tls?: boolean;
  adminPassword?: string;
  /** The gateway model the server starts with. */
  initialModel: unknown;
  /** Extra server environment (GATEHOUSE_*). */
  env?: Record<string, string>;
  /** Server output: inherit (demo) or ignore (tests; the last lines still go into a startup error). */
  serverOutput?: 'inherit' | 'ignore';
  onServerExit?: (code: number | string | undefined) => void;
  /** Deadline for the server's first answer. Default 30 s. */
  readyTimeoutMs?: number;
  /** Called at each startup step (the demo prints these). */
  onProgress?: (step: string) => void;
}

/** Where a browser sits to reach the panel: run it in namespace `ns`, open `base`. */
export interface PanelReach {
  ns: string;
  base: string;
}

export interface LabPanel {
  lab: Lab;
  /** Through the host relay: http(s)://127.0.0.1:<port>. */
  base: string;
  /** With listenOn 'all': from the LAN (server namespace) and from the WAN (client namespace). */
  reach: { lan: PanelReach; wan: PanelReach } | undefined;
  adminPassword: string;
  stateDir: string;
  stop(): Promise<void>;
}

/** Listens on the host's 127.0.0.1:<port> and pipes each connection to a Unix socket (a panel's relay in its namespace). */
export function listenRelay(port: number, socketPath: string, open: Set<Socket>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((c) => {
      const u = createConnection(socketPath);
      open.add(c);
      open.add(u);
      c.on('close', () => open.delete(c));
      u.on('close', () => open.delete(u));
      c.pipe(u).pipe(c);
      c.on('error', () => u.destroy());
      u.on('error', () => c.destroy());
    });
    server.once('error', (err) =>
      reject(new Error(`the host relay could not listen on 127.0.0.1:${port}: ${err.message}`)),
    );
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

/** Keeps the last few KB a process printed, for the error when it exits during startup. */
function tail(max = 4096) {
  let text = '';
  return {
    add(chunk: Buffer | string) {
      text = (text + chunk.toString()).slice(-max);
    },
    text: () => text.trim(),
  };
}

export async function startLabPanel(options: LabPanelOptions): Promise<LabPanel> {
  if (process.getuid?.() !== 0) throw new Error('the lab creates network namespaces: run as root');
  const progress = options.onProgress ?? (() => undefined);
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const adminPassword = options.adminPassword ?? randomBytes(12).toString('base64url');
  const scheme = options.tls ? 'https' : 'http';
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-panel-'));
  const socketPath = join(work, 'panel.sock');
  const modelPath = join(work, 'model.json');
  const stateDir = join(work, 'state');
  writeFileSync(modelPath, JSON.stringify(options.initialModel, null, 2));

  let stopping = false;
  let relay: Server | undefined;
  const relayed = new Set<Socket>();
  let lab: Lab | undefined;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    relay?.close();
    for (const s of relayed) s.destroy();
    // destroy() kills every process in the lab namespaces, the server included.
    await lab?.destroy().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    progress('creating the lab (3 network namespaces, vsftpd, banner services)');
    lab = await createLab();
    const l = lab;
    progress(`lab ${l.id} is up; starting the server in ${l.ns.gateway}`);
    const output = options.serverOutput ?? 'inherit';
    const last = tail();
    const server = l.spawn('gateway', process.execPath, [...SERVER_NODE_FLAGS, join(HERE, 'lab-panel-entry.js')], {
      env: {
        LAB_PANEL_SOCKET: socketPath,
        LAB_PANEL_PORT: String(PANEL_PORT_IN_NS),
        GATEHOUSE_LISTEN: `${options.listenOn === 'all' ? '0.0.0.0' : '127.0.0.1'}:${PANEL_PORT_IN_NS}`,
        GATEHOUSE_STATE_DIR: stateDir,
        GATEHOUSE_ADMIN_PASSWORD: adminPassword,
        GATEHOUSE_INITIAL_MODEL: modelPath,
        GATEHOUSE_LOG_LEVEL: process.env.GATEHOUSE_LOG_LEVEL ?? 'warn',
        ...(options.tls ? { GATEHOUSE_TLS: 'self-signed' } : {}),
        ...options.env,
      },
      stdin: 'ignore',
      stdout: output === 'inherit' ? 'inherit' : 'ignore',
      stderr: output === 'inherit' ? 'inherit' : 'pipe',
      buffer: false,
    });
    server.stderr?.on('data', last.add);
    let starting = true;
    const exitedEarly = server.then((r) => {
      if (starting) {
        const said = last.text();
        throw new Error(`the server exited (${r.exitCode ?? r.signal}) before it answered${said ? `: ${said}` : ''}`);
      }
      if (!stopping) options.onServerExit?.(r.exitCode ?? r.signal);
    });
    void exitedEarly.catch(() => undefined); // seen by the races below; a failed start stops the server itself
    const whileRunning = <T>(p: Promise<T>) => Promise.race([p, exitedEarly.then(() => p)]);

    // The server's first answer, asked inside the gateway (its own loopback); with listenOn
    // 'all' also from the LAN side, the way the e2e browser will come.
    await whileRunning(
      waitForHttp(`${scheme}://127.0.0.1:${PANEL_PORT_IN_NS}/api/v1/health`, readyTimeoutMs, {
        lab: l,
        where: 'gateway',
      }),
    );
    const reach =
      options.listenOn === 'all'
        ? {
            lan: { ns: l.ns.server, base: `${scheme}://${LAB_ADDR.gatewayLan}:${PANEL_PORT_IN_NS}` },
            wan: { ns: l.ns.client, base: `${scheme}://${LAB_ADDR.gatewayWan}:${PANEL_PORT_IN_NS}` },
          }
        : undefined;
    if (reach) await whileRunning(waitForHttp(`${reach.lan.base}/api/v1/health`, 10_000, { lab: l, where: 'server' }));

    relay = await listenRelay(options.hostPort ?? 0, socketPath, relayed);
    const address = relay.address();
    const port = typeof address === 'object' && address ? address.port : options.hostPort;
    const base = `${scheme}://127.0.0.1:${port}`;
    await whileRunning(waitForHttp(`${base}/api/v1/health`, 10_000));
    starting = false;
    progress(`the server answers at ${base}${reach ? ` and ${reach.lan.base} (LAN), ${reach.wan.base} (WAN)` : ''}`);
    return { lab: l, base, reach, adminPassword, stateDir, stop };
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
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!login.ok) throw new Error(`login as ${username} failed: ${login.status} ${await login.text()}`);
  const cookie = String(login.headers.get('set-cookie')).split(';')[0] as string;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { cookie, csrfToken, headers: { cookie, 'x-gatehouse-csrf': csrfToken, 'content-type': 'application/json' } };
}
