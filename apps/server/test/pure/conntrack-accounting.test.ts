/**
 * Packets, bytes and age of a flow (nf_conntrack_acct / nf_conntrack_timestamp),
 * the forward a flow came through, the panel's own connections, and filters
 * that keep an FTP data flow with its control flow. Lines are real
 * `conntrack -L -o id` output of conntrack-tools 1.4.7 with both sysctls on
 * (captured in a namespace), and the lab's FTP flows from the shared fixtures.
 */
import { readFileSync } from 'node:fs';
import type { GatewayModel } from '@gatehouse/rules';
import { renderPersistence, validateModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { FlowAttribution, ForwardIndex, LocalAddresses, parseIpAddr } from '../../src/conntrack/attribution.js';
import { type Flow, parseExpectationLine, parseFlowLine } from '../../src/conntrack/parse.js';
import { ConntrackTable } from '../../src/conntrack/table.js';

/** Captured with both sysctls on: counters after each tuple, delta-time (seconds since start) before use=. */
const ACCT_UDP =
  'udp      17 29 src=127.0.0.1 dst=127.0.0.1 sport=59429 dport=9999 packets=2 bytes=206 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=9999 dport=59429 packets=0 bytes=0 mark=0 delta-time=0 use=1 id=3870119422';
const ACCT_TCP =
  'tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=56318 dport=8888 packets=4 bytes=221 src=127.0.0.1 dst=127.0.0.1 sport=8888 dport=56318 packets=3 bytes=170 [ASSURED] mark=0 delta-time=0 use=1 id=2350428601';
/** `-o extended,id,ktimestamp`: the same plus the layer-3 prefix and the start as local time. */
const ACCT_TCP_EXTENDED =
  'ipv4     2 tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=56318 dport=8888 packets=4 bytes=221 src=127.0.0.1 dst=127.0.0.1 sport=8888 dport=56318 packets=3 bytes=170 [ASSURED] mark=0 delta-time=7260 [start=Mon Nov 30 09:21:51 2026] use=1 id=2350428601';
/** A NEW event: events carry neither counters nor a start time. */
const NEW_EVENT =
  '    [NEW] tcp      6 120 SYN_SENT src=127.0.0.1 dst=127.0.0.1 sport=56318 dport=8888 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=8888 dport=56318 id=2350428601';

const FIXTURES = '/work/shared/fixtures/conntrack';
const fixture = (name: string) => readFileSync(`${FIXTURES}/${name}`, 'utf8').split('\n');

const flowOf = (line: string): Flow => {
  const p = parseFlowLine(line);
  if (!p) throw new Error(`not a flow line: ${line}`);
  return p.flow;
};

describe('parsing accounting and timestamps', () => {
  it('reads packets and bytes of both directions and the age', () => {
    expect(flowOf(ACCT_TCP)).toMatchObject({
      id: '2350428601',
      state: 'ESTABLISHED',
      original: { src: '127.0.0.1', sport: 56318, dport: 8888 },
      reply: { sport: 8888, dport: 56318 },
      counters: { origPackets: 4, origBytes: 221, replyPackets: 3, replyBytes: 170 },
      age: 0,
      assured: true,
      mark: 0,
    });
    expect(flowOf(ACCT_UDP)).toMatchObject({
      counters: { origPackets: 2, origBytes: 206, replyPackets: 0, replyBytes: 0 },
      unreplied: true,
      timeout: 29,
    });
    expect(flowOf(ACCT_TCP_EXTENDED)).toMatchObject({ age: 7260, counters: { replyBytes: 170 }, id: '2350428601' });
  });

  it('leaves counters and age null when the line has none', () => {
    expect(flowOf(NEW_EVENT)).toMatchObject({ counters: null, age: null, state: 'SYN_SENT' });
    const plain = fixture('list-flows.txt').filter((l) => l.trim() !== '')[0] as string;
    expect(flowOf(plain)).toMatchObject({ counters: null, age: null });
  });
});

describe('counters and age in the index', () => {
  it('keeps a dump line counters in the columns, and an event without counters does not erase them', () => {
    let now = 1_000_000;
    const t = new ConntrackTable(() => now);
    t.replaceFlows([flowOf(ACCT_TCP_EXTENDED)]);
    const e = t.flows.get('2350428601');
    expect(e).toMatchObject({
      counters: { origPackets: 4, origBytes: 221, replyPackets: 3, replyBytes: 170 },
      age: 7260,
    });
    now += 5000;
    expect(t.flows.get('2350428601')?.age).toBe(7265);
    const upd = flowOf(NEW_EVENT.replace('[NEW]', '[UPDATE]'));
    t.applyFlowEvent('update', upd);
    expect(t.flows.get('2350428601')).toMatchObject({ counters: { origBytes: 221 }, age: 7265 });
    // A later dump's counters replace them (updateCounters touches nothing else).
    t.updateCounters(flowOf(ACCT_TCP_EXTENDED.replace('bytes=221', 'bytes=9000')));
    expect(t.flows.get('2350428601')).toMatchObject({ counters: { origBytes: 9000 }, state: 'SYN_SENT' });
    // A line for a flow the index does not hold is ignored.
    t.updateCounters(flowOf(ACCT_UDP));
    expect(t.flows.size).toBe(1);
  });

  it('starts a flow first seen by its NEW event at that moment', () => {
    let now = 5_000_000;
    const t = new ConntrackTable(() => now);
    t.applyFlowEvent('new', flowOf(NEW_EVENT));
    now += 61_000;
    expect(t.flows.get('2350428601')).toMatchObject({ age: 61, counters: null });
  });

  it('sorts by bytes and by age', () => {
    let now = 1_000_000;
    const t = new ConntrackTable(() => now);
    const big = flowOf(ACCT_TCP_EXTENDED);
    const small = flowOf(ACCT_UDP);
    t.replaceFlows([big, small]);
    now += 1000;
    const byBytes = t.query({ sort: 'bytes', order: 'desc', limit: 10 }).items.map((f) => f.id);
    expect(byBytes).toEqual(['2350428601', '3870119422']);
    const youngest = t.query({ sort: 'age', order: 'asc', limit: 1 });
    expect(youngest.items.map((f) => f.id)).toEqual(['3870119422']);
    const next = t.query({ sort: 'age', order: 'asc', limit: 1, cursor: youngest.nextCursor as string });
    expect(next.items.map((f) => f.id)).toEqual(['2350428601']);
  });
});

describe('filters keep data flows with their control flow', () => {
  it('a port or an address of the control flow also shows its linked data flows', () => {
    const t = new ConntrackTable();
    const ev = fixture('events-flows.txt')
      .map(parseFlowLine)
      .filter((x) => x !== null);
    const xev = fixture('events-expect.txt')
      .map(parseExpectationLine)
      .filter((x) => x !== null);
    for (const e of ev.slice(0, 3)) t.applyFlowEvent(e.type ?? 'new', e.flow);
    t.applyExpectationEvent('new', (xev[0] as NonNullable<(typeof xev)[0]>).expectation);
    const data = t.applyFlowEvent('new', (ev[3] as NonNullable<(typeof ev)[3]>).flow);
    // An unrelated flow on another port between other hosts.
    t.applyFlowEvent('new', flowOf(NEW_EVENT));
    expect(data.masterId).not.toBeNull();
    const port21 = t.query({ sort: 'id', order: 'asc', limit: 10, port: 21 });
    expect(port21.items.map((f) => f.original.dport).sort()).toEqual([21, 30005]);
    expect(port21.total).toBe(2);
    expect(t.count({ port: 21 })).toBe(2);
    // The data port itself names only the data flow.
    expect(t.query({ sort: 'id', order: 'asc', limit: 10, port: 30005 }).items.map((f) => f.id)).toEqual([data.id]);
    // A protocol filter alone does not drag anything in.
    expect(t.count({ protocol: 'udp' })).toBe(0);
    // Other filters apply to each flow itself: the data flow (SYN_SENT) comes with its
    // ESTABLISHED control flow on port 21 only when the state asked for is its own.
    expect(
      t.query({ sort: 'id', order: 'asc', limit: 10, port: 21, state: 'SYN_SENT' }).items.map((f) => f.id),
    ).toEqual([data.id]);
    expect(t.count({ port: 21, state: 'ESTABLISHED' })).toBe(1);
    expect(t.count({ address: '192.0.2.101' })).toBe(2);
  });
});

const MODEL = (() => {
  const v = validateModel({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    forwards: [
      { id: 'ftp', name: 'FTP server', protocol: 'tcp', publicPorts: '21', target: '192.168.1.2' },
      { id: 'range', name: 'Games', protocol: 'both', publicPorts: '7000-7100', target: '192.168.1.3' },
      { id: 'off', name: 'Disabled', enabled: false, protocol: 'tcp', publicPorts: '25', target: '192.168.1.2' },
    ],
    gatewayForwards: [{ id: 'panel', name: 'Panel from WAN', protocol: 'tcp', publicPort: 8443, localPort: 8080 }],
  });
  if (!v.ok) throw new Error(JSON.stringify(v));
  return v.model as GatewayModel;
})();

describe('the forward a flow came through', () => {
  const ix = new ForwardIndex(MODEL);
  const t = (src: string, dst: string, sport: number, dport: number) => ({ src, dst, sport, dport });

  it('matches the public port and the DNAT target the reply comes from', () => {
    const ftp = flowOf(fixture('events-flows.txt')[2] as string);
    expect(ix.forwardOf(ftp.protonum, ftp.original, ftp.reply)).toEqual({
      kind: 'forward',
      id: 'ftp',
      name: 'FTP server',
    });
    expect(
      ix.forwardOf(17, t('198.51.100.7', '192.0.2.2', 5000, 7050), t('192.168.1.3', '198.51.100.7', 7050, 5000)),
    )?.toMatchObject({ id: 'range' });
    expect(
      ix.forwardOf(6, t('198.51.100.7', '192.0.2.2', 5000, 8443), t('192.0.2.2', '198.51.100.7', 8080, 5000)),
    ).toEqual({ kind: 'gateway', id: 'panel', name: 'Panel from WAN' });
  });

  it('does not claim flows the forward did not translate', () => {
    // Port 21 but answered by the gateway itself (no DNAT): not the forward.
    expect(
      ix.forwardOf(6, t('192.0.2.101', '192.0.2.2', 4000, 21), t('192.0.2.2', '192.0.2.101', 21, 4000)),
    ).toBeNull();
    // A disabled forward, a port no forward has, UDP on a TCP-only forward.
    expect(ix.forwardOf(6, t('1.2.3.4', '192.0.2.2', 4000, 25), t('192.168.1.2', '1.2.3.4', 25, 4000))).toBeNull();
    expect(ix.forwardOf(6, t('1.2.3.4', '192.0.2.2', 4000, 26), t('192.168.1.2', '1.2.3.4', 26, 4000))).toBeNull();
    expect(ix.forwardOf(17, t('1.2.3.4', '192.0.2.2', 4000, 21), t('192.168.1.2', '1.2.3.4', 21, 4000))).toBeNull();
    expect(new ForwardIndex(null).forwardOf(6, t('a', 'b', 1, 21), t('192.168.1.2', 'a', 21, 1))).toBeNull();
  });

  it("marks the panel's own connections: the reply comes from the panel's port at a local address", async () => {
    const ipAddr = [
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
      '2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever',
      '3: eth1    inet 192.168.1.1/24 brd 192.168.1.255 scope global eth1\\       valid_lft forever preferred_lft forever',
      '3: eth1    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever',
    ].join('\n');
    expect(parseIpAddr(ipAddr)).toEqual(['127.0.0.1', '192.0.2.2', '192.168.1.1', 'fe80::1']);
    const a = new FlowAttribution({
      applied: () => ({ key: 1, model: MODEL }),
      panelPort: 8080,
      localAddresses: new LocalAddresses(async () => parseIpAddr(ipAddr)),
    });
    await a.fresh();
    expect(a.isPanel(6, t('192.168.1.1', '192.168.1.2', 8080, 50000))).toBe(true);
    expect(a.isPanel(6, t('192.0.2.2', '198.51.100.7', 8080, 5000))).toBe(true);
    // Port 8080 of a server behind the gateway, UDP, another port: not the panel.
    expect(a.isPanel(6, t('192.168.1.2', '192.0.2.101', 8080, 5000))).toBe(false);
    expect(a.isPanel(17, t('192.168.1.1', '192.168.1.2', 8080, 5000))).toBe(false);
    expect(a.isPanel(6, t('192.168.1.1', '192.168.1.2', 22, 5000))).toBe(false);
  });
});

describe('boot persistence of the accounting sysctls', () => {
  it('writes the sysctls and loads nf_conntrack before systemd-sysctl, only when asked', () => {
    const files = renderPersistence(MODEL, {
      conntrackAccounting: true,
      sysctlDir: '/x/sysctl.d',
      modulesLoadDir: '/x/m',
    });
    const sysctl = files.find((f) => f.path === '/x/sysctl.d/90-gatehouse-conntrack.conf');
    expect(sysctl?.content).toContain('net.netfilter.nf_conntrack_acct = 1\n');
    expect(sysctl?.content).toContain('net.netfilter.nf_conntrack_timestamp = 1\n');
    expect(files.find((f) => f.path === '/x/m/gatehouse-conntrack.conf')?.content).toMatch(/^nf_conntrack$/m);
    expect(renderPersistence(MODEL).some((f) => f.path.includes('sysctl'))).toBe(false);
  });
});
