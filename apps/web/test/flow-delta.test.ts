/**
 * The live flow stream reduced to what a batch changes in the open
 * Connections view (lib/flow-delta.ts, lib/live-decoder.ts; bench 15.3c):
 * rows within the insert budget and counts beyond it, loaded rows that
 * changed or left, the batch's last word on each flow; and, as a property,
 * that a batch reduced at once leaves the view as its events one by one do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FlowDelta, type FlowView, prepareFlowView, reduceFlowBatch } from '../src/lib/flow-delta';
import { createLiveDecoder } from '../src/lib/live-decoder';
import type { Api, FlowQuery } from '../src/lib/types';

type Row = Api['FlowRow'];
type Ev = Api['FlowChanges']['events'][number];

function row(id: string, over: Partial<Row> = {}): Row {
  const n = Number(id.replace(/\D/g, '')) || 1;
  return {
    id,
    protocol: 'udp',
    protonum: 17,
    state: null,
    timeout: 30,
    original: { src: '192.0.2.1', dst: '10.0.0.2', sport: 40000 + n, dport: 53 },
    reply: { src: '10.0.0.2', dst: '192.0.2.1', sport: 53, dport: 40000 + n },
    mark: 0,
    helper: null,
    assured: false,
    unreplied: true,
    zone: null,
    masterId: null,
    masterLinkedBy: null,
    counters: null,
    age: 0,
    forward: null,
    panel: false,
    ...over,
  };
}
const ev = (type: Ev['type'], r: Row): Ev => ({ type, row: r });
const NO_FILTER: FlowQuery = { sort: 'timeout', order: 'desc' };
const view = (loaded: string[], budget = 500, query: FlowQuery = NO_FILTER) =>
  prepareFlowView({ query, loaded, budget });

describe('a batch reduced for the view', () => {
  it('a burst of new flows over the budget: the budget in rows, all of them counted', () => {
    const events = Array.from({ length: 2000 }, (_, i) => ev('new', row(`n${i}`)));
    const d = reduceFlowBatch(events, view(['a'], 3));
    expect(d.added.map((r) => r.id)).toEqual(['n0', 'n1', 'n2']);
    expect(d.addedCount).toBe(2000);
    expect(reduceFlowBatch(events, view(['a'], 0))).toEqual({
      gone: [],
      changed: [],
      added: [],
      addedCount: 2000,
      goneUnloaded: 0,
    } satisfies FlowDelta);
  });

  it('loaded rows: destroyed or no longer matching leave, updated take the last row, in any order of events', () => {
    const q: FlowQuery = { ...NO_FILTER, protocol: 'udp' };
    const tcp = row('b', { protocol: 'tcp', protonum: 6 });
    const d = reduceFlowBatch(
      [
        ev('update', row('a', { timeout: 20 })),
        ev('destroy', row('a')),
        ev('update', tcp),
        ev('update', row('c', { timeout: 10 })),
        ev('update', row('c', { timeout: 9 })),
        // Left, then matched again: its last word counts.
        ev('update', row('d', { protocol: 'tcp', protonum: 6 })),
        ev('update', row('d', { timeout: 5 })),
      ],
      view(['a', 'b', 'c', 'd'], 500, q),
    );
    expect(d.gone.sort()).toEqual(['a', 'b']);
    expect(d.changed.map((r) => [r.id, r.timeout])).toEqual([
      ['c', 9],
      ['d', 5],
    ]);
    expect(d.addedCount).toBe(0);
  });

  it('flows not loaded: new or updated and matching are new once, born and gone is nothing, a matching one destroyed leaves the total', () => {
    const q: FlowQuery = { ...NO_FILTER, port: 53 };
    const d = reduceFlowBatch(
      [
        ev('new', row('x1')),
        ev('update', row('x1', { timeout: 1 })),
        ev('new', row('x2')),
        ev('destroy', row('x2')),
        ev('update', row('x3')),
        ev('destroy', row('x4')),
        ev('destroy', row('x5', { original: { src: '1.1.1.1', dst: '2.2.2.2', sport: 1, dport: 2 } })),
      ],
      view([], 500, { ...q, port: undefined, address: undefined }),
    );
    expect(d.added.map((r) => [r.id, r.timeout])).toEqual([
      ['x1', 1],
      ['x3', 30],
    ]);
    expect(d.addedCount).toBe(2);
    // x4 and x5 both match no filter
    expect(d.goneUnloaded).toBe(2);
    const filtered = reduceFlowBatch(
      [
        ev('destroy', row('x4')),
        ev(
          'destroy',
          row('x5', {
            original: { src: '1.1.1.1', dst: '2.2.2.2', sport: 1, dport: 2 },
            reply: { src: '2.2.2.2', dst: '1.1.1.1', sport: 2, dport: 1 },
          }),
        ),
      ],
      view([], 500, q),
    );
    expect(filtered.goneUnloaded).toBe(1);
  });

  it('a data flow whose control flow is loaded stays with it under a port filter', () => {
    const q: FlowQuery = { ...NO_FILTER, port: 21 };
    const data = row('d1', {
      masterId: 'ctl',
      original: { src: '192.0.2.1', dst: '10.0.0.2', sport: 50000, dport: 50001 },
    });
    expect(reduceFlowBatch([ev('new', data)], view(['ctl'], 500, q)).added).toEqual([data]);
    expect(reduceFlowBatch([ev('new', data)], view([], 500, q)).addedCount).toBe(0);
  });
});

describe('the decoder', () => {
  const batch = (events: Ev[]) => JSON.stringify({ events });

  it('sends flows only to an open view, and nothing for a batch that changes nothing in it', () => {
    const dec = createLiveDecoder();
    expect(dec.decode('flows', batch([ev('new', row('n1'))]))).toBeNull();
    dec.setFlowView({ query: { ...NO_FILTER, protocol: 'tcp' }, loaded: [], budget: 10 });
    expect(dec.decode('flows', batch([ev('new', row('n1'))]))).toBeNull();
    expect(dec.decode('conntrack', '{"count":3}')).toEqual({ data: { count: 3 } });
    expect(dec.decode('resync', 'not json')).toEqual({ data: 'not json' });
  });

  it('counts the rows it sent as loaded and the budget as spent, before the page says so', () => {
    const dec = createLiveDecoder();
    dec.setFlowView({ query: NO_FILTER, loaded: [], budget: 2 });
    const first = dec.decode('flows', batch([ev('new', row('n1')), ev('new', row('n2')), ev('new', row('n3'))]))
      ?.data as FlowDelta;
    expect(first.added.map((r) => r.id)).toEqual(['n1', 'n2']);
    expect(first.addedCount).toBe(3);
    const next = dec.decode('flows', batch([ev('update', row('n1', { timeout: 3 })), ev('new', row('n4'))]))
      ?.data as FlowDelta;
    expect(next.changed.map((r) => r.id)).toEqual(['n1']);
    expect(next.added).toEqual([]);
    expect(next.addedCount).toBe(1);
  });
});

/** The page's side, as live-flows.ts applies a delta: the view's rows by id and its total. */
function apply(state: { rows: Map<string, Row>; total: number }, d: FlowDelta) {
  for (const id of d.gone) state.rows.delete(id);
  for (const r of d.changed) state.rows.set(r.id, r);
  for (const r of d.added) state.rows.set(r.id, r);
  state.total += d.addedCount - d.gone.length - d.goneUnloaded;
}

describe('property', () => {
  const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
  const arbEvent = fc
    .record({
      type: fc.constantFrom<Ev['type']>('new', 'update', 'destroy'),
      id: fc.constantFrom(...ids),
      udp: fc.boolean(),
      timeout: fc.integer({ min: 0, max: 99 }),
    })
    .map(({ type, id, udp, timeout }) =>
      ev(type, row(id, { protocol: udp ? 'udp' : 'tcp', protonum: udp ? 17 : 6, timeout })),
    );

  /**
   * Events as the kernel sends them: every flow is alive at first; after a
   * destroy only a new one comes for its id, and a new one only after a
   * destroy; a destroy carries the flow's last row.
   */
  function realistic(events: Ev[]): Ev[] {
    const last = new Map(ids.map((id) => [id, row(id)]));
    const alive = new Set(ids);
    const out: Ev[] = [];
    for (const e of events) {
      const id = e.row.id;
      if (alive.has(id) === (e.type === 'new')) continue;
      const r = e.type === 'destroy' ? (last.get(id) as Row) : e.row;
      if (e.type === 'destroy') alive.delete(id);
      else alive.add(id);
      last.set(id, r);
      out.push(ev(e.type, r));
    }
    return out;
  }

  it('a batch reduced at once leaves the view as its events reduced one by one do', () => {
    fc.assert(
      fc.property(
        fc.subarray(ids),
        fc.array(arbEvent, { maxLength: 40 }).map(realistic),
        fc.boolean(),
        (loaded, events, filtered) => {
          const query: FlowQuery = filtered ? { ...NO_FILTER, protocol: 'udp' } : NO_FILTER;
          const start = () => ({ rows: new Map(loaded.map((id) => [id, row(id)])), total: 100 });
          const batched = start();
          apply(batched, reduceFlowBatch(events, view(loaded, 1000, query)));
          const oneByOne = start();
          for (const e of events) apply(oneByOne, reduceFlowBatch([e], view([...oneByOne.rows.keys()], 1000, query)));
          expect([...batched.rows.entries()].sort()).toEqual([...oneByOne.rows.entries()].sort());
          expect(batched.total).toBe(oneByOne.total);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never sends more rows than the budget, nor a row already loaded, nor one twice', () => {
    fc.assert(
      fc.property(fc.subarray(ids), fc.array(arbEvent, { maxLength: 40 }), fc.nat(4), (loaded, events, budget) => {
        const d = reduceFlowBatch(events, view(loaded, budget));
        expect(d.added.length).toBeLessThanOrEqual(budget);
        expect(d.added.length).toBeLessThanOrEqual(d.addedCount);
        const sent = d.added.map((r) => r.id);
        expect(new Set(sent).size).toBe(sent.length);
        for (const id of sent) expect(loaded).not.toContain(id);
        for (const id of [...d.gone, ...d.changed.map((r) => r.id)]) expect(loaded).toContain(id);
      }),
    );
  });
});

// FlowView is what the page sends; its loaded ids are copied, not kept.
it('a prepared view does not change the ids the page sent', () => {
  const v: FlowView = { query: NO_FILTER, loaded: ['a'], budget: 1 };
  const dec = createLiveDecoder();
  dec.setFlowView(v);
  dec.decode('flows', JSON.stringify({ events: [ev('new', row('n9'))] }));
  expect(v.loaded).toEqual(['a']);
});
