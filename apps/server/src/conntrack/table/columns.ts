/**
 * The flow index's storage: one slot per flow, column-wise in typed arrays on
 * resizable ArrayBuffers (about 95 bytes a flow instead of ~1.2 KB as
 * objects), the per-slot flag bits, and the small string tables for states
 * and helpers. IPv4 tuples with both ports live in the columns; any other
 * tuple (IPv6, ICMP, no ports) is kept as objects in the `odd` side table.
 */
import { intToIpv4, ipv4ToInt, type Tuple } from '../parse.js';

export const LIVE = 1;
export const ASSURED = 2;
export const UNREPLIED = 4;
/** Tuples that do not fit the columns (IPv6, ICMP, no ports) are kept as objects in `odd`. */
export const ODD = 8;
export const HAS_EXPIRES = 16;
export const HAS_MASTER = 32;
export const LINK_EXPECTATION = 64;
export const LINK_HEURISTIC = 128;
/** Set on every flow a dump is replacing the table with (see beginReplace). */
export const SEEN = 256;
/** Set on a flow an event wrote while a dump was being read: the dump's line for it may be older. */
export const EVENT_SEEN = 512;
/** The counters columns hold what the kernel last reported (nf_conntrack_acct on). */
export const HAS_COUNTERS = 1024;
/** The start column holds when the flow began (nf_conntrack_timestamp, or its NEW event). */
export const HAS_START = 2048;

/** The zone column's value for a flow without a zone. */
export const NO_VALUE = -1;
/** Most flows the index holds (address space reserved per column, not memory). */
const MAX_SLOTS = 2 ** 24;

/** Small string tables (states, helpers): code 0 is null. */
export class Interned {
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

/** ES2024 resizable ArrayBuffer (Node 20 has it; the TypeScript lib here predates it). */
type ResizableArrayBuffer = ArrayBuffer & { resize(byteLength: number): void };
type ResizableArrayBufferConstructor = new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;

/**
 * One slot per flow. Addresses are IPv4 as uint32 and ports as uint16, four of
 * each (original src/dst, reply src/dst); a flow whose tuples do not fit goes
 * to the `odd` side table with its tuple objects.
 */
export class FlowColumns {
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
  /** Packets each way (original, reply): a u32 wraps only after 4 G packets, counted from the last report. */
  readonly packets = this.column(Uint32Array, 2);
  /** Bytes each way (original, reply): a double holds any byte count exactly up to 8 PiB. */
  readonly bytes = this.column(Float64Array, 2);
  /** Epoch ms the flow began. */
  readonly start = this.column(Float64Array);
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
 * Whether a flow's tuples fit the columns (IPv4, both ports, no ICMP); if
 * so, its four addresses are written into `out` (nothing allocated).
 */
export function columnAddresses(o: Tuple, r: Tuple, out: Uint32Array): boolean {
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

export function copyTuple(t: Tuple): Tuple {
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

/** A slot's tuples as objects (built from the columns, or the `odd` ones). */
export function tuplesAt(c: FlowColumns, s: number): { original: Tuple; reply: Tuple } {
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
