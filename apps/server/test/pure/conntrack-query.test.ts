/**
 * The flow index's pages (conntrack/table/query.ts: per-field key loops and a
 * bounded heap) held to a plain reference: every live flow that passes the
 * filter, sorted whole by the field and then the id, cut into pages by
 * following the cursors. Tables are built by random sequences of new and
 * destroyed flows (freed slots are reused, so slot order is neither id nor
 * key order), with ties on every field, IPv6 and ICMP flows (kept whole),
 * and flows with and without timeouts, counters and start times.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4ToInt, parseFlowLine } from '../../src/conntrack/parse.js';
import { FLOW_SORT_FIELDS, type FlowSortField } from '../../src/conntrack/table/query.js';
import { ConntrackTable, type FlowEntry, type FlowQuery } from '../../src/conntrack/table.js';

const NOW = 1_800_000_000_000;

interface FlowSpec {
  id: number;
  kind: 'tcp' | 'udp' | 'icmp' | 'v6';
  src: number;
  sport: number;
  dport: number;
  state: 'ESTABLISHED' | 'TIME_WAIT' | 'SYN_SENT';
  timeout: number | null;
  mark: number;
  helper: boolean;
  counters: [number, number, number, number] | null;
  age: number | null;
}

function line(f: FlowSpec): string {
  const src = `10.0.${f.src}.1`;
  const acct = (i: 0 | 1) => (f.counters ? ` packets=${f.counters[i]} bytes=${f.counters[i + 2]}` : '');
  const tail = `mark=${f.mark}${f.helper ? ' helper=ftp' : ''}${f.age !== null ? ` delta-time=${f.age}` : ''} use=1 id=${f.id}`;
  // A flow without a timeout: an event line leaves it out (the index keeps none).
  const t = f.timeout === null ? '' : ` ${f.timeout}`;
  switch (f.kind) {
    case 'tcp':
      return `[NEW] tcp      6${t} ${f.state} src=${src} dst=192.0.2.2 sport=${f.sport} dport=${f.dport}${acct(0)} src=192.168.1.2 dst=${src} sport=${f.dport} dport=${f.sport}${acct(1)} [ASSURED] ${tail}`;
    case 'udp':
      return `[NEW] udp      17${t} src=${src} dst=192.0.2.2 sport=${f.sport} dport=${f.dport}${acct(0)} [UNREPLIED] src=192.0.2.2 dst=${src} sport=${f.dport} dport=${f.sport}${acct(1)} ${tail}`;
    case 'icmp':
      return `[NEW] icmp     1${t} src=${src} dst=192.0.2.2 type=8 code=0 id=${f.sport}${acct(0)} [UNREPLIED] src=192.0.2.2 dst=${src} type=0 code=0 id=${f.sport}${acct(1)} ${tail}`;
    case 'v6':
      return `[NEW] tcp      6${t} ${f.state} src=2001:db8::${f.src} dst=2001:db8::ff sport=${f.sport} dport=${f.dport}${acct(0)} src=2001:db8::ff dst=2001:db8::${f.src} sport=${f.dport} dport=${f.sport}${acct(1)} ${tail}`;
  }
}

const flowSpec = (id: number) =>
  fc.record({
    id: fc.constant(id),
    kind: fc.constantFrom('tcp', 'udp', 'icmp', 'v6'),
    src: fc.integer({ min: 1, max: 4 }),
    sport: fc.integer({ min: 1000, max: 1003 }),
    dport: fc.constantFrom(21, 80, 443),
    state: fc.constantFrom('ESTABLISHED', 'TIME_WAIT', 'SYN_SENT'),
    timeout: fc.option(fc.constantFrom(10, 30, 120), { nil: null }),
    mark: fc.integer({ min: 0, max: 2 }),
    helper: fc.boolean(),
    counters: fc.option(fc.tuple(fc.nat(3), fc.nat(3), fc.nat(500), fc.nat(500)), { nil: null }),
    age: fc.option(fc.nat(3), { nil: null }),
  }) as fc.Arbitrary<FlowSpec>;

/** Flows made and destroyed in a random order: ids 1..n, each destroyed or not, some made again. */
const tableSteps = fc
  .integer({ min: 0, max: 60 })
  .chain((n) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: n }, (_, i) => flowSpec(i + 1))),
      fc.array(fc.integer({ min: 1, max: Math.max(1, n) }), { maxLength: n }),
      fc.array(fc.integer({ min: 1, max: Math.max(1, n) }), { maxLength: 10 }),
    ),
  );

function build([flows, destroyed, remade]: [FlowSpec[], number[], number[]]): ConntrackTable {
  const t = new ConntrackTable(() => NOW);
  const byId = new Map(flows.map((f) => [f.id, f]));
  const apply = (text: string) => {
    const p = parseFlowLine(text);
    if (!p?.type) throw new Error(`unparsed: ${text}`);
    t.applyFlowEvent(p.type, p.flow);
  };
  for (const f of flows) apply(line(f));
  for (const id of destroyed) {
    const f = byId.get(id);
    if (f) apply(line(f).replace('[NEW]', '[DESTROY]'));
  }
  // Made again after others were freed: they take freed slots, out of id order.
  for (const id of remade) {
    const f = byId.get(id);
    if (f) apply(line(f));
  }
  return t;
}

/** The reference sort key: numbers, or names compared as strings. */
function refKey(e: FlowEntry, field: FlowSortField): number | string {
  const INF = Number.POSITIVE_INFINITY;
  switch (field) {
    case 'id':
      return Number(e.id);
    case 'protocol':
      return e.protonum;
    case 'src':
      return ipv4ToInt(e.original.src) ?? 2 ** 32;
    case 'dst':
      return ipv4ToInt(e.original.dst) ?? 2 ** 32;
    // A tuple kept whole (IPv6, ICMP) without ports sorts as -1.
    case 'sport':
      return e.original.sport ?? -1;
    case 'dport':
      return e.original.dport ?? -1;
    case 'state':
      return e.state ?? '';
    case 'timeout':
      return e.expiresAt ?? INF;
    case 'mark':
      return e.mark;
    case 'helper':
      return e.helper ?? '';
    case 'packets':
      return e.counters ? e.counters.origPackets + e.counters.replyPackets : -1;
    case 'bytes':
      return e.counters ? e.counters.origBytes + e.counters.replyBytes : -1;
    case 'age':
      // Youngest first, then flows with no start time.
      return e.age ?? INF;
  }
}

function reference(t: ConntrackTable, q: FlowQuery): FlowEntry[] {
  const dir = q.order === 'desc' ? -1 : 1;
  const keep = (e: FlowEntry) =>
    (q.protocol === undefined || e.protocol === q.protocol || String(e.protonum) === q.protocol) &&
    (q.mark === undefined || e.mark === q.mark) &&
    (q.state === undefined || (e.state ?? '').toUpperCase() === q.state.toUpperCase()) &&
    (q.helper === undefined || (q.helper === 'none' ? e.helper === null : e.helper === q.helper));
  return [...t.flows.values()].filter(keep).sort((a, b) => {
    const ka = refKey(a, q.sort);
    const kb = refKey(b, q.sort);
    const c = ka === kb ? Number(a.id) - Number(b.id) : ka < kb ? -1 : 1;
    return dir * c;
  });
}

const query = fc.record(
  {
    sort: fc.constantFrom(...FLOW_SORT_FIELDS),
    order: fc.constantFrom('asc', 'desc'),
    limit: fc.integer({ min: 1, max: 12 }),
    protocol: fc.constantFrom('tcp', 'udp', '1'),
    mark: fc.integer({ min: 0, max: 2 }),
    state: fc.constantFrom('established', 'TIME_WAIT'),
    helper: fc.constantFrom('ftp', 'none'),
  },
  { requiredKeys: ['sort', 'order', 'limit'] },
) as fc.Arbitrary<FlowQuery>;

describe('flow pages (query.ts) against a full sort', () => {
  it('every page, followed by its cursors, is the reference order cut into pages, with its total', () => {
    fc.assert(
      fc.property(tableSteps, query, (steps, q) => {
        const t = build(steps);
        const want = reference(t, q);
        const got: string[] = [];
        let cursor: string | undefined;
        for (let pages = 0; ; pages++) {
          const page = t.query({ ...q, ...(cursor !== undefined ? { cursor } : {}) });
          expect(page.total).toBe(want.length);
          expect(page.items.length).toBe(Math.min(q.limit, want.length - got.length));
          got.push(...page.items.map((e) => e.id));
          if (page.nextCursor === null) break;
          expect(pages).toBeLessThan(want.length);
          cursor = page.nextCursor;
        }
        expect(got).toEqual(want.map((e) => e.id));
      }),
      { numRuns: 400 },
    );
  });

  it('a table grown past the scratch keys of a smaller one, then shrunk, still pages right', () => {
    // The per-slot key array is shared between queries and tables: a smaller
    // table after a larger one reads only its own slots.
    const big = build([Array.from({ length: 3000 }, (_, i) => spec(i + 1, (i * 7919) % 97)), [], []]);
    const small = build([Array.from({ length: 5 }, (_, i) => spec(i + 1, 5 - i)), [], []]);
    for (const t of [big, small, big]) {
      for (const order of ['asc', 'desc'] as const) {
        const q: FlowQuery = { sort: 'sport', order, limit: 50 };
        expect(t.query(q).items.map((e) => e.id)).toEqual(
          reference(t, q)
            .slice(0, 50)
            .map((e) => e.id),
        );
      }
    }
  });
});

function spec(id: number, sport: number): FlowSpec {
  return {
    id,
    kind: 'udp',
    src: 1,
    sport: 1000 + sport,
    dport: 80,
    state: 'ESTABLISHED',
    timeout: 30,
    mark: 0,
    helper: false,
    counters: null,
    age: null,
  };
}
