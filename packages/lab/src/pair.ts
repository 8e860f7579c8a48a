/**
 * The pair lab (issue #16): two gateways in front of one server, as an HA
 * pair is cabled. A switch namespace holds two bridges, the WAN segment
 * (the client and both gateways' eth0) and the LAN segment (the server and
 * both gateways' eth1); the gateways also share a dedicated sync link (eth2,
 * a direct veth) for conntrackd. Each gateway has its own addresses; the
 * virtual addresses (192.0.2.200 on the WAN, 192.168.1.1 on the LAN, as in the
 * one-gateway lab, except the public one, below) are not configured here:
 * keepalived moves them. The
 * client's default route is the WAN virtual address; the server has no
 * route to the public side, as in the one-gateway lab.
 *
 * A "cable pull" takes a gateway's port on a bridge down (linkDown), which is
 * what a failed node looks like to its neighbours.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_FILES, PASV_PORT_RANGE } from './constants.js';
import { LabImpl, setupStep } from './lab.js';
import { atProcessEnd, createNetns } from './netns.js';
import { WAIT_PORTS } from './scripts.js';
import { ftpUser, vsftpdConfig } from './vsftpd.js';

export type PairWhere = 'client' | 'gwA' | 'gwB' | 'server' | 'switch';
export type PairNode = 'gwA' | 'gwB';

export const PAIR_ADDR = {
  client: '192.0.2.101',
  server: '192.168.1.2',
  /**
   * The virtual addresses keepalived moves between the nodes. The public one
   * is as long, written out, as the server's (192,0,2,200 and 192,168,1,2 in
   * a 227 reply): then the FTP helper's rewrite keeps the control
   * connection's length, and no sequence adjustment has to survive a
   * failover, which conntrackd does not carry (docs/ha.md; ha-failover.test.ts
   * shows both).
   */
  wanVip: '192.0.2.200',
  lanVip: '192.168.1.1',
  gwA: { wan: '192.0.2.3', lan: '192.168.1.253', sync: '10.9.0.1' },
  gwB: { wan: '192.0.2.4', lan: '192.168.1.254', sync: '10.9.0.2' },
} as const;

/** Interface names inside each gateway namespace. */
export const PAIR_IFACE = { wan: 'eth0', lan: 'eth1', sync: 'eth2' } as const;

/** A file large enough that a rate-limited download is still running when a node fails. */
export const PAIR_BIG_FILE = { name: 'big.bin', bytes: 2 * 1024 * 1024 } as const;

export interface CreatePairLabOptions {
  /** vsftpd's anon_max_rate in bytes/s (0: unlimited). Default 300 000: the big file takes ~7 s. */
  ftpRate?: number;
  readyTimeoutMs?: number;
}

export type PairLab = LabImpl<PairWhere> & {
  readonly addr: typeof PAIR_ADDR;
  /** The big file's exact bytes, to compare a download with. */
  readonly bigFile: Buffer;
  /** Takes a node's port(s) on the switch down: to its neighbours the node is gone. */
  linkDown(node: PairNode, which?: 'wan' | 'lan' | 'both'): Promise<void>;
  linkUp(node: PairNode, which?: 'wan' | 'lan' | 'both'): Promise<void>;
};

/** Switch-side port names: <node letter><0 wan|1 lan>, `c0` the client, `s1` the server. */
const SWITCH_PORT = { gwA: { wan: 'a0', lan: 'a1' }, gwB: { wan: 'b0', lan: 'b1' } } as const;

const ip = (args: string[]) => setupStep('ip', args);
const batch = (ns: string, lines: string[]) => setupStep('ip', ['-n', ns, '-batch', '-'], `${lines.join('\n')}\n`);

async function buildPairNetwork(lab: LabImpl<PairWhere>): Promise<void> {
  const { client, gwA, gwB, server, switch: sw } = lab.ns;
  for (const name of [sw, client, gwA, gwB, server]) lab.created.push(createNetns('gh', { name, loopback: false }));
  const sysctl = (ns: string, extra: string[]) =>
    ip(['netns', 'exec', ns, 'sysctl', '-q', '-e', '-w', 'net.ipv6.conf.all.disable_ipv6=1', ...extra]);
  await Promise.all([
    sysctl(sw, []),
    sysctl(client, []),
    sysctl(server, []),
    sysctl(gwA, ['net.ipv4.ip_forward=1']),
    sysctl(gwB, ['net.ipv4.ip_forward=1']),
  ]);
  await batch(sw, ['link set lo up', 'link add br-wan type bridge', 'link add br-lan type bridge']);
  // Every veth is created inside a namespace: nothing appears in the host's.
  const cable = (ns: string, ifname: string, port: string) =>
    ip(['-n', sw, 'link', 'add', port, 'type', 'veth', 'peer', 'name', ifname, 'netns', ns]);
  await cable(client, 'eth0', 'c0');
  await cable(server, 'eth0', 's1');
  for (const node of ['gwA', 'gwB'] as const) {
    await cable(lab.ns[node], PAIR_IFACE.wan, SWITCH_PORT[node].wan);
    await cable(lab.ns[node], PAIR_IFACE.lan, SWITCH_PORT[node].lan);
  }
  await ip(['-n', gwA, 'link', 'add', PAIR_IFACE.sync, 'type', 'veth', 'peer', 'name', PAIR_IFACE.sync, 'netns', gwB]);
  await batch(sw, [
    ...['c0', 'a0', 'b0'].flatMap((p) => [`link set ${p} master br-wan`, `link set ${p} up`]),
    ...['s1', 'a1', 'b1'].flatMap((p) => [`link set ${p} master br-lan`, `link set ${p} up`]),
    'link set br-wan up',
    'link set br-lan up',
  ]);
  const node = (name: PairNode) => [
    'link set lo up',
    `addr add ${PAIR_ADDR[name].wan}/24 dev ${PAIR_IFACE.wan}`,
    `addr add ${PAIR_ADDR[name].lan}/24 dev ${PAIR_IFACE.lan}`,
    `addr add ${PAIR_ADDR[name].sync}/24 dev ${PAIR_IFACE.sync}`,
    ...Object.values(PAIR_IFACE).map((i) => `link set ${i} up`),
  ];
  await Promise.all([
    batch(client, [
      'link set lo up',
      `addr add ${PAIR_ADDR.client}/24 dev eth0`,
      'link set eth0 up',
      `route add default via ${PAIR_ADDR.wanVip}`,
    ]),
    batch(gwA, node('gwA')),
    batch(gwB, node('gwB')),
    // No default route: replies to the public side only work through the gateways' SNAT.
    batch(server, ['link set lo up', `addr add ${PAIR_ADDR.server}/24 dev eth0`, 'link set eth0 up']),
  ]);
}

async function startFtp(lab: LabImpl<PairWhere>, rate: number, readyTimeoutMs: number): Promise<Buffer> {
  const root = join(lab.dir, 'ftp-root');
  const empty = join(lab.dir, 'empty');
  await mkdir(root, { mode: 0o755 });
  await mkdir(empty, { mode: 0o755 });
  await chmod(lab.dir, 0o755);
  const big = randomBytes(PAIR_BIG_FILE.bytes);
  const files: Record<string, string | Buffer> = { ...LAB_FILES, [PAIR_BIG_FILE.name]: big };
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(root, name), content, { mode: 0o644 });
  }
  const conf = join(lab.dir, 'vsftpd-21.conf');
  const base = vsftpdConfig({ port: 21, root, empty, log: join(lab.dir, 'vsftpd-21.log'), user: await ftpUser() });
  await writeFile(conf, `${base}anon_max_rate=${rate}\n`, { mode: 0o600 });
  lab.spawn('server', '/usr/sbin/vsftpd', [conf], { stdin: 'ignore' });
  const r = await lab.exec(
    'server',
    process.execPath,
    ['-e', WAIT_PORTS, '--', String(readyTimeoutMs), `${PAIR_ADDR.server}:21`],
    { timeoutMs: readyTimeoutMs + 5000, reject: false },
  );
  if (r.exitCode !== 0) throw new Error(`pair lab ${lab.id}: vsftpd did not accept connections: ${r.stderr}`);
  return big;
}

/**
 * Builds the pair lab and starts vsftpd on the server (21, passive range
 * 30000-30999, the big file rate-limited). On failure everything created so
 * far is removed.
 */
export async function createPairLab(opts: CreatePairLabOptions = {}): Promise<PairLab> {
  const tag = `${process.pid}-${randomBytes(2).toString('hex')}`;
  // `gh<role>-<pid>-<hex>`: stale ones are recognised by their dead owner (netns.ts).
  const ns: Record<PairWhere, string> = {
    client: `ghpcl-${tag}`,
    gwA: `ghpga-${tag}`,
    gwB: `ghpgb-${tag}`,
    server: `ghpsv-${tag}`,
    switch: `ghpsw-${tag}`,
  };
  const lab = new LabImpl<PairWhere>(`ghp-${tag}`, ns, join(tmpdir(), `gatehouse-lab-gh-${tag}`));
  lab.untilEnd = atProcessEnd(() => lab.destroySync());
  try {
    await mkdir(lab.dir, { mode: 0o755 });
    lab.dirCreated = true;
    await buildPairNetwork(lab);
    const bigFile = await startFtp(lab, opts.ftpRate ?? 300_000, opts.readyTimeoutMs ?? 15_000);
    const setLinks = async (node: PairNode, which: 'wan' | 'lan' | 'both', state: 'up' | 'down') => {
      const ports = which === 'both' ? ['wan', 'lan'] : [which];
      await batch(
        ns.switch,
        ports.map((p) => `link set ${SWITCH_PORT[node][p as 'wan' | 'lan']} ${state}`),
      );
    };
    return Object.assign(lab, {
      addr: PAIR_ADDR,
      bigFile,
      linkDown: (node: PairNode, which: 'wan' | 'lan' | 'both' = 'both') => setLinks(node, which, 'down'),
      linkUp: (node: PairNode, which: 'wan' | 'lan' | 'both' = 'both') => setLinks(node, which, 'up'),
    });
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}

/** Passive range of the pair lab's vsftpd (the same as the one-gateway lab's). */
export const PAIR_PASV_RANGE = PASV_PORT_RANGE;
