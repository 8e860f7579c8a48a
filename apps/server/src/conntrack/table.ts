/**
 * In-memory index of the flow and expectation tables, fed by a dump and kept
 * current by the event streams, so that a filtered, sorted page of 100 out of
 * 100,000 flows costs one pass over the index (a bounded top-k selection),
 * not a `conntrack -L` per request.
 *
 * Flows are held column-wise in typed arrays (see FlowColumns), one slot per
 * flow: about 80 bytes a flow instead of ~1.2 KB as objects (a flow, two tuples,
 * address strings sliced out of the line they were read from), so the server
 * holds a 100,000-flow table in less memory than the text of its dump. Flow
 * objects are built only for what leaves the index: a page, an event.
 *
 * Master links: the kernel knows which control flow a data flow belongs to
 * (ct->master) but conntrack-tools never prints it. We recover it two ways:
 * exactly, when a NEW flow matches a live expectation (the expectation names
 * its master tuple), and heuristically for flows found in a dump, when a
 * helper-less flow runs between the same two addresses as exactly one flow
 * with a helper.
 */
import {
  type EventType,
  type Expectation,
  type Flow,
  intToIpv4,
  ipv4ToInt,
  matchesExpectation,
  protocolName,
  type Tuple,
  tupleKey,
} from './parse.js';

export interface FlowEntry extends Flow {
  /** Epoch ms when the flow times out, from the last timeout the kernel reported. */
  expiresAt: number | null;
  masterId: string | null;
  masterLinkedBy: 'expectation' | 'heuristic' | null;
}

export interface ExpectationEntry extends Expectation {
  expiresAt: number | null;
  /** The control flow whose original tuple is this expectation's master tuple. */
  masterId: string | null;
}

export const FLOW_SORT_FIELDS = [
  'id',
  'protocol',
  'src',
  'dst',
  'sport',
  'dport',
  'state',
  'timeout',
  'mark',
  'helper',
] as const;
export type FlowSortField = (typeof FLOW_SORT_FIELDS)[number];

export interface FlowFilter {
  protocol?: string;
  /** Any address of either tuple. */
  address?: string;
  /** Any port of either tuple. */
  port?: number;
  state?: string;
  /** A helper name, or 'none'. */
  helper?: string;
  mark?: number;
}

export interface FlowQuery extends FlowFilter {
  sort: FlowSortField;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

export interface FlowPage {
  items: FlowEntry[];
  total: number;
  nextCursor: string | null;
}

type SortValue = number | string;

export function encodeCursor(value: SortValue, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [SortValue, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      (typeof v[0] === 'number' || typeof v[0] === 'string') &&
      typeof v[1] === 'string'
    ) {
      return [v[0], v[1]];
    }
  } catch {
    // fall through
  }
  return null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this server handed out');
    this.name = 'InvalidCursorError';
  }
}

// --- the columns -----------------------------------------------------------------

const LIVE = 1;
const ASSURED = 2;
const UNREPLIED = 4;
/** Tuples that do not fit the columns (IPv6, ICMP, no ports) are kept as objects in `odd`. */
const ODD = 8;
const HAS_EXPIRES = 16;
const HAS_MASTER = 32;
const LINK_EXPECTATION = 64;
const LINK_HEURISTIC = 128;
/** Set on every flow a dump is replacing the table with (see beginReplace). */
const SEEN = 256;
/** Set on a flow an event wrote while a dump was being read: the dump's line for it may be older. */
const EVENT_SEEN = 512;

/** Ids without a kernel id (`t:` + tuple) get numbers from here up. */
const SYNTHETIC_BASE = 2 ** 40;
const NO_VALUE = -1;
/** Most flows the index holds (address space reserved per column, not memory). */
const MAX_SLOTS = 2 ** 24;
/** New unlinked flows remembered for linking to an expectation read after them. */
const RECENT = 16_384;

/** Small string tables (states, helpers): code 0 is null. */
class Interned {
  readonly names: Array<string | null> = [null];
  private readonly codes = new Map<string, number>();
  code(name: string | null): number {
    if (name === null) return 0;
    let c = this.codes.get(name);
    if (c === undefined) {
      c = this.names.length;
      // A copy, not a slice of the line it was read from.
      this.names.push(Buffer.from(name, 'latin1').toString('latin1'));
      this.codes.set(this.names[c] as string, c);
    }
    return c;
  }
  find(name: string): number | undefined {
    return this.codes.get(name);
  }
  name(code: number): string | null {
    return this.names[code] ?? null;
  }
  /** Rank of each code in string order (null first), for sorting by name. */
  ranks(): Float64Array {
    const order = this.names.map((n, i) => ({ n: n ?? '', i })).sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
    const r = new Float64Array(this.names.length);
    order.forEach((o, rank) => {
      r[o.i] = rank;
    });
    return r;
  }
  /** Where a name that may not be in the table falls among the ranks. */
  rankOf(name: string): number {
    const sorted = this.names.map((n) => n ?? '').sort();
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as string) < name) lo = mid + 1;
      else hi = mid;
    }
    return sorted[lo] === name ? lo : lo - 0.5;
  }
}

/**
 * One slot per flow. Addresses are IPv4 as uint32 and ports as uint16, four of
 * each (original src/dst, reply src/dst); a flow whose tuples do not fit goes
 * to the `odd` side table with its tuple objects.
 */
/** ES2024 resizable ArrayBuffer (Node 20 has it; the TypeScript lib here predates it). */
type ResizableArrayBuffer = ArrayBuffer & { resize(byteLength: number): void };
type ResizableArrayBufferConstructor = new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;

class FlowColumns {
  capacity = 0;
  /** Slots in use or freed; slots at and above it were never used. */
  high = 0;
  live = 0;
  private free: number[] = [];
  private readonly buffers: Array<{ buffer: ResizableArrayBuffer; perSlot: number }> = [];
  readonly flags = this.column(Uint16Array);
  readonly id = this.column(Float64Array);
  readonly proto = this.column(Uint8Array);
  readonly state = this.column(Uint16Array);
  readonly helper = this.column(Uint16Array);
  readonly addr = this.column(Uint32Array, 4);
  readonly port = this.column(Uint16Array, 4);
  readonly mark = this.column(Uint32Array);
  readonly zone = this.column(Int32Array);
  readonly expires = this.column(Float64Array);
  readonly master = this.column(Float64Array);
  readonly odd = new Map<number, { original: Tuple; reply: Tuple }>();

  /**
   * A column on a resizable ArrayBuffer: it grows in place (the address
   * space for MAX_SLOTS is reserved, pages are only used once written), so
   * growing never copies a column nor leaves the old one for the GC.
   */
  private column<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(
    Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
    per = 1,
  ): T {
    const bytes = Type.BYTES_PER_ELEMENT * per;
    const buffer = new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(0, {
      maxByteLength: MAX_SLOTS * bytes,
    });
    this.buffers.push({ buffer, perSlot: bytes });
    return new Type(buffer);
  }

  alloc(): number {
    const s = this.free.pop() ?? this.high++;
    if (s >= this.capacity) this.grow(Math.min(MAX_SLOTS, Math.max(1024, this.capacity * 2)));
    this.live++;
    return s;
  }

  release(s: number): void {
    this.flags[s] = 0;
    this.odd.delete(s);
    this.live--;
    this.free.push(s);
  }

  private grow(capacity: number): void {
    if (capacity <= this.capacity) throw new RangeError(`the flow index is full (${MAX_SLOTS} flows)`);
    for (const b of this.buffers) b.buffer.resize(capacity * b.perSlot);
    this.capacity = capacity;
  }
}

/**
 * Flow id -> slot, open addressing with linear probing in typed arrays. A
 * `Map<number, number>` held kernel ids (random 32-bit numbers, most of them
 * too large for V8's small integers) as one heap number each, ~40 bytes an
 * entry; this is 12 bytes a bucket at most half full.
 */
class IdIndex {
  private keys = new Float64Array(0);
  private slots = new Int32Array(0);
  private mask = 0;
  size = 0;

  constructor() {
    this.resize(1024);
  }

  private home(k: number): number {
    let h = Math.imul((k >>> 0) ^ Math.imul((k / 4294967296) >>> 0, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }

  private find(k: number): number {
    for (let i = this.home(k); ; i = (i + 1) & this.mask) {
      if (this.slots[i] === -1 || this.keys[i] === k) return i;
    }
  }

  get(k: number): number | undefined {
    const i = this.find(k);
    const v = this.slots[i] as number;
    return v === -1 ? undefined : v;
  }

  set(k: number, slot: number): void {
    if ((this.size + 1) * 2 > this.slots.length) this.resize(this.slots.length * 2);
    const i = this.find(k);
    if (this.slots[i] === -1) this.size++;
    this.keys[i] = k;
    this.slots[i] = slot;
  }

  delete(k: number): void {
    let i = this.find(k);
    if (this.slots[i] === -1) return;
    this.size--;
    // Backward-shift deletion: later entries of the probe run move up, so no tombstones.
    for (let j = (i + 1) & this.mask; this.slots[j] !== -1; j = (j + 1) & this.mask) {
      const h = this.home(this.keys[j] as number);
      const between = i <= j ? i < h && h <= j : i < h || h <= j;
      if (between) continue;
      this.keys[i] = this.keys[j] as number;
      this.slots[i] = this.slots[j] as number;
      i = j;
    }
    this.slots[i] = -1;
  }

  private resize(buckets: number): void {
    const keys = this.keys;
    const slots = this.slots;
    this.keys = new Float64Array(buckets);
    this.slots = new Int32Array(buckets).fill(-1);
    this.mask = buckets - 1;
    this.size = 0;
    for (let i = 0; i < slots.length; i++) if (slots[i] !== -1) this.set(keys[i] as number, slots[i] as number);
  }
}

/** A flow's original and reply tuples fit the columns: IPv4, both ports, no ICMP. */
/**
 * Whether a flow's tuples fit the columns (IPv4, both ports, no ICMP); if
 * so, its four addresses are written into `out` (nothing allocated).
 */
function columnAddresses(o: Tuple, r: Tuple, out: Uint32Array): boolean {
  if (o.icmp || r.icmp || o.sport === null || o.dport === null || r.sport === null || r.dport === null) return false;
  const a = ipv4ToInt(o.src);
  const b = ipv4ToInt(o.dst);
  const c = ipv4ToInt(r.src);
  const d = ipv4ToInt(r.dst);
  if (a === null || b === null || c === null || d === null) return false;
  out[0] = a;
  out[1] = b;
  out[2] = c;
  out[3] = d;
  return true;
}

function copyTuple(t: Tuple): Tuple {
  // Address strings copied: a slice would keep the whole line it came from alive.
  const c: Tuple = {
    src: Buffer.from(t.src, 'latin1').toString('latin1'),
    dst: Buffer.from(t.dst, 'latin1').toString('latin1'),
    sport: t.sport,
    dport: t.dport,
  };
  if (t.icmp) c.icmp = { ...t.icmp };
  return c;
}

/** The flows as a read-only map of entries (built on demand). */
export interface FlowsView {
  readonly size: number;
  get(id: string): FlowEntry | undefined;
  values(): IterableIterator<FlowEntry>;
}

export class ConntrackTable {
  private readonly c = new FlowColumns();
  private readonly states = new Interned();
  private readonly helpers = new Interned();
  private readonly slotById = new IdIndex();
  private readonly synthetic = new Map<string, number>();
  private readonly syntheticIds: string[] = [];
  /** Bumped on every change to the flows (and their master links): what a cached page is valid for. */
  version = 0;
  readonly expectations = new Map<string, ExpectationEntry>();
  /**
   * Original tuple -> id of flows with a helper: only those can be the master
   * of an expectation, so only those are indexed by tuple.
   */
  private readonly byOriginal = new Map<string, number>();
  /**
   * Expectations destroyed in the last few seconds. The expectation's DESTROY
   * and the data flow's NEW come from two event streams with no order between
   * them, so the data flow may arrive after its expectation is gone.
   */
  private recentlyGone: Array<{ at: number; x: ExpectationEntry }> = [];
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
    const table = this;
    this.flows = {
      get size() {
        return table.c.live;
      },
      get: (id: string) => {
        const s = this.slotOf(id);
        return s === undefined ? undefined : this.entryAt(s);
      },
      *values() {
        for (let s = 0; s < table.c.high; s++) if ((table.c.flags[s] as number) & LIVE) yield table.entryAt(s);
      },
    };
  }

  // --- ids -------------------------------------------------------------------------

  /** The number a flow id is held as: the kernel's id, or a number given to a `t:` id. */
  private numericId(id: string, create: boolean): number | undefined {
    if (id.length > 0 && id.length <= 12) {
      let n = 0;
      for (let i = 0; i < id.length; i++) {
        const ch = id.charCodeAt(i);
        if (ch < 48 || ch > 57) {
          n = -1;
          break;
        }
        n = n * 10 + (ch - 48);
      }
      if (n >= 0) return n;
    }
    let n = this.synthetic.get(id);
    if (n === undefined && create) {
      n = SYNTHETIC_BASE + this.syntheticIds.length;
      const copy = Buffer.from(id, 'latin1').toString('latin1');
      this.syntheticIds.push(copy);
      this.synthetic.set(copy, n);
    }
    return n;
  }

  private idString(n: number): string {
    return n >= SYNTHETIC_BASE ? (this.syntheticIds[n - SYNTHETIC_BASE] as string) : String(n);
  }

  private slotOf(id: string): number | undefined {
    const n = this.numericId(id, false);
    return n === undefined ? undefined : this.slotById.get(n);
  }

  // --- slots <-> entries --------------------------------------------------------------

  private tuples(s: number): { original: Tuple; reply: Tuple } {
    const c = this.c;
    if ((c.flags[s] as number) & ODD) return c.odd.get(s) as { original: Tuple; reply: Tuple };
    const a = s * 4;
    return {
      original: {
        src: intToIpv4(c.addr[a] as number),
        dst: intToIpv4(c.addr[a + 1] as number),
        sport: c.port[a] as number,
        dport: c.port[a + 1] as number,
      },
      reply: {
        src: intToIpv4(c.addr[a + 2] as number),
        dst: intToIpv4(c.addr[a + 3] as number),
        sport: c.port[a + 2] as number,
        dport: c.port[a + 3] as number,
      },
    };
  }

  private masterOf(s: number): Pick<FlowEntry, 'masterId' | 'masterLinkedBy'> {
    const f = this.c.flags[s] as number;
    if (!(f & HAS_MASTER)) return { masterId: null, masterLinkedBy: null };
    return {
      masterId: this.idString(this.c.master[s] as number),
      masterLinkedBy: f & LINK_EXPECTATION ? 'expectation' : f & LINK_HEURISTIC ? 'heuristic' : null,
    };
  }

  /** The entry a slot holds, as a new object. */
  private entryAt(s: number): FlowEntry {
    const c = this.c;
    const f = c.flags[s] as number;
    const { original, reply } = this.tuples(s);
    const expiresAt = f & HAS_EXPIRES ? (c.expires[s] as number) : null;
    const zone = c.zone[s] as number;
    return {
      id: this.idString(c.id[s] as number),
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
      expiresAt,
      ...this.masterOf(s),
    };
  }

  /**
   * Writes a flow into its slot (a new one when it is not there yet); keeps the
   * mark, timeout and master link it had when the line leaves them out.
   * Returns the slot and whether it is new.
   */
  private put(flow: Flow, extraFlags = 0): { slot: number; added: boolean } {
    const c = this.c;
    const n = this.numericId(flow.id, true) as number;
    let s = this.slotById.get(n);
    const added = s === undefined;
    let keep = 0;
    if (s === undefined) {
      s = c.alloc();
      this.slotById.set(n, s);
      c.mark[s] = 0;
    } else {
      keep = (c.flags[s] as number) & (HAS_MASTER | LINK_EXPECTATION | LINK_HEURISTIC | HAS_EXPIRES);
      c.odd.delete(s);
    }
    let f = LIVE | keep | extraFlags;
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
      c.addr.set(this.addrScratch, a);
      c.port[a] = o.sport as number;
      c.port[a + 1] = o.dport as number;
      c.port[a + 2] = r.sport as number;
      c.port[a + 3] = r.dport as number;
    } else {
      f |= ODD;
      c.odd.set(s, { original: copyTuple(o), reply: copyTuple(r) });
    }
    c.flags[s] = f;
    if (flow.helper || oldHelper) {
      const key = tupleKey(flow.protonum, o);
      if (flow.helper) this.byOriginal.set(key, n);
      else if (this.byOriginal.get(key) === n) this.byOriginal.delete(key);
    }
    return { slot: s, added };
  }

  private remove(s: number): void {
    const c = this.c;
    const n = c.id[s] as number;
    if (c.helper[s]) {
      const key = tupleKey(c.proto[s] as number, this.tuples(s).original);
      if (this.byOriginal.get(key) === n) this.byOriginal.delete(key);
    }
    this.slotById.delete(n);
    c.release(s);
  }

  private setMaster(s: number, masterId: string, by: 'expectation' | 'heuristic'): void {
    const m = this.numericId(masterId, true) as number;
    this.c.master[s] = m;
    this.c.flags[s] =
      ((this.c.flags[s] as number) & ~(LINK_EXPECTATION | LINK_HEURISTIC)) |
      HAS_MASTER |
      (by === 'expectation' ? LINK_EXPECTATION : LINK_HEURISTIC);
  }

  private masterIdOf(x: Expectation): string | null {
    const n = this.byOriginal.get(tupleKey(x.protonum, x.master));
    return n === undefined ? null : this.idString(n);
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
    const n = this.numericId(flow.id, false);
    if (n !== undefined) {
      if (this.destroyedDuringReplace.has(n)) {
        // Either the flow the event destroyed, or a new one the kernel gave
        // the same id (same tuple, reused memory) after it: cannot tell.
        this.replaceUncertain++;
        return;
      }
      const s = this.slotById.get(n);
      if (s !== undefined && (this.c.flags[s] as number) & EVENT_SEEN) return;
    }
    this.put(flow, SEEN);
  }

  /** Ends a replace; with `complete` false (a dump that failed), nothing is dropped. */
  endReplace(complete = true): void {
    const c = this.c;
    this.replacing = false;
    this.version++;
    if (complete) {
      for (let s = 0; s < c.high; s++) {
        const f = c.flags[s] as number;
        if (f & LIVE && !(f & SEEN)) this.remove(s);
      }
    }
    for (let s = 0; s < c.high; s++) c.flags[s] = (c.flags[s] as number) & ~(SEEN | EVENT_SEEN);
    this.destroyedDuringReplace.clear();
    if (!complete) return;
    this.linkHeuristically();
    for (const x of this.expectations.values()) x.masterId = this.masterIdOf(x);
  }

  /** Replaces the flow table with a dump; master links of flows that are still there are kept. */
  replaceFlows(flows: Iterable<Flow>): void {
    this.beginReplace();
    for (const f of flows) this.putDumped(f);
    this.endReplace();
  }

  replaceExpectations(list: Iterable<Expectation>): void {
    this.version++;
    this.expectations.clear();
    for (const x of list) this.putExpectation(x);
  }

  private putExpectation(x: Expectation): ExpectationEntry {
    const e: ExpectationEntry = {
      ...x,
      expiresAt: x.timeout === null ? null : this.now() + x.timeout * 1000,
      masterId: this.masterIdOf(x),
    };
    this.expectations.set(e.id, e);
    return e;
  }

  // --- events ------------------------------------------------------------------------------

  /**
   * Applies one flow event; returns the entry as it now stands (for destroy:
   * as it was). The entry is built from the event's own flow object and what
   * the index knew (mark, master link), so no tuple is rebuilt from the columns.
   */
  applyFlowEvent(type: EventType, flow: Flow): FlowEntry {
    this.version++;
    const c = this.c;
    if (type === 'destroy') {
      const s = this.slotOf(flow.id);
      const e = this.eventEntry(flow, s);
      if (s !== undefined) this.remove(s);
      if (this.replacing) this.destroyedDuringReplace.add(this.numericId(flow.id, true) as number);
      return e;
    }
    if (this.replacing) this.destroyedDuringReplace.delete(this.numericId(flow.id, true) as number);
    const { slot, added } = this.put(flow, this.replacing ? SEEN | EVENT_SEEN : 0);
    if (added && (this.expectations.size > 0 || this.recentlyGone.length > 0)) {
      // A new data connection: the expectation it consumes names the master.
      const cutoff = this.now() - 10_000;
      if ((this.recentlyGone[0]?.at ?? cutoff) < cutoff)
        this.recentlyGone = this.recentlyGone.filter((r) => r.at >= cutoff);
      const candidates = [...this.expectations.values(), ...this.recentlyGone.map((r) => r.x)];
      for (const x of candidates) {
        const masterId = x.masterId ?? this.masterIdOf(x);
        if (masterId && matchesExpectation(flow, x)) {
          this.setMaster(slot, masterId, 'expectation');
          break;
        }
      }
    }
    if (added && !((c.flags[slot] as number) & HAS_MASTER) && !flow.helper) {
      const i = this.recentNext++ % RECENT;
      this.recentAt[i] = this.now();
      this.recentId[i] = c.id[slot] as number;
    }
    return this.eventEntry(flow, slot);
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
      expiresAt:
        flow.timeout !== null
          ? this.now() + flow.timeout * 1000
          : known && (c.flags[s] as number) & HAS_EXPIRES
            ? (c.expires[s] as number)
            : null,
      ...(known ? this.masterOf(s) : { masterId: null, masterLinkedBy: null }),
    };
  }

  /**
   * Flows linked to their master after they arrived: `conntrack -E` and
   * `conntrack -E expect` are two streams, so a quick data connection's NEW
   * can be read before the expectation it consumed. Returned once.
   */
  takeLateLinks(): FlowEntry[] {
    const out = this.lateLinks;
    this.lateLinks = [];
    return out;
  }

  private lateLinks: FlowEntry[] = [];
  /**
   * The last RECENT new flows that had neither master nor helper, as a ring
   * of (time, id) in typed arrays: at 10,000 new flows a second an object per
   * flow kept for ten seconds is what made V8 grow its young generation.
   */
  private readonly recentAt = new Float64Array(RECENT);
  private readonly recentId = new Float64Array(RECENT);
  private recentNext = 0;

  private linkLate(x: ExpectationEntry): void {
    const masterId = x.masterId ?? this.masterIdOf(x);
    if (!masterId) return;
    const cutoff = this.now() - 10_000;
    const c = this.c;
    const dportMask = x.mask.dport ?? 0;
    const dport = (x.expected.dport ?? 0) & dportMask;
    for (let n = Math.max(0, this.recentNext - RECENT); n < this.recentNext; n++) {
      const i = n % RECENT;
      if ((this.recentAt[i] as number) < cutoff) continue;
      const id = this.recentId[i] as number;
      const s = this.slotById.get(id);
      if (s === undefined || c.proto[s] !== x.protonum) continue;
      const f = c.flags[s] as number;
      if (f & HAS_MASTER || this.idString(id) === masterId) continue;
      // The data port first, from the columns; the whole tuple only for the few that pass.
      if (!(f & ODD) && ((c.port[s * 4 + 1] as number) & dportMask) !== dport) continue;
      if (matchesExpectation(this.entryAt(s), x)) {
        this.setMaster(s, masterId, 'expectation');
        this.lateLinks.push(this.entryAt(s));
      }
    }
  }

  applyExpectationEvent(type: EventType, x: Expectation): ExpectationEntry {
    this.version++;
    const entry = this.applyExpectationEventInner(type, x);
    this.linkLate(entry);
    return entry;
  }

  private applyExpectationEventInner(type: EventType, x: Expectation): ExpectationEntry {
    if (type === 'destroy') {
      const prev = this.expectations.get(x.id);
      this.expectations.delete(x.id);
      const gone = prev ?? { ...x, expiresAt: null, masterId: this.masterIdOf(x) };
      this.recentlyGone.push({ at: this.now(), x: gone });
      if (this.recentlyGone.length > 1000) this.recentlyGone.shift();
      return gone;
    }
    return this.putExpectation(x);
  }

  private linkHeuristically(): void {
    const c = this.c;
    const helpersByPair = new Map<string, number[]>();
    const pair = (s: number) => {
      if ((c.flags[s] as number) & ODD) {
        const o = (c.odd.get(s) as { original: Tuple }).original;
        return `${o.src}|${o.dst}`;
      }
      return `${c.addr[s * 4]}|${c.addr[s * 4 + 1]}`;
    };
    for (let s = 0; s < c.high; s++) {
      if (!((c.flags[s] as number) & LIVE) || !c.helper[s]) continue;
      const k = pair(s);
      const list = helpersByPair.get(k);
      if (list) list.push(c.id[s] as number);
      else helpersByPair.set(k, [c.id[s] as number]);
    }
    if (helpersByPair.size === 0) return;
    for (let s = 0; s < c.high; s++) {
      const f = c.flags[s] as number;
      if (!(f & LIVE) || c.helper[s] || f & HAS_MASTER) continue;
      const candidates = helpersByPair.get(pair(s));
      if (candidates?.length === 1) this.setMaster(s, this.idString(candidates[0] as number), 'heuristic');
    }
  }

  /** Seconds left, computed now from the kernel's last report. */
  remaining(expiresAt: number | null): number | null {
    return expiresAt === null ? null : Math.max(0, Math.round((expiresAt - this.now()) / 1000));
  }

  // --- queries ---------------------------------------------------------------------------

  /** A filter as a test on a slot, with its values resolved once against the columns. */
  private matcher(q: FlowFilter): ((s: number) => boolean) | null {
    const c = this.c;
    const tests: Array<(s: number) => boolean> = [];
    if (q.protocol !== undefined) {
      const p = q.protocol;
      tests.push((s) => {
        const n = c.proto[s] as number;
        return protocolName(n) === p || String(n) === p;
      });
    }
    if (q.state !== undefined) {
      const want = q.state.toUpperCase();
      const ok = this.states.names.map((n) => (n ?? '').toUpperCase() === want);
      tests.push((s) => ok[c.state[s] as number] === true);
    }
    if (q.helper !== undefined) {
      const code = q.helper === 'none' ? 0 : (this.helpers.find(q.helper) ?? -1);
      tests.push((s) => c.helper[s] === code);
    }
    if (q.mark !== undefined) {
      const m = q.mark;
      tests.push((s) => c.mark[s] === m);
    }
    if (q.address !== undefined) {
      const a = q.address;
      const n = ipv4ToInt(a);
      tests.push((s) => {
        if ((c.flags[s] as number) & ODD) {
          const t = c.odd.get(s) as { original: Tuple; reply: Tuple };
          return t.original.src === a || t.original.dst === a || t.reply.src === a || t.reply.dst === a;
        }
        const i = s * 4;
        return n !== null && (c.addr[i] === n || c.addr[i + 1] === n || c.addr[i + 2] === n || c.addr[i + 3] === n);
      });
    }
    if (q.port !== undefined) {
      const p = q.port;
      tests.push((s) => {
        if ((c.flags[s] as number) & ODD) {
          const t = c.odd.get(s) as { original: Tuple; reply: Tuple };
          return t.original.sport === p || t.original.dport === p || t.reply.sport === p || t.reply.dport === p;
        }
        const i = s * 4;
        return c.port[i] === p || c.port[i + 1] === p || c.port[i + 2] === p || c.port[i + 3] === p;
      });
    }
    if (tests.length === 0) return null;
    if (tests.length === 1) return tests[0] as (s: number) => boolean;
    return (s) => tests.every((t) => t(s));
  }

  count(filter: FlowFilter = {}): number {
    const m = this.matcher(filter);
    if (!m) return this.c.live;
    const c = this.c;
    let n = 0;
    for (let s = 0; s < c.high; s++) if ((c.flags[s] as number) & LIVE && m(s)) n++;
    return n;
  }

  /**
   * The sort key of a slot, always a number: names (state, helper) sort by
   * their rank among the names the table holds. `cursorValue` turns a key
   * back into what a cursor carries (the name itself, so a cursor stays
   * valid when new names arrive).
   */
  private sortKey(field: FlowSortField): {
    key: (s: number) => number;
    cursorValue: (s: number) => SortValue;
    fromCursor: (v: SortValue) => number;
  } {
    const c = this.c;
    const num = (v: SortValue) => (typeof v === 'number' ? v : Number.NaN);
    const simple = (key: (s: number) => number) => ({ key, cursorValue: key, fromCursor: num });
    const oddTuple = (s: number) => (c.odd.get(s) as { original: Tuple }).original;
    const address = (i: 0 | 1) =>
      simple((s) => {
        if (!((c.flags[s] as number) & ODD)) return c.addr[s * 4 + i] as number;
        const o = oddTuple(s);
        return ipv4ToInt(i === 0 ? o.src : o.dst) ?? 2 ** 32;
      });
    const port = (i: 0 | 1) =>
      simple((s) => {
        if (!((c.flags[s] as number) & ODD)) return c.port[s * 4 + i] as number;
        const o = oddTuple(s);
        return (i === 0 ? o.sport : o.dport) ?? -1;
      });
    const named = (table: Interned, column: Uint16Array) => {
      const ranks = table.ranks();
      return {
        key: (s: number) => ranks[column[s] as number] as number,
        cursorValue: (s: number) => table.name(column[s] as number) ?? '',
        fromCursor: (v: SortValue) => table.rankOf(String(v)),
      };
    };
    switch (field) {
      case 'id':
        return simple((s) => c.id[s] as number);
      case 'protocol':
        return simple((s) => c.proto[s] as number);
      case 'src':
        return address(0);
      case 'dst':
        return address(1);
      case 'sport':
        return port(0);
      case 'dport':
        return port(1);
      case 'state':
        return named(this.states, c.state);
      case 'timeout':
        return simple((s) =>
          (c.flags[s] as number) & HAS_EXPIRES ? (c.expires[s] as number) : Number.MAX_SAFE_INTEGER,
        );
      case 'mark':
        return simple((s) => c.mark[s] as number);
      case 'helper':
        return named(this.helpers, c.helper);
    }
  }

  /**
   * One page: filter, then keep the `limit` smallest entries after the cursor
   * in a sorted buffer (binary insertion), so the cost is O(n log limit)
   * rather than sorting the whole table. Ties are broken by the flow id.
   */
  query(q: FlowQuery): FlowPage {
    const c = this.c;
    const dir = q.order === 'desc' ? -1 : 1;
    const { key, cursorValue, fromCursor } = this.sortKey(q.sort);
    let afterKey = 0;
    let afterId = 0;
    let hasAfter = false;
    if (q.cursor) {
      const after = decodeCursor(q.cursor);
      const id = after ? this.numericId(after[1], false) : undefined;
      afterKey = after ? fromCursor(after[0]) : Number.NaN;
      if (!after || id === undefined || Number.isNaN(afterKey)) throw new InvalidCursorError();
      afterId = id;
      hasAfter = true;
    }
    const before = (k1: number, id1: number, k2: number, id2: number) => dir * (k1 === k2 ? id1 - id2 : k1 - k2) < 0;
    const m = this.matcher(q);
    const want = q.limit + 1;
    const slots: number[] = [];
    const keys: number[] = [];
    const ids: number[] = [];
    let total = 0;
    for (let s = 0; s < c.high; s++) {
      if (!((c.flags[s] as number) & LIVE) || (m && !m(s))) continue;
      total++;
      const k = key(s);
      const id = c.id[s] as number;
      if (hasAfter && !before(afterKey, afterId, k, id)) continue;
      const n = slots.length;
      if (n === want && !before(k, id, keys[n - 1] as number, ids[n - 1] as number)) continue;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(keys[mid] as number, ids[mid] as number, k, id)) lo = mid + 1;
        else hi = mid;
      }
      slots.splice(lo, 0, s);
      keys.splice(lo, 0, k);
      ids.splice(lo, 0, id);
      if (slots.length > want) {
        slots.pop();
        keys.pop();
        ids.pop();
      }
    }
    const more = slots.length > q.limit;
    const page = slots.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((s) => this.entryAt(s)),
      total,
      nextCursor:
        more && last !== undefined ? encodeCursor(cursorValue(last), this.idString(c.id[last] as number)) : null,
    };
  }
}
