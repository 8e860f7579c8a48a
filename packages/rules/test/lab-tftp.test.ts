/**
 * The TFTP helper, proven with real traffic (issue #13.4): in.tftpd on the
 * lab server (192.168.1.2:69), the tftp-hpa client on the public side, a UDP
 * forward 69 through the real nftables gateway. Without the helper the
 * transfer times out: the server answers from a new port, a flow conntrack
 * does not know, so masquerade leaves it addressed to the gateway's LAN side.
 * With the helper the read request creates an expectation (seen in
 * `conntrack -L expect`), the data flow is related to its master and NATed
 * back to the client, and the file arrives intact.
 */
import {
  createLab,
  LAB_ADDR,
  LAB_TFTP_FILES,
  type Lab,
  startTftpServer,
  type TftpServer,
  tftpGet,
} from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { probeHelperKind } from '../src/helper-kernel.js';
import { GatewayModel, type GatewayModelInput } from '../src/model.js';
import { applyRuleset } from '../src/nft.js';
import { createRunner, type Runner } from '../src/runner.js';
import { requireRoot } from './support/netns.js';

const FAIL_FAST = 3; // seconds: a failed transfer is a timeout, keep it short
const FILE = 'boot.txt';

function labModel(tftp: GatewayModelInput['tftp'], forwards?: GatewayModelInput['forwards']) {
  return GatewayModel.parse({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
    forwards: forwards ?? [
      { id: 'tftp', name: 'TFTP', protocol: 'udp', publicPorts: '69', target: LAB_ADDR.server },
      {
        id: 'tftp-alt',
        name: 'TFTP alt',
        protocol: 'udp',
        publicPorts: '6969',
        targetPort: 69,
        target: LAB_ADDR.server,
      },
    ],
    masquerade: { forwardedServers: true, lanToWan: true },
    tftp,
  });
}

describe('TFTP through the lab gateway', () => {
  let lab: Lab;
  let gw: Runner;
  let server: TftpServer;
  const apply = async (m: GatewayModel) => {
    await applyRuleset(compile(m), { runner: gw });
    // Each case starts from an empty table: no flow or expectation from the one before.
    await gw.run('conntrack', ['-F'], { reject: false });
    await gw.run('conntrack', ['-F', 'expect'], { reject: false });
  };

  beforeAll(async () => {
    requireRoot();
    lab = await createLab({ ftpPorts: [21] });
    gw = createRunner({ netns: lab.ns.gateway });
    server = await startTftpServer(lab);
  }, 60_000);
  afterAll(async () => {
    await lab?.destroy();
  });

  it('the kernel check finds both TFTP modules, as a module or built in', async () => {
    const state = await probeHelperKind('tftp');
    expect(state.conntrack?.state, JSON.stringify(state)).toMatch(/^(loaded|builtin)$/);
    expect(state.nat?.state, JSON.stringify(state)).toMatch(/^(loaded|builtin)$/);
  });

  it('the server itself serves the file (on the LAN, from the gateway, no NAT involved)', async () => {
    const direct = await tftpGet(lab, { from: 'gateway', host: LAB_ADDR.server, file: FILE });
    expect(direct.ok, direct.transcript).toBe(true);
    expect(direct.body).toBe(LAB_TFTP_FILES[FILE]);
  });

  it('without the helper: the request is forwarded, the reply from a new server port is lost, the get times out', async () => {
    await apply(labModel({ enabled: false }));
    const got = await tftpGet(lab, { file: FILE, timeoutSec: FAIL_FAST });
    expect(got.ok).toBe(false);
    expect(got.timedOut, got.transcript).toBe(true);
    expect(got.body).toBe('');
    // The request reached the server (the forward works), and its reply came from another port:
    // a new flow to the gateway's masquerade address, not NATed back to the client.
    const flows = (await gw.run('conntrack', ['-L', '-p', 'udp'], { reject: false })).stdout;
    expect(flows).toMatch(new RegExp(`src=${LAB_ADDR.client} dst=${LAB_ADDR.gatewayWan} sport=\\d+ dport=69 `));
    expect(flows).toMatch(
      new RegExp(`src=${LAB_ADDR.server} dst=${LAB_ADDR.gatewayLan} sport=(?!69 )\\d+ dport=\\d+ \\[UNREPLIED\\]`),
    );
    expect(flows).not.toMatch(/helper=tftp/);
  });

  it('with the helper: the get works, the file is intact, the expectation and the related data flow are in conntrack', async () => {
    await apply(labModel({ enabled: true }));
    // Hold the request unanswered a moment so the expectation can be listed before its data flow consumes it.
    server.pause();
    let resumed = false;
    try {
      const pending = tftpGet(lab, { file: FILE });
      let expectations = '';
      for (let i = 0; i < 40 && !/helper=tftp/.test(expectations); i++) {
        await new Promise((r) => setTimeout(r, 50));
        expectations = (await gw.run('conntrack', ['-L', 'expect'], { reject: false })).stdout;
      }
      // Expected: the server's reply from any port (sport=0 mask 0) to the gateway's address and the client's port.
      expect(expectations).toMatch(
        new RegExp(
          `proto=17 src=${LAB_ADDR.server} dst=${LAB_ADDR.gatewayLan} sport=0 dport=\\d+ .*master-src=${LAB_ADDR.client} master-dst=${LAB_ADDR.gatewayWan} sport=\\d+ dport=69 .*helper=tftp`,
        ),
      );
      server.resume();
      resumed = true;
      const got = await pending;
      expect(got.ok, got.transcript).toBe(true);
      expect(got.body).toBe(LAB_TFTP_FILES[FILE]);
    } finally {
      if (!resumed) server.resume();
    }
    const flows = (await gw.run('conntrack', ['-L', '-p', 'udp'], { reject: false })).stdout;
    // The control flow carries the helper; the data flow's reply side is the client: NATed back.
    expect(flows).toMatch(
      new RegExp(`src=${LAB_ADDR.client} dst=${LAB_ADDR.gatewayWan} sport=\\d+ dport=69 .*helper=tftp`),
    );
    expect(flows).toMatch(
      new RegExp(
        `src=${LAB_ADDR.server} dst=${LAB_ADDR.gatewayLan} sport=\\d+ dport=\\d+ src=${LAB_ADDR.client} dst=${LAB_ADDR.gatewayWan} `,
      ),
    );
    // The expectation was consumed by the data flow.
    expect((await gw.run('conntrack', ['-L', 'expect'], { reject: false })).stdout).not.toMatch(/helper=tftp/);
  });

  it('the helper works on the ports it is set for only: a shifted public port (6969 -> 69) is helped by server port 69', async () => {
    await apply(labModel({ enabled: true, ports: [69] }));
    const shifted = await tftpGet(lab, { port: 6969, file: FILE });
    expect(shifted.ok, shifted.transcript).toBe(true);
    expect(shifted.body).toBe(LAB_TFTP_FILES[FILE]);

    // Scoped to another server, the helper leaves 192.168.1.2 alone: the get fails again.
    await apply(
      labModel({ enabled: true, servers: ['192.168.1.9'] }, [
        { id: 'tftp', name: 'TFTP', protocol: 'udp', publicPorts: '69', target: LAB_ADDR.server },
        { id: 'other', name: 'other', protocol: 'udp', publicPorts: '7069', targetPort: 69, target: '192.168.1.9' },
      ]),
    );
    const unscoped = await tftpGet(lab, { file: FILE, timeoutSec: FAIL_FAST });
    expect(unscoped.ok).toBe(false);
    expect(unscoped.timedOut, unscoped.transcript).toBe(true);
  });
});
