/**
 * The fast line scanner (conntrack/scan.ts) reads every line it accepts
 * exactly as parseFlowLine does, declines the rest, and a dump read through
 * it fills the index exactly as one read through parseFlowLine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlowLine } from '../../src/conntrack/parse.js';
import { ByteLines, flowOfScan, newFlowScan, scanFlowLine } from '../../src/conntrack/scan.js';
import { ConntrackTable } from '../../src/conntrack/table.js';

const FIXTURES = '/work/shared/fixtures/conntrack';
const lines = (name: string) => readFileSync(`${FIXTURES}/${name}`, 'utf8').split('\n');

const ACCEPTED = [
  'udp      17 3578 src=127.1.5.1 dst=127.0.0.1 sport=40260 dport=15500 [UNREPLIED] src=127.0.0.1 dst=127.1.5.1 sport=15500 dport=40260 mark=0 use=1 id=466084252',
  'tcp      6 99 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1000 [ASSURED] mark=7 use=1 id=674321057',
  'tcp      6 431999 ESTABLISHED src=192.0.2.101 dst=192.0.2.2 sport=35918 dport=22 packets=12 bytes=1234 src=192.168.1.2 dst=192.168.1.1 sport=22 dport=35918 packets=10 bytes=4321 [ASSURED] mark=0 delta-time=17 use=1 id=4294967295',
  '    [NEW] udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=53 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=53 id=1090542791',
  ' [UPDATE] tcp      6 60 SYN_RECV src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1000 mark=3 id=12',
  '[DESTROY] tcp      6 src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 packets=3 bytes=180 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1000 packets=2 bytes=120 [ASSURED] id=12',
  // Destroys `conntrack -F` caused (conntrack 1.4.7, captured; the second with accounting on).
  '[DESTROY] udp      17 29 src=127.0.0.1 dst=127.0.0.1 sport=49491 dport=10002 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=10002 dport=49491 id=3993446149 [USERSPACE] portid=31396',
  '[DESTROY] udp      17 3596 src=127.2.9.1 dst=127.0.0.1 sport=34102 dport=50927 packets=1 bytes=29 [UNREPLIED] src=127.0.0.1 dst=127.2.9.1 sport=50927 dport=34102 packets=0 bytes=0 delta-time=4 id=2690430560 [USERSPACE] portid=32547 progname=conntrack',
];

const DECLINED = [
  'conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.',
  '',
  'icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=55 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=55 mark=0 use=1 id=4219595372',
  'tcp      6 431998 ESTABLISHED src=192.0.2.101 dst=192.0.2.2 sport=35918 dport=21 src=192.168.1.2 dst=192.168.1.1 sport=21 dport=35918 [ASSURED] mark=0 helper=ftp use=1 id=5',
  'tcp      6 99 ESTABLISHED src=2001:db8::1 dst=2001:db8::2 sport=1 dport=2 src=2001:db8::2 dst=2001:db8::1 sport=2 dport=1 mark=0 use=1 id=6',
  // No id: the flow id is the tuple (parseFlowLine's fallback).
  'udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=53 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=53 mark=0 use=1',
  'udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=53 dport=53 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=53 zone=3 use=1 id=9',
  'udp      17 29 src=10.0.0.1 dst=10.0.0.2 dport=53 sport=53 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=53 use=1 id=9',
  'udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=53 dport=53 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=53 secctx=system_u:object_r:unlabeled_t:s0 use=1 id=9',
  'gre      47 29 src=10.0.0.1 dst=10.0.0.2 srckey=0x0 dstkey=0x0 src=10.0.0.2 dst=10.0.0.1 srckey=0x0 dstkey=0x0 id=9',
];

describe('scanFlowLine', () => {
  it('reads the common lines as parseFlowLine does', () => {
    const scan = newFlowScan();
    for (const line of ACCEPTED) {
      expect(scanFlowLine(line, scan), line).toBe(true);
      const slow = parseFlowLine(line);
      expect({ type: scan.type, flow: flowOfScan(scan) }).toEqual(slow);
    }
  });

  it('declines anything else, which parseFlowLine then reads', () => {
    const scan = newFlowScan();
    for (const line of DECLINED) {
      expect(scanFlowLine(line, scan), line).toBe(false);
    }
  });

  it('agrees with parseFlowLine on every line of the captured lists and events', () => {
    const scan = newFlowScan();
    for (const name of ['list-flows.txt', 'events-flows.txt']) {
      for (const line of lines(name)) {
        if (scanFlowLine(line, scan)) expect({ type: scan.type, flow: flowOfScan(scan) }).toEqual(parseFlowLine(line));
      }
    }
  });
});

describe('ByteLines', () => {
  it('hands over every line once, also one split across chunks and a last one without a newline', () => {
    const got: string[] = [];
    const split = new ByteLines((b, s, e) => got.push(b.toString('latin1', s, e)));
    const text = `${ACCEPTED.join('\n')}\n${DECLINED[0]}`;
    const bytes = Buffer.from(text, 'latin1');
    for (let i = 0; i < bytes.length; i += 37) split.push(bytes.subarray(i, i + 37));
    split.end();
    expect(got).toEqual(text.split('\n'));
  });
});

describe('a dump through the scanner', () => {
  it('fills the index as one through parseFlowLine', () => {
    const dump: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const sport = 1024 + (i % 60000);
      dump.push(
        `tcp      6 ${100 + i} ${i % 3 ? 'ESTABLISHED' : 'TIME_WAIT'} src=10.0.${i >> 8}.${i & 255} dst=192.0.2.2 sport=${sport} dport=80 packets=${i} bytes=${i * 60} src=192.168.1.2 dst=10.0.${i >> 8}.${i & 255} sport=80 dport=${sport} packets=1 bytes=60 ${i % 2 ? '[ASSURED] ' : ''}mark=${i % 5} delta-time=${i % 90} use=1 id=${1000 + i}`,
      );
    }
    dump.push(DECLINED[3] as string, DECLINED[2] as string);
    const now = () => 1_700_000_000_000;
    const slow = new ConntrackTable(now);
    slow.beginReplace();
    for (const l of dump) {
      const f = parseFlowLine(l)?.flow;
      if (f) slow.putDumped(f);
    }
    slow.endReplace();
    const fast = new ConntrackTable(now);
    fast.beginReplace();
    const scan = newFlowScan();
    const split = new ByteLines((b, s, e) => {
      if (scanFlowLine(b.toString('latin1', s, e), scan)) fast.putDumpedScan(scan);
      else {
        const f = parseFlowLine(b.toString('latin1', s, e))?.flow;
        if (f) fast.putDumped(f);
      }
    });
    split.push(Buffer.from(dump.join('\n'), 'latin1'));
    split.end();
    fast.endReplace();
    expect(fast.flows.size).toBe(3002);
    expect([...fast.flows.values()]).toEqual([...slow.flows.values()]);
    for (const sort of ['timeout', 'src', 'sport', 'state', 'mark'] as const) {
      const q = { sort, order: 'desc' as const, limit: 100 };
      expect(fast.query(q).items).toEqual(slow.query(q).items);
    }
  });
});

describe('ending a replace in slices (sweepReplace)', () => {
  it('drops what the dump left out and keeps what events brought in between two slices', () => {
    const line = (i: number, ev = '') =>
      `${ev}udp      17 30 src=10.0.0.${i} dst=10.0.1.1 sport=${1000 + i} dport=53 [UNREPLIED] src=10.0.1.1 dst=10.0.0.${i} sport=53 dport=${1000 + i} mark=0 use=1 id=${i}`;
    const t = new ConntrackTable();
    const scan = newFlowScan();
    for (let i = 1; i <= 20; i++) if (scanFlowLine(line(i), scan)) t.putDumpedScan(scan);
    t.beginReplace();
    // The dump names the odd ids only.
    for (let i = 1; i <= 20; i += 2) if (scanFlowLine(line(i), scan)) t.putDumpedScan(scan);
    expect(t.sweepReplace(5)).toBe(false);
    // Events between two slices: a new flow, and the destroy of a flow the dump named.
    const created = parseFlowLine(line(30, '[NEW] '));
    const destroyed = parseFlowLine(line(3, '[DESTROY] '));
    t.applyFlowEvent('new', created?.flow as NonNullable<typeof created>['flow']);
    t.applyFlowEvent('destroy', destroyed?.flow as NonNullable<typeof destroyed>['flow']);
    while (!t.sweepReplace(5));
    t.endReplace();
    const ids = [...t.flows.values()].map((f) => Number(f.id)).sort((a, b) => a - b);
    expect(ids).toEqual([1, 5, 7, 9, 11, 13, 15, 17, 19, 30]);
  });
});
