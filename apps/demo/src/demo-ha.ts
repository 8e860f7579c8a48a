/**
 * `npm run demo -- --ha` (issue #16): the HA pair in the pair lab, managed
 * as one. Five namespaces (client, gw-a, gw-b, server, a switch with the WAN
 * and LAN bridges) and a sync link; a real panel in each gateway namespace
 * with its keepalived and conntrackd (packages/lab pair-panels.ts, the same
 * launcher the pair lab test uses); the pair model applied once through
 * gw-a's panel, which puts it on both nodes; a looping rate-limited FTP
 * download from the client through the WAN virtual address, so a failover
 * can be watched live in Connections (node gw-a / gw-b) while the download
 * carries on.
 *
 * The panels are relayed to the host's 127.0.0.1:8080 (gw-a) and :8081
 * (gw-b) as in the one-gateway demo: each server relays a Unix socket to its
 * port in its namespace (lab-panel-entry.ts) and this process pipes the
 * host's port to that socket. No interface, route or firewall rule is added
 * on the host. Every start-up step prints a line and has a deadline; Ctrl-C
 * removes everything.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createPairLab,
  PAIR_ADDR,
  PAIR_BIG_FILE,
  PAIR_NODE_NAMES,
  PAIR_PANEL_PORT,
  type PairLab,
  type PairNode,
  type PairPanels,
  startPairPanels,
  waitForHttp,
} from '@gatehouse/lab';
import { listenRelay } from './lab-panel.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const NODES = ['gwA', 'gwB'] as const;

function log(msg: string): void {
  process.stdout.write(`[demo --ha] ${msg}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One start-up step: a line when it starts, and an error naming it when it outlives its deadline. */
async function step<T>(what: string, deadlineMs: number, run: () => Promise<T>): Promise<T> {
  log(`${what} ...`);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${deadlineMs / 1000} s`)), deadlineMs);
  });
  try {
    return await Promise.race([run(), late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function demoHa(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the demo creates network namespaces: run it as root');
  const firstPort = Number(process.env.GATEHOUSE_DEMO_PORT ?? '8080');
  const hostPort: Record<PairNode, number> = { gwA: firstPort, gwB: firstPort + 1 };
  const password = process.env.GATEHOUSE_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  const peerToken = randomBytes(24).toString('base64url');
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-demo-ha-'));
  const socket = (node: PairNode) => join(work, `${PAIR_NODE_NAMES[node]}.sock`);

  let lab: PairLab | undefined;
  let panels: PairPanels | undefined;
  const relays: Server[] = [];
  const relayed = new Set<Socket>();
  let stopping = false;
  const cleanup = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping: removing the pair lab');
    for (const r of relays) r.close();
    for (const s of relayed) s.destroy();
    await panels?.stop().catch(() => undefined);
    await lab?.destroy().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void cleanup(0));
  process.on('SIGTERM', () => void cleanup(0));

  try {
    const t0 = Date.now();
    const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    log(
      `pair lab: client ${PAIR_ADDR.client}, gw-a ${PAIR_ADDR.gwA.wan}/${PAIR_ADDR.gwA.lan}, gw-b ${PAIR_ADDR.gwB.wan}/${PAIR_ADDR.gwB.lan}, ` +
        `virtual ${PAIR_ADDR.wanVip} (WAN) and ${PAIR_ADDR.lanVip} (LAN), FTP server ${PAIR_ADDR.server}`,
    );
    // 200 kB/s: the 2 MiB file takes ~10 s, long enough to fail over in the middle of one.
    const l = await step('creating the pair lab (5 namespaces, 2 bridges, the sync link, vsftpd)', 60_000, () =>
      createPairLab({ ftpRate: 200_000 }),
    );
    lab = l;
    const p = await step('starting a panel in each gateway, with its keepalived and conntrackd', 60_000, () =>
      startPairPanels(l, {
        entry: join(HERE, 'lab-panel-entry.js'),
        work: join(work, 'panels'),
        adminPassword: password,
        peerToken,
        output: 'inherit',
        nodeEnv: (node) => ({ LAB_PANEL_SOCKET: socket(node), LAB_PANEL_PORT: String(PAIR_PANEL_PORT) }),
      }),
    );
    panels = p;
    log(`both panels answer (${elapsed()})`);
    const how = await step('applying the pair model once, through gw-a', 90_000, () =>
      p.applyPair('demo: the pair, FTP passive only'),
    );
    log(`${how} (${elapsed()})`);
    await step('waiting for gw-a (priority 150) to take the virtual addresses', 30_000, () => p.waitMaster('gwA'));
    for (const node of NODES) {
      const port = hostPort[node];
      await step(`relaying ${PAIR_NODE_NAMES[node]}'s panel to 127.0.0.1:${port}`, 15_000, async () => {
        relays.push(await listenRelay(port, socket(node), relayed));
        await waitForHttp(`http://127.0.0.1:${port}/api/v1/health`, 10_000);
      });
    }
    const token = await step('making an admin API token on gw-a for the printed curl', 15_000, () =>
      p.adminToken('gwA'),
    );
    void downloadLoop(l, join(work, 'download.bin'), () => stopping);

    const url = (node: PairNode) => `http://127.0.0.1:${hostPort[node]}`;
    process.stdout.write(
      [
        '',
        `  Gatehouse HA demo is running (${elapsed()}).`,
        `  gw-a panel:  ${url('gwA')}/   (priority 150: MASTER at start)`,
        `  gw-b panel:  ${url('gwB')}/   (priority 100)`,
        `  Login:       admin / ${password}   (both panels)`,
        `  Traffic:     client ${PAIR_ADDR.client} downloads ftp://${PAIR_ADDR.wanVip}/${PAIR_BIG_FILE.name} in a loop (passive, ~10 s each)`,
        '  Watch:       Pair (which node is MASTER, sync statistics), Connections (node gw-a / gw-b)',
        '  Fail over:   the Pair page\'s "Fail over" button on gw-a, or',
        `               curl -s -X POST -H 'authorization: Bearer ${token}' ${url('gwA')}/api/v1/pair/failover`,
        '  Take back:   the Pair page\'s "Resume" on gw-a, or the same curl with /pair/resume',
        `  Namespaces:  ${Object.values(l.ns).join(', ')}`,
        '  Ctrl-C removes everything.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`demo --ha: ${err instanceof Error ? err.message : String(err)}\n`);
    await cleanup(1);
  }
}

/** The client's FTP download through the WAN virtual address, again and again; each result is printed. */
async function downloadLoop(lab: PairLab, out: string, stopped: () => boolean): Promise<void> {
  const url = `ftp://${PAIR_ADDR.wanVip}/${PAIR_BIG_FILE.name}`;
  for (let round = 1; !stopped(); round++) {
    const started = Date.now();
    try {
      const r = await lab.exec(
        'client',
        'curl',
        ['-sS', '--ftp-pasv', '--disable-epsv', '--max-time', '60', '--speed-limit', '1', '--speed-time', '15'].concat([
          '-o',
          out,
          url,
        ]),
        { reject: false, timeoutMs: 70_000 },
      );
      if (stopped()) return;
      const ok = r.exitCode === 0 && sha(readFileSync(out)) === sha(lab.bigFile);
      const took = ((Date.now() - started) / 1000).toFixed(1);
      log(
        `download ${round}: ${ok ? 'complete, checksum matches' : `failed (${r.stderr.trim() || `exit ${r.exitCode}`})`} (${took} s)`,
      );
      if (!ok) await sleep(2000);
    } catch (err) {
      if (stopped()) return;
      log(`download ${round}: ${err instanceof Error ? err.message : String(err)}`);
      await sleep(2000);
    }
  }
}
