/**
 * In-memory index of the flow and expectation tables, fed by a dump and kept
 * current by the event streams, so that a filtered, sorted page of 100 out of
 * 100,000 flows costs one pass over the index (a bounded top-k selection),
 * not a `conntrack -L` per request.
 *
 * Flows are held column-wise in typed arrays (columns.ts), one slot per
 * flow: about 80 bytes a flow instead of ~1.2 KB as objects (a flow, two tuples,
 * address strings sliced out of the line they were read from), so the server
 * holds a 100,000-flow table in less memory than the text of its dump. Flow
 * objects are built only for what leaves the index: a page, an event that
 * needs one (the common event is written from its slot as JSON: writeRowJson).
 *
 * The parts: columns.ts (storage), id-index.ts (flow id -> slot),
 * links.ts (expectations and master links), query.ts (filters, pages).
 * This file writes flows into the slots: dumps and events.
 */
import type { TextBytes } from '../../lib/text-bytes.js';
import { type EventType, type Expectation, type Flow, type FlowCounters, protocolName } from '../parse.js';
import { type FlowScan, flowOfScan } from '../scan.js';
import {
  ASSURED,
  columnAddresses,
  copyTuple,
  EVENT_SEEN,
  FlowColumns,
  HAS_COUNTERS,
  HAS_EXPIRES,
  HAS_MASTER,
  HAS_START,
  Interned,
  LINK_EXPECTATION,
  LINK_HEURISTIC,
  LIVE,
  NO_VALUE,
  ODD,
  SEEN,
  tuplesAt,
  UNREPLIED,
} from './columns.js';
import type { ExpectationEntry, FlowEntry, FlowsView } from './entries.js';
import { FlowIds } from './id-index.js';
import { MasterLinks } from './links.js';
import { countFlows, type FlowFilter, type FlowPage, type FlowQuery, type IndexedFlows, queryFlows } from './query.js';
import { writeFlowRowJson } from './row-json.js';

export class ConntrackTable {
  private readonly c = new FlowColumns();
  private readonly states = new Interned();
  private readonly helpers = new Interned();
  private readonly ids = new FlowIds();
  private readonly links: MasterLinks;
  /** What queries read (query.ts). */
  private readonly indexed: IndexedFlows;
  /** Bumped on every change to the flows (and their master links): what a cached page is valid for. */
  version = 0;
  readonly expectations: ReadonlyMap<string, ExpectationEntry>;
  private now: () => number;
  private replacing = false;
  private readonly addrScratch = new Uint32Array(4);
  /** Ids of flows destroyed by an event while a dump was being read. */
  private readonly destroyedDuringReplace = new Set<number>();
  /**
   * Dump lines of the last replace left out because an event had destroyed a
   * flow of that id meanwhile. The kernel reuses an id for a new flow with the
   * same tuple in the same memory, so such a line may be a live flow: the
   * caller dumps once more (ConntrackService.resyncOnce).
   */
  replaceUncertain = 0;

  readonly flows: FlowsView;

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.links = new MasterLinks(this.c, this.ids, (s) => this.entryAt(s), now);
    this.expectations = this.links.expectations;
    this.indexed = {
      c: this.c,
      ids: this.ids,
      states: this.states,
      helpers: this.helpers,
      entryAt: (s) => this.entryAt(s),
    };
    const table = this;
    this.flows = {
      get size() {
        return table.c.live;
      },
      get: (id: string) => {
        const s = this.ids.slotOf(id);
        return s === undefined ? undefined : this.entryAt(s);
      },
      *values() {
        for (let s = 0; s < table.c.high; s++) if ((table.c.flags[s] as number) & LIVE) yield table.entryAt(s);
      },
    };
  }

  // --- slots <-> entries --------------------------------------------------------------

  /** A slot's master link, as two fields (no object of its own: an entry is built per flow event). */
  masterIdOf(s: number): string | null {
    return (this.c.flags[s] as number) & HAS_MASTER ? this.ids.string(this.c.master[s] as number) : null;
  }

  private masterLinkOf(s: number): FlowEntry['masterLinkedBy'] {
    const f = this.c.flags[s] as number;
    if (!(f & HAS_MASTER)) return null;
    return f & LINK_EXPECTATION ? 'expectation' : f & LINK_HEURISTIC ? 'heuristic' : null;
  }

  private countersAt(s: number): FlowCounters | null {
    const c = this.c;
    if (!((c.flags[s] as number) & HAS_COUNTERS)) return null;
    return {
      origPackets: c.packets[2 * s] as number,
      origBytes: c.bytes[2 * s] as number,
      replyPackets: c.packets[2 * s + 1] as number,
      replyBytes: c.bytes[2 * s + 1] as number,
    };
  }

  private ageOf(start: number): number {
    return Math.max(0, Math.floor((this.now() - start) / 1000));
  }

  /** Writes a line's counters and start time into a slot (when the line has them). */
  private putCounters(s: number, flow: Flow): number {
    const c = this.c;
    let f = 0;
    const k = flow.counters;
    if (k) {
      c.packets[2 * s] = Math.min(k.origPackets, 0xffffffff);
      c.packets[2 * s + 1] = Math.min(k.replyPackets, 0xffffffff);
      c.bytes[2 * s] = k.origBytes;
      c.bytes[2 * s + 1] = k.replyBytes;
      f |= HAS_COUNTERS;
    }
    if (flow.age !== null) {
      c.start[s] = this.now() - flow.age * 1000;
      f |= HAS_START;
    }
    return f;
  }

  /**
   * Counters and start time of a flow the index holds, from a dump line
   * (flow events carry no counters): nothing else of the slot changes, and a
   * line for a flow the index no longer holds is ignored.
   */
  updateCounters(flow: Flow): void {
    const s = this.ids.slotOf(flow.id);
    if (s === undefined) return;
    this.c.flags[s] = (this.c.flags[s] as number) | this.putCounters(s, flow);
  }

  /** After updateCounters: cached pages are stale. */
  countersChanged(): void {
    this.version++;
  }

  /** The entry a slot holds, as a new object. */
  private entryAt(s: number): FlowEntry {
    const c = this.c;
    const f = c.flags[s] as number;
    const { original, reply } = tuplesAt(this.c, s);
    const expiresAt = f & HAS_EXPIRES ? (c.expires[s] as number) : null;
    const zone = c.zone[s] as number;
    return {
      id: this.ids.string(c.id[s] as number),
      protocol: protocolName(c.proto[s] as number),
      protonum: c.proto[s] as number,
      state: this.states.name(c.state[s] as number),
      timeout: this.remaining(expiresAt),
      original,
      reply,
      mark: c.mark[s] as number,
      helper: this.helpers.name(c.helper[s] as number),
      assured: (f & ASSURED) !== 0,
      unreplied: (f & UNREPLIED) !== 0,
      zone: zone === NO_VALUE ? null : zone,
      // The reference count is not kept (the API does not show it).
      use: null,
      counters: this.countersAt(s),
      age: f & HAS_START ? this.ageOf(c.start[s] as number) : null,
      expiresAt,
      masterId: this.masterIdOf(s),
      masterLinkedBy: this.masterLinkOf(s),
    };
  }

  /**
   * Writes a flow into its slot (a new one when it is not there yet); keeps the
   * mark, timeout and master link it had when the line leaves them out.
   * Returns the slot and whether it is new.
   */
  private put(flow: Flow, extraFlags = 0): { slot: number; added: boolean } {
    const c = this.c;
    const n = this.ids.number(flow.id, true) as number;
    let s = this.ids.slotById.get(n);
    const added = s === undefined;
    let keep = 0;
    if (s === undefined) {
      s = c.alloc();
      this.ids.slotById.set(n, s);
      c.mark[s] = 0;
    } else {
      keep =
        (c.flags[s] as number) &
        (HAS_MASTER | LINK_EXPECTATION | LINK_HEURISTIC | HAS_EXPIRES | HAS_COUNTERS | HAS_START);
      c.odd.delete(s);
    }
    let f = LIVE | keep | extraFlags | this.putCounters(s, flow);
    if (flow.assured) f |= ASSURED;
    if (flow.unreplied) f |= UNREPLIED;
    if (flow.timeout !== null) {
      f |= HAS_EXPIRES;
      c.expires[s] = this.now() + flow.timeout * 1000;
    }
    c.id[s] = n;
    c.proto[s] = flow.protonum;
    c.state[s] = this.states.code(flow.state);
    const oldHelper = added ? 0 : (c.helper[s] as number);
    c.helper[s] = this.helpers.code(flow.helper);
    // DESTROY and some UPDATE lines omit the mark and use; keep what we knew.
    if (flow.mark) c.mark[s] = flow.mark;
    c.zone[s] = flow.zone ?? NO_VALUE;
    const o = flow.original;
    const r = flow.reply;
    if (columnAddresses(o, r, this.addrScratch)) {
      const a = s * 4;
      const x = this.addrScratch;
      c.addr[a] = x[0] as number;
      c.addr[a + 1] = x[1] as number;
      c.addr[a + 2] = x[2] as number;
      c.addr[a + 3] = x[3] as number;
      c.port[a] = o.sport as number;
      c.port[a + 1] = o.dport as number;
      c.port[a + 2] = r.sport as number;
      c.port[a + 3] = r.dport as number;
    } else {
      f |= ODD;
      c.odd.set(s, { original: copyTuple(o), reply: copyTuple(r) });
    }
    c.flags[s] = f;
    if (flow.helper || oldHelper) this.links.indexHelperFlow(flow, n);
    return { slot: s, added };
  }

  /**
   * put() for a scanned line (scan.ts: IPv4, ports, a kernel id, no helper,
   * no zone), written straight from its numbers: no flow object, no address
   * strings. A slot that had a helper goes through put() (the helper index
   * is keyed by the tuple).
   */
  private putScan(x: FlowScan, extraFlags: number): number {
    const c = this.c;
    const n = x.id;
    let s = this.ids.slotById.get(n);
    let keep = 0;
    if (s === undefined) {
      s = c.alloc();
      this.ids.slotById.set(n, s);
      c.mark[s] = 0;
    } else {
      if (c.helper[s]) return this.put(flowOfScan(x), extraFlags).slot;
      keep =
        (c.flags[s] as number) &
        (HAS_MASTER | LINK_EXPECTATION | LINK_HEURISTIC | HAS_EXPIRES | HAS_COUNTERS | HAS_START);
      c.odd.delete(s);
    }
    let f = LIVE | keep | extraFlags | this.putScanCounters(s, x);
    if (x.assured) f |= ASSURED;
    if (x.unreplied) f |= UNREPLIED;
    if (x.timeout >= 0) {
      f |= HAS_EXPIRES;
      c.expires[s] = this.now() + x.timeout * 1000;
    }
    c.id[s] = n;
    c.proto[s] = x.protonum;
    c.state[s] = this.states.code(x.state);
    c.helper[s] = 0;
    if (x.mark) c.mark[s] = x.mark;
    c.zone[s] = NO_VALUE;
    // Element by element: TypedArray.set() of four values cost more than the writes.
    const a = s * 4;
    const xa = x.addr;
    const xp = x.port;
    c.addr[a] = xa[0] as number;
    c.addr[a + 1] = xa[1] as number;
    c.addr[a + 2] = xa[2] as number;
    c.addr[a + 3] = xa[3] as number;
    c.port[a] = xp[0] as number;
    c.port[a + 1] = xp[1] as number;
    c.port[a + 2] = xp[2] as number;
    c.port[a + 3] = xp[3] as number;
    c.flags[s] = f;
    return s;
  }

  private putScanCounters(s: number, x: FlowScan): number {
    const c = this.c;
    let f = 0;
    if (x.hasCounters) {
      c.packets[2 * s] = Math.min(x.origPackets, 0xffffffff);
      c.packets[2 * s + 1] = Math.min(x.replyPackets, 0xffffffff);
      c.bytes[2 * s] = x.origBytes;
      c.bytes[2 * s + 1] = x.replyBytes;
      f |= HAS_COUNTERS;
    }
    if (x.age >= 0) {
      c.start[s] = this.now() - x.age * 1000;
      f |= HAS_START;
    }
    return f;
  }

  /** updateCounters() for a scanned line. */
  updateCountersScan(x: FlowScan): void {
    const s = this.ids.slotById.get(x.id);
    if (s === undefined) return;
    this.c.flags[s] = (this.c.flags[s] as number) | this.putScanCounters(s, x);
  }

  private remove(s: number): void {
    const c = this.c;
    const n = c.id[s] as number;
    if (c.helper[s]) this.links.forgetHelperFlow(c.proto[s] as number, tuplesAt(c, s).original, n);
    this.ids.slotById.delete(n);
    c.release(s);
  }

  // --- loading ---------------------------------------------------------------------------

  /**
   * Starts replacing the flow table with a dump, in place: flows put with
   * `putDumped` are kept (with their master links), and `endReplace` drops
   * every flow the dump did not name. No second copy of the table is built.
   */
  beginReplace(): void {
    const c = this.c;
    for (let s = 0; s < c.high; s++) c.flags[s] = (c.flags[s] as number) & ~(SEEN | EVENT_SEEN);
    this.destroyedDuringReplace.clear();
    this.replaceUncertain = 0;
    this.sweptTo = 0;
    this.replacing = true;
  }

  /**
   * One flow of the dump. Events keep being applied while a dump is read (they
   * are not held back), so a flow an event destroyed meanwhile is not brought
   * back by an older dump line, and one an event wrote keeps the event's state.
   */
  putDumped(flow: Flow): void {
    if (!this.replacing) {
      this.put(flow);
      return;
    }
    const n = this.ids.number(flow.id, false);
    if (n !== undefined) {
      if (this.destroyedDuringReplace.has(n)) {
        // Either the flow the event destroyed, or a new one the kernel gave
        // the same id (same tuple, reused memory) after it: cannot tell.
        this.replaceUncertain++;
        return;
      }
      const s = this.ids.slotById.get(n);
      if (s !== undefined && (this.c.flags[s] as number) & EVENT_SEEN) return;
    }
    this.put(flow, SEEN);
  }

  /** putDumped() for a scanned line (scan.ts). */
  putDumpedScan(x: FlowScan): void {
    if (!this.replacing) {
      this.putScan(x, 0);
      return;
    }
    const n = x.id;
    if (this.destroyedDuringReplace.has(n)) {
      this.replaceUncertain++;
      return;
    }
    const s = this.ids.slotById.get(n);
    if (s !== undefined && (this.c.flags[s] as number) & EVENT_SEEN) return;
    this.putScan(x, SEEN);
  }

  /** Where sweepReplace() has got to (slots below it are swept). */
  private sweptTo = 0;

  /**
   * Part of ending a complete replace, `budget` slots at a time: drops the
   * flows the dump did not name and clears the replace marks. The caller
   * may let events in between two calls (they still count as arriving
   * during the replace); true when every slot is swept. At 1,000,000 slots
   * one sweep is tens of ms, too long for the event loop in one go.
   */
  sweepReplace(budget = Number.POSITIVE_INFINITY): boolean {
    const c = this.c;
    const to = Math.min(c.high, this.sweptTo + budget);
    for (let s = this.sweptTo; s < to; s++) {
      const f = c.flags[s] as number;
      if (f & LIVE && !(f & SEEN)) this.remove(s);
      else c.flags[s] = f & ~(SEEN | EVENT_SEEN);
    }
    this.sweptTo = to;
    if (to > 0) this.version++;
    return to >= c.high;
  }

  /** Ends a replace; with `complete` false (a dump that failed), nothing is dropped. */
  endReplace(complete = true): void {
    const c = this.c;
    if (complete) this.sweepReplace();
    this.replacing = false;
    this.version++;
    // Marks left by events during a sweep, or by a failed replace.
    for (let s = 0; s < c.high; s++) c.flags[s] = (c.flags[s] as number) & ~(SEEN | EVENT_SEEN);
    this.destroyedDuringReplace.clear();
    if (!complete) return;
    this.links.linkHeuristically();
    this.links.relinkExpectations();
  }

  /** Replaces the flow table with a dump; master links of flows that are still there are kept. */
  replaceFlows(flows: Iterable<Flow>): void {
    this.beginReplace();
    for (const f of flows) this.putDumped(f);
    this.endReplace();
  }

  replaceExpectations(list: Iterable<Expectation>): void {
    this.version++;
    this.links.replaceExpectations(list);
  }

  // --- events ------------------------------------------------------------------------------

  /**
   * Applies one flow event; returns the entry as it now stands (for destroy:
   * as it was). The entry is built from the event's own flow object and what
   * the index knew (mark, master link), so no tuple is rebuilt from the columns.
   */
  applyFlowEvent(type: EventType, flow: Flow): FlowEntry {
    this.version++;
    if (type === 'destroy') {
      const s = this.ids.slotOf(flow.id);
      const e = this.eventEntry(flow, s);
      if (s !== undefined) this.remove(s);
      if (this.replacing) this.destroyedDuringReplace.add(this.ids.number(flow.id, true) as number);
      return e;
    }
    if (this.replacing) this.destroyedDuringReplace.delete(this.ids.number(flow.id, true) as number);
    const { slot, added } = this.put(flow, this.replacing ? SEEN | EVENT_SEEN : 0);
    if (added && type === 'new' && flow.age === null && !((this.c.flags[slot] as number) & HAS_START)) {
      // A NEW event carries no start time: the flow began as it was read.
      this.c.start[slot] = this.now();
      this.c.flags[slot] = (this.c.flags[slot] as number) | HAS_START;
    }
    if (added) this.links.linkNewFlow(flow, slot);
    return this.eventEntry(flow, slot);
  }

  /**
   * applyFlowEvent() for a scanned line (scan.ts), with no object built:
   * `seen` is called with the slot as the event leaves it (for destroy:
   * before it is freed), for the caller to read it (writeRowJson). Its entry
   * is what applyFlowEvent() would return. False, with nothing applied,
   * for an event this path does not take (a destroy of a flow the index
   * does not hold or that has a helper): apply flowOfScan(x) instead.
   */
  applyScanEvent(type: EventType, x: FlowScan, seen: (slot: number) => void): boolean {
    const c = this.c;
    const known = this.ids.slotById.get(x.id);
    if (type === 'destroy') {
      if (known === undefined || c.helper[known]) return false;
      this.version++;
      // The line over what the slot knew, as eventEntry() reads them.
      const s = this.putScan(x, 0);
      seen(s);
      this.remove(s);
      if (this.replacing) this.destroyedDuringReplace.add(x.id);
      return true;
    }
    this.version++;
    if (this.replacing) this.destroyedDuringReplace.delete(x.id);
    const s = this.putScan(x, this.replacing ? SEEN | EVENT_SEEN : 0);
    if (known === undefined) {
      if (type === 'new' && x.age < 0) {
        // A NEW event carries no start time: the flow began as it was read.
        c.start[s] = this.now();
        c.flags[s] = (c.flags[s] as number) | HAS_START;
      }
      if (this.links.wantsFlow) this.links.linkNewFlow(flowOfScan(x), s);
      else this.links.noteRecent(s);
    }
    seen(s);
    return true;
  }

  /**
   * Writes the API row of a slot (rows.ts toFlowRow of entryAt) as JSON
   * into `out`, from the columns (row-json.ts); `tail` is its forward and
   * panel fields.
   */
  writeRowJson(s: number, tail: string, out: TextBytes): void {
    const c = this.c;
    const f = c.flags[s] as number;
    writeFlowRowJson(
      out,
      c,
      s,
      this.ids.string(c.id[s] as number),
      this.states.name(c.state[s] as number),
      this.helpers.name(c.helper[s] as number),
      this.remaining(f & HAS_EXPIRES ? (c.expires[s] as number) : null),
      f & HAS_START ? this.ageOf(c.start[s] as number) : null,
      this.masterIdOf(s),
      this.masterLinkOf(s),
      tail,
    );
  }

  private eventEntry(flow: Flow, s: number | undefined): FlowEntry {
    const c = this.c;
    const known = s !== undefined;
    return {
      id: flow.id,
      protocol: flow.protocol,
      protonum: flow.protonum,
      state: flow.state,
      timeout: flow.timeout,
      original: flow.original,
      reply: flow.reply,
      mark: flow.mark || (known ? (c.mark[s] as number) : 0),
      helper: flow.helper,
      assured: flow.assured,
      unreplied: flow.unreplied,
      zone: flow.zone,
      use: flow.use,
      counters: flow.counters ?? (known ? this.countersAt(s) : null),
      age: flow.age ?? (known && (c.flags[s] as number) & HAS_START ? this.ageOf(c.start[s] as number) : null),
      expiresAt:
        flow.timeout !== null
          ? this.now() + flow.timeout * 1000
          : known && (c.flags[s] as number) & HAS_EXPIRES
            ? (c.expires[s] as number)
            : null,
      masterId: known ? this.masterIdOf(s) : null,
      masterLinkedBy: known ? this.masterLinkOf(s) : null,
    };
  }

  /**
   * Flows linked to their master after they arrived: `conntrack -E` and
   * `conntrack -E expect` are two streams, so a quick data connection's NEW
   * can be read before the expectation it consumed. Returned once.
   */
  takeLateLinks(): FlowEntry[] {
    return this.links.takeLateLinks();
  }

  applyExpectationEvent(type: EventType, x: Expectation): ExpectationEntry {
    this.version++;
    return this.links.applyExpectationEvent(type, x);
  }

  /** Seconds left, computed now from the kernel's last report. */
  remaining(expiresAt: number | null): number | null {
    return expiresAt === null ? null : Math.max(0, Math.round((expiresAt - this.now()) / 1000));
  }

  // --- queries ---------------------------------------------------------------------------

  count(filter: FlowFilter = {}): number {
    return countFlows(this.indexed, filter);
  }

  /** One page after the cursor, sorted; ties broken by the flow id (query.ts). */
  query(q: FlowQuery): FlowPage {
    return queryFlows(this.indexed, q);
  }
}
