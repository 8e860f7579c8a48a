/**
 * Flow events applied without objects (ConntrackTable.applyScanEvent) and
 * sent as JSON written from the slot (writeRowJson) give, event by event, the
 * text JSON.stringify gives for the row the object path builds
 * (applyFlowEvent, rows.ts toFlowRow), and leave the same index; the same
 * for the forward and panel fields (FlowAttribution.rowTailJson).
 */
import { validateModel } from '@gatehouse/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowAttribution, LocalAddresses, NO_FORWARD_TAIL } from '../../src/conntrack/attribution.js';
import { FlowEventReader, type WatchedFlow } from '../../src/conntrack/flow-events.js';
import { type Flow, intToIpv4, parseExpectationLine, parseFlowLine, type Tuple } from '../../src/conntrack/parse.js';
import { toFlowRow } from '../../src/conntrack/rows.js';
import { newFlowScan, scanFlowLine } from '../../src/conntrack/scan.js';
import { FlowColumns, LIVE, NO_VALUE, ODD } from '../../src/conntrack/table/columns.js';
import { writeFlowRowJson } from '../../src/conntrack/table/row-json.js';
import { ConntrackTable } from '../../src/conntrack/table.js';
import { TextBytes } from '../../src/lib/text-bytes.js';
import { EventHub } from '../../src/services/events.js';

const NOW = 1_790_000_000_000;

/** The same lines into two tables: the scanned way (with its fallback) and the object way; each event's text. */
function twins() {
  const scanned = new ConntrackTable(() => NOW);
  const objects = new ConntrackTable(() => NOW);
  const scan = newFlowScan();
  const rowText = (t: ConntrackTable, e: ReturnType<ConntrackTable['applyFlowEvent']>) =>
    JSON.stringify(toFlowRow(e, t.remaining(e.expiresAt), null));
  return {
    scanned,
    objects,
    /** Applies a flow event line to both; returns both texts and whether the scanned way took it. */
    flow(line: string) {
      const p = parseFlowLine(line);
      if (!p?.type) throw new Error(`not a flow event: ${line}`);
      const want = rowText(objects, objects.applyFlowEvent(p.type, p.flow));
      let got: string | undefined;
      let fast = false;
      if (scanFlowLine(line, scan) && scan.type) {
        fast = scanned.applyScanEvent(scan.type, scan, (s) => {
          const out = new TextBytes(16);
          scanned.writeRowJson(s, NO_FORWARD_TAIL, out);
          got = out.buf.toString('utf8', 0, out.pos);
        });
      }
      if (!fast) got = rowText(scanned, scanned.applyFlowEvent(p.type, p.flow));
      return { got, want, fast };
    },
    expectation(line: string) {
      const x = parseExpectationLine(line);
      if (!x?.type) throw new Error(`not an expectation event: ${line}`);
      scanned.applyExpectationEvent(x.type, x.expectation);
      objects.applyExpectationEvent(x.type, x.expectation);
    },
  };
}

const entries = (t: ConntrackTable) => [...t.flows.values()].sort((a, b) => (a.id < b.id ? -1 : 1));

const tuple = (o: Tuple) => `src=${o.src} dst=${o.dst} sport=${o.sport} dport=${o.dport}`;

const event = fc.record({
  type: fc.constantFrom('NEW', 'UPDATE', 'DESTROY'),
  tcp: fc.boolean(),
  state: fc.constantFrom('SYN_SENT', 'ESTABLISHED', 'TIME_WAIT', ''),
  timeout: fc.option(fc.nat(432000), { nil: undefined }),
  // Few ids and addresses: updates and destroys meet flows the index holds, and some it does not.
  id: fc.integer({ min: 1, max: 12 }).map((n) => n * 357913941),
  addr: fc.array(fc.constantFrom(0x7f000001, 0xc0000265, 0xc0a80102, 0xffffffff, 0), { minLength: 4, maxLength: 4 }),
  ports: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 4, maxLength: 4 }),
  // Packets within the index's u32 column (columns.ts: it holds at most 2^32 - 1), bytes beyond it.
  counters: fc.option(fc.tuple(fc.nat(2 ** 32 - 1), fc.nat(2 ** 40), fc.nat(2 ** 32 - 1), fc.nat(2 ** 40)), {
    nil: undefined,
  }),
  unreplied: fc.boolean(),
  assured: fc.boolean(),
  mark: fc.option(fc.nat(2 ** 32 - 1), { nil: undefined }),
  age: fc.option(fc.nat(100000), { nil: undefined }),
  userspace: fc.boolean(),
});

type Event = typeof event extends fc.Arbitrary<infer T> ? T : never;

/** A `conntrack -E -o id` line (conntrack 1.4.7's order of fields). */
function line(e: Event) {
  const [a, b, c, d] = e.addr.map(intToIpv4) as [string, string, string, string];
  const [p, q, r, s] = e.ports as [number, number, number, number];
  const k = e.counters;
  const head = `[${e.type}]`.padStart(9);
  const proto = e.tcp ? 'tcp      6' : 'udp      17';
  const timeout = e.type === 'DESTROY' || e.timeout === undefined ? '' : ` ${e.timeout}`;
  const state = e.tcp && e.state && e.type !== 'DESTROY' ? ` ${e.state}` : '';
  return [
    `${head} ${proto}${timeout}${state}`,
    tuple({ src: a, dst: b, sport: p, dport: q }),
    k ? `packets=${k[0]} bytes=${k[1]}` : '',
    e.unreplied ? '[UNREPLIED]' : '',
    tuple({ src: c, dst: d, sport: r, dport: s }),
    k ? `packets=${k[2]} bytes=${k[3]}` : '',
    e.assured ? '[ASSURED]' : '',
    e.mark !== undefined ? `mark=${e.mark}` : '',
    e.age !== undefined ? `delta-time=${e.age}` : '',
    `id=${e.id}`,
    e.userspace && e.type === 'DESTROY' ? '[USERSPACE] portid=4242 progname=conntrack' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

describe('flow events written as JSON from the index', () => {
  it('give the object way’s row text for every event, and the same index', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), (events) => {
        const t = twins();
        for (const e of events) {
          const { got, want } = t.flow(line(e));
          expect(got).toBe(want);
        }
        expect(entries(t.scanned)).toEqual(entries(t.objects));
      }),
      { numRuns: 300 },
    );
  });

  it('takes the common events, and leaves a destroy of an unknown flow to the object way', () => {
    const t = twins();
    const flow = (type: string, more = '') =>
      `[${type}] udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5000 ${more}id=77`;
    expect(t.flow(flow('NEW')).fast).toBe(true);
    expect(t.flow(flow('UPDATE', 'mark=5 ')).fast).toBe(true);
    const gone = t.flow(flow('DESTROY', 'packets=1 bytes=2 '));
    expect(gone.fast).toBe(true);
    expect(JSON.parse(gone.got as string)).toMatchObject({ id: '77', mark: 5 });
    const unknown = t.flow(flow('DESTROY'));
    expect(unknown.fast).toBe(false);
    expect(unknown.got).toBe(unknown.want);
  });

  it('links a data connection read the scanned way to its FTP control connection', () => {
    const t = twins();
    const control =
      '    [NEW] tcp      6 120 SYN_SENT src=192.0.2.101 dst=192.0.2.2 sport=35908 dport=21 [UNREPLIED] src=192.168.1.2 dst=192.168.1.1 sport=21 dport=35908 helper=ftp id=1001';
    // With a helper: the object way.
    expect(t.flow(control).fast).toBe(false);
    t.expectation(
      '    [NEW] 300 proto=6 src=192.0.2.101 dst=192.0.2.2 sport=0 dport=30005 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=192.0.2.101 master-dst=192.0.2.2 sport=35908 dport=21 class=0 helper=ftp',
    );
    const data = t.flow(
      '    [NEW] tcp      6 120 SYN_SENT src=192.0.2.101 dst=192.0.2.2 sport=57252 dport=30005 [UNREPLIED] src=192.168.1.2 dst=192.168.1.1 sport=30005 dport=57252 id=1002',
    );
    expect(data.fast).toBe(true);
    expect(data.got).toBe(data.want);
    expect(JSON.parse(data.got as string)).toMatchObject({ masterId: '1001', masterLinkedBy: 'expectation' });
    expect(entries(t.scanned)).toEqual(entries(t.objects));
  });
});

describe('watchers of scanned events', () => {
  it('see, event by event, what the object way’s entry says', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), (events) => {
        const table = new ConntrackTable(() => NOW);
        const objects = new ConntrackTable(() => NOW);
        const seen: string[] = [];
        const pick = (f: WatchedFlow) => JSON.stringify([f.id, f.protonum, f.original, f.reply, f.helper, f.masterId]);
        const reader = new FlowEventReader({
          table,
          hub: new EventHub({ batchMs: 1000 }),
          watchers: new Set([{ flow: (_type, f) => seen.push(pick(f)), expectation: () => undefined }]),
          attribution: () => null,
          line: () => undefined,
          flow: (type, f) => seen.push(pick(table.applyFlowEvent(type, f))),
        });
        const lines = reader.lines();
        const want: string[] = [];
        for (const e of events) {
          const text = line(e);
          lines.push(Buffer.from(`${text}\n`));
          const p = parseFlowLine(text);
          want.push(pick(objects.applyFlowEvent(p?.type ?? 'new', p?.flow as Flow)));
        }
        expect(seen).toEqual(want);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the forward and panel fields as JSON', () => {
  const v = validateModel({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    forwards: [
      { id: 'web', name: 'Web – café ✓', protocol: 'tcp', publicPorts: '443', target: '192.168.1.2' },
      { id: 'games', name: 'Games', protocol: 'udp', publicPorts: '7000-7100', target: '192.168.1.3' },
    ],
    gatewayForwards: [{ id: 'ssh', name: 'SSH', protocol: 'tcp', publicPort: 2222, localPort: 22 }],
  });
  if (!v.ok) throw new Error(JSON.stringify(v));
  const a = new FlowAttribution({
    applied: () => ({ key: 1, model: v.model }),
    panelPort: 8080,
    localAddresses: new LocalAddresses(async () => ['192.0.2.2', '192.168.1.1']),
  });

  it('are the text of toFlowRow’s forward and panel for the same flow', async () => {
    await a.fresh();
    const t = (src: string, dst: string, sport: number, dport: number): Tuple => ({ src, dst, sport, dport });
    const flows: Array<[number, Tuple, Tuple]> = [
      [6, t('198.51.100.7', '192.0.2.2', 5000, 443), t('192.168.1.2', '198.51.100.7', 443, 5000)],
      [17, t('198.51.100.7', '192.0.2.2', 5000, 7050), t('192.168.1.3', '198.51.100.7', 7050, 5000)],
      [6, t('198.51.100.7', '192.0.2.2', 5000, 2222), t('192.0.2.2', '198.51.100.7', 22, 5000)],
      // The panel's own connection; a port 443 flow the forward did not translate; UDP to a TCP forward.
      [6, t('198.51.100.7', '192.0.2.2', 5000, 8080), t('192.0.2.2', '198.51.100.7', 8080, 5000)],
      [6, t('198.51.100.7', '192.0.2.2', 5000, 443), t('192.0.2.2', '198.51.100.7', 443, 5000)],
      [17, t('198.51.100.7', '192.0.2.2', 5000, 443), t('192.168.1.2', '198.51.100.7', 443, 5000)],
    ];
    const ip = (s: string) => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    for (const [proto, o, r] of flows) {
      const row = { forward: a.forwardOf(proto, o, r), panel: a.isPanel(proto, r) };
      const text = `{${a.rowTailJson(proto, o.dport as number, ip(r.src), r.sport as number)}}`;
      expect(text).toBe(JSON.stringify(row));
    }
    expect(JSON.parse(`{${a.rowTailJson(6, 443, ip('192.168.1.2'), 443)}}`).forward.name).toBe('Web – café ✓');
  });
});

describe('a row written from a slot with tuples outside the columns', () => {
  it('writes the side table’s tuples (IPv6, ICMP) as JSON.stringify does', () => {
    const c = new FlowColumns();
    const s = c.alloc();
    const original: Tuple = {
      src: '2001:db8::1',
      dst: '2001:db8::2',
      sport: null,
      dport: null,
      icmp: { type: 128, code: 0, id: 7 },
    };
    const reply: Tuple = {
      src: '2001:db8::2',
      dst: '2001:db8::1',
      sport: null,
      dport: null,
      icmp: { type: 129, code: 0, id: 7 },
    };
    c.flags[s] = LIVE | ODD;
    c.proto[s] = 58;
    c.zone[s] = NO_VALUE;
    c.odd.set(s, { original, reply });
    const out = new TextBytes(16);
    writeFlowRowJson(out, c, s, 't:x"y', null, null, 30, null, null, null, NO_FORWARD_TAIL);
    const row = JSON.parse(out.buf.toString('utf8', 0, out.pos));
    expect(row).toMatchObject({ id: 't:x"y', protonum: 58, timeout: 30, original, reply, zone: null, counters: null });
  });
});
