/**
 * A filter on an address or a port keeps FTP data flows with their control
 * flow, and nothing else: flows created and destroyed fast (slot and id reuse),
 * the panel's own connections from the FTP client's address, and dumps.
 */
import { describe, expect, it } from 'vitest';
import { parseExpectationLine, parseFlowLine } from '../../src/conntrack/parse.js';
import { ConntrackTable } from '../../src/conntrack/table.js';

const CLIENT = '192.0.2.101';
const WAN = '192.0.2.2';
const LAN_GW = '192.168.1.1';
const SERVER = '192.168.1.2';

function flowLine(
  prefix: string,
  id: number,
  o: [string, string, number, number],
  r: [string, string, number, number],
  extra = '',
) {
  return `${prefix}tcp      6 120 SYN_SENT src=${o[0]} dst=${o[1]} sport=${o[2]} dport=${o[3]} src=${r[0]} dst=${r[1]} sport=${r[2]} dport=${r[3]} ${extra}id=${id}`;
}
function flow(
  prefix: string,
  id: number,
  o: [string, string, number, number],
  r: [string, string, number, number],
  extra = '',
) {
  const p = parseFlowLine(flowLine(prefix, id, o, r, extra));
  if (!p) throw new Error('unparsed');
  return p.flow;
}
function expectation(prefix: string, dport: number, masterSport: number) {
  const p = parseExpectationLine(
    `${prefix}300 proto=6 src=${CLIENT} dst=${WAN} sport=0 dport=${dport} mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=${CLIENT} master-dst=${WAN} sport=${masterSport} dport=21 class=0 helper=ftp`,
  );
  if (!p) throw new Error('unparsed');
  return p.expectation;
}
const control = (prefix = '    [NEW] ') =>
  flow(prefix, 1000, [CLIENT, WAN, 40000, 21], [SERVER, LAN_GW, 21, 40000], 'helper=ftp ');
const data = (prefix = '    [NEW] ') => flow(prefix, 2000, [CLIENT, WAN, 50000, 30005], [SERVER, LAN_GW, 30005, 50000]);
/** The panel's own connection, from the FTP client (the browser on the WAN side) to the gateway. */
const panel = (i: number, prefix = '    [NEW] ') =>
  flow(prefix, 5000 + i, [CLIENT, WAN, 41000 + i, 8080], [WAN, CLIENT, 8080, 41000 + i]);
const panelLan = (i: number, prefix = '    [NEW] ') =>
  flow(prefix, 9000 + i, [SERVER, LAN_GW, 42000 + i, 8080], [LAN_GW, SERVER, 8080, 42000 + i]);

const ids = (t: ConntrackTable, q: { port?: number; address?: string }) =>
  t
    .query({ sort: 'age', order: 'asc', limit: 100, ...q })
    .items.map((f) => f.id)
    .sort();

describe('filters keep data flows with their control flow, and nothing else', () => {
  it('events: an FTP transfer among many short-lived panel flows (slots and ids reused)', () => {
    let now = 1_000_000;
    const t = new ConntrackTable(() => now);
    t.applyFlowEvent('new', control());
    t.applyExpectationEvent('new', expectation('    [NEW] ', 30005, 40000));
    t.applyExpectationEvent('destroy', expectation('[DESTROY] ', 30005, 40000));
    t.applyFlowEvent('new', data());
    for (let round = 0; round < 50; round++) {
      now += 100;
      for (let i = 0; i < 20; i++) {
        t.applyFlowEvent('new', panel(i + round * 20));
        t.applyFlowEvent('new', panelLan(i + round * 20));
      }
      for (let i = 0; i < 15; i++) {
        t.applyFlowEvent('destroy', panel(i + round * 20, '[DESTROY] '));
        t.applyFlowEvent('destroy', panelLan(i + round * 20, '[DESTROY] '));
      }
      // Now and then a held PASV: an expectation seen after flows arrived (late links).
      t.applyExpectationEvent('new', expectation('    [NEW] ', 30100 + round, 40000));
      t.takeLateLinks();
    }
    expect(ids(t, { port: 21 })).toEqual(['1000', '2000']);
    expect(ids(t, { port: 30005 })).toEqual(['2000']);
  });

  it('a dump: flows of the panel from the FTP client are not guessed to be its data flows', () => {
    const t = new ConntrackTable(() => 1_000_000);
    const list = [control(''), data('')];
    for (let i = 0; i < 5; i++) list.push(panel(i, ''), panelLan(i, ''));
    t.replaceFlows(list);
    expect(t.flows.get('2000')).toMatchObject({ masterId: '1000', masterLinkedBy: 'heuristic' });
    for (let i = 0; i < 5; i++) expect(t.flows.get(String(5000 + i))?.masterId).toBeNull();
    expect(ids(t, { port: 21 })).toEqual(['1000', '2000']);
  });
});
