/**
 * A pair's virtual addresses while they move (render/ha-pickup.ts): a TCP
 * segment in the middle of a flow the node does not know (the peer's flow,
 * not committed yet) must be dropped, not answered with a reset that kills
 * the transfer. Two namespaces on a veth: "gw" holds the WAN virtual address
 * and loads the pair's ruleset; "peer" sends one bare ACK to it from a raw
 * socket (python3) and watches for a reset. The other way: the same gateway
 * without the pair (no such chain) answers with a reset; and a SYN, a
 * connection's first segment, still gets one with the pair's ruleset (only
 * mid-flow segments are held back), as do mid-flow segments to the node's
 * own address.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, GatewayModel } from '../src/index.js';
import { createNetns, type TestNetns } from './support/netns.js';

const VIP = '10.77.0.1';
const OWN = '10.77.0.3';
const PEER = '10.77.0.2';

const GOLDEN = JSON.parse(readFileSync(join(import.meta.dirname, 'goldens', 'ha-pair.json'), 'utf8')).model;
function pairModel(): GatewayModel {
  const m = structuredClone(GOLDEN);
  m.ha.vrrp.wan.address = `${VIP}/24`;
  return GatewayModel.parse(m);
}
const { ha: _ha, ...single } = pairModel();
const SINGLE = GatewayModel.parse(single);

/** One TCP segment from a raw socket; prints "rst" if the address answers with a reset within 1.5 s, else "none". */
const PROBE = `
import socket, struct, sys, time
src, dst, dport, flags = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sport = 40000 + int(time.time() * 1000) % 20000
def csum(b):
    if len(b) % 2: b += b'\\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
tcp = struct.pack('!HHIIBBHHH', sport, dport, 1000, 2000, 5 << 4, flags, 65535, 0, 0)
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 6, len(tcp))
tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
r.settimeout(0.2)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
s.sendto(tcp, (dst, 0))
end = time.time() + 1.5
while time.time() < end:
    try:
        data, addr = r.recvfrom(65535)
    except socket.timeout:
        continue
    t = data[(data[0] & 15) * 4:]
    sp, dp = struct.unpack('!HH', t[:4])
    if addr[0] == dst and sp == dport and dp == sport and t[13] & 0x04:
        print('rst'); sys.exit(0)
print('none')
`;

const ACK = 0x10;
const SYN = 0x02;

let gw: TestNetns;
let peer: TestNetns;

const inNs = (ns: TestNetns, cmd: string, args: string[], input?: string) =>
  execFileSync('ip', ['netns', 'exec', ns.name, cmd, ...args], { encoding: 'utf8', input, timeout: 15_000 });

/** Whether `to`:`port` answers one segment with `flags` from the peer with a reset. */
const answersWithReset = (to: string, flags: number, port = 8021) =>
  inNs(peer, 'python3', ['-c', PROBE, PEER, to, String(port), String(flags)]).trim() === 'rst';

function load(model: GatewayModel): void {
  inNs(gw, 'nft', ['-f', '-'], compile(model));
}

beforeAll(() => {
  gw = createNetns('pickup');
  peer = createNetns('pickup');
  execFileSync('ip', [
    'link',
    'add',
    'gw0',
    'netns',
    gw.name,
    'type',
    'veth',
    'peer',
    'name',
    'peer0',
    'netns',
    peer.name,
  ]);
  inNs(gw, 'ip', ['addr', 'add', `${VIP}/24`, 'dev', 'gw0']);
  inNs(gw, 'ip', ['addr', 'add', `${OWN}/24`, 'dev', 'gw0']);
  inNs(peer, 'ip', ['addr', 'add', `${PEER}/24`, 'dev', 'peer0']);
  for (const ns of [gw, peer]) {
    inNs(ns, 'ip', ['link', 'set', 'lo', 'up']);
  }
  inNs(gw, 'ip', ['link', 'set', 'gw0', 'up']);
  inNs(peer, 'ip', ['link', 'set', 'peer0', 'up']);
});

afterAll(() => {
  gw?.destroy();
  peer?.destroy();
});

describe('a mid-flow segment to a virtual address whose flow is not committed yet', () => {
  it('one gateway answers it with a reset (the transfer would die)', () => {
    load(SINGLE);
    expect(answersWithReset(VIP, ACK)).toBe(true);
  });

  it('a pair node drops it: no reset, the sender retransmits into the committed flow', () => {
    load(pairModel());
    expect(answersWithReset(VIP, ACK)).toBe(false);
  });

  it('a pair node still answers a SYN, and mid-flow segments to its own address, as one gateway does', () => {
    load(pairModel());
    expect({ syn: answersWithReset(VIP, SYN), ownAddress: answersWithReset(OWN, ACK) }).toEqual({
      syn: true,
      ownAddress: true,
    });
  });
});
