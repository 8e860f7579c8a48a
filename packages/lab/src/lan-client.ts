/**
 * A second host on the lab's LAN segment: a LAN client (default
 * 192.168.1.3) next to the server, for NAT reflection (hairpin) tests.
 *
 * The lab's LAN is one veth pair, gateway eth1 <-> server eth0. To put a
 * third host on that segment without changing the gateway (its LAN
 * interface stays `eth1` with 192.168.1.1, so models and other tests are
 * untouched), the server namespace becomes the segment's switch: a bridge
 * `br0` there takes the server's `eth0` (the gateway's link) and a new veth
 * to the LAN client, and the server's address moves from `eth0` to `br0`
 * (vsftpd keeps listening: its sockets are bound to the address, which is
 * back within milliseconds). The LAN client then reaches the server
 * directly at layer 2, exactly what makes hairpin NAT need its SNAT.
 *
 * The LAN client is its own namespace (`ghl-<pid>-<hex>`, cleaned as stale
 * like every createNetns one); `view` is a Lab handle whose `client` is the
 * LAN client, so ftpFetch/ftpsFetch/tcpBanner run from it unchanged.
 */
import { execa } from 'execa';
import { LAB_ADDR } from './constants.js';
import { attachLab, type Lab, labInfo } from './lab.js';
import { createNetns, type Netns } from './netns.js';

export interface LanClientOptions {
  /** Address on the lab LAN (192.168.1.0/24). Default 192.168.1.3. */
  address?: string;
}

export interface LanClient {
  /** The LAN client's namespace. */
  readonly ns: string;
  readonly address: string;
  /** The lab seen from the LAN client: its `client` is the LAN client (gateway and server unchanged). */
  readonly view: Lab;
  /** Ends the LAN client's processes and deletes its namespace (the bridge goes with the lab). Idempotent. */
  destroy(): Promise<void>;
}

const STEP_TIMEOUT_MS = 15_000;

async function batch(ns: string, lines: string[]): Promise<void> {
  const r = await execa('ip', ['-n', ns, '-batch', '-'], {
    input: `${lines.join('\n')}\n`,
    timeout: STEP_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`lan client: ip -n ${ns} -batch failed: ${r.stderr.trim()}`);
}

/**
 * Adds a LAN client to a live lab (created by this process, with or without
 * servers) on the gateway's LAN segment, default route via the gateway's LAN
 * address. Remove it with destroy() before or after lab.destroy().
 */
export async function addLanClient(lab: Lab, opts: LanClientOptions = {}): Promise<LanClient> {
  const address = opts.address ?? '192.168.1.3';
  if (!/^192\.168\.1\.(\d{1,3})$/.test(address) || [LAB_ADDR.gatewayLan, LAB_ADDR.server].includes(address as never))
    throw new Error(`lan client: ${address} is not a free address of 192.168.1.0/24`);
  const netns: Netns = createNetns('ghl', { loopback: true });
  const view = attachLab({ ...labInfo(lab), ns: { ...lab.ns, client: netns.name } });
  try {
    const sysctl = await execa(
      'ip',
      ['netns', 'exec', netns.name, 'sysctl', '-q', '-e', '-w', 'net.ipv6.conf.all.disable_ipv6=1'],
      { reject: false, timeout: STEP_TIMEOUT_MS, stdin: 'ignore' },
    );
    if (sysctl.exitCode !== 0) throw new Error(`lan client: sysctl failed: ${sysctl.stderr.trim()}`);
    const server = lab.ns.server;
    const bridged = await execa('ip', ['-n', server, 'link', 'show', 'br0'], { reject: false, stdin: 'ignore' });
    const port = `lan${address.split('.')[3]}`;
    await batch(server, [
      ...(bridged.exitCode === 0
        ? []
        : [
            'link add br0 type bridge',
            'link set br0 up',
            'link set eth0 master br0',
            `addr del ${LAB_ADDR.server}/24 dev eth0`,
            `addr add ${LAB_ADDR.server}/24 dev br0`,
          ]),
      `link add ${port} type veth peer name eth0 netns ${netns.name}`,
      `link set ${port} master br0`,
      `link set ${port} up`,
    ]);
    await batch(netns.name, [
      `addr add ${address}/24 dev eth0`,
      'link set eth0 up',
      `route add default via ${LAB_ADDR.gatewayLan}`,
    ]);
  } catch (err) {
    netns.destroy();
    throw err;
  }
  let done: Promise<void> | undefined;
  return {
    ns: netns.name,
    address,
    view,
    destroy() {
      done ??= (async () => {
        await view.destroy();
        netns.destroy();
      })();
      return done;
    },
  };
}
