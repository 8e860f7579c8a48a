/**
 * Flow ids as numbers, and the id -> slot hash of the flow index. Kernel ids
 * (`-o id`) are 32-bit numbers; a flow listed without one gets a `t:` + tuple
 * id, numbered from SYNTHETIC_BASE up.
 */

/** Ids without a kernel id (`t:` + tuple) get numbers from here up. */
const SYNTHETIC_BASE = 2 ** 40;

/** Old buckets moved to the new table per operation while the index grows. */
const MIGRATE_STEP = 2048;
/** A bucket of the old table whose key was removed while it was being moved (its probe run stays intact). */
const GONE = -2;

/**
 * Flow id -> slot, open addressing with linear probing in typed arrays. A
 * `Map<number, number>` held kernel ids (random 32-bit numbers, most of them
 * too large for V8's small integers) as one heap number each, ~40 bytes an
 * entry; this is 12 bytes a bucket at most half full.
 *
 * It grows incrementally: the doubled table is filled from the old one
 * MIGRATE_STEP buckets per operation, and lookups look in both meanwhile.
 * Rehashing a million ids at once held the event loop ~50 ms on an idle
 * box (500 ms under load) in the middle of a burst of new flows.
 */
export class IdIndex {
  private keys = new Float64Array(0);
  private slots = new Int32Array(0);
  private mask = 0;
  /** The table being moved into `keys`/`slots`; its buckets below `migrated` are moved. */
  private oldKeys: Float64Array | null = null;
  private oldSlots: Int32Array | null = null;
  private oldMask = 0;
  private migrated = 0;
  size = 0;

  constructor() {
    this.keys = new Float64Array(1024);
    this.slots = new Int32Array(1024).fill(-1);
    this.mask = 1023;
  }

  private static hash(k: number): number {
    let h = Math.imul((k >>> 0) ^ Math.imul((k / 4294967296) >>> 0, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  private home(k: number): number {
    return IdIndex.hash(k) & this.mask;
  }

  private find(k: number): number {
    for (let i = this.home(k); ; i = (i + 1) & this.mask) {
      if (this.slots[i] === -1 || this.keys[i] === k) return i;
    }
  }

  /** Where k still lives in the old table (a bucket not moved yet), or -1. */
  private findOld(k: number): number {
    const slots = this.oldSlots;
    const keys = this.oldKeys;
    if (!slots || !keys) return -1;
    for (let i = IdIndex.hash(k) & this.oldMask; ; i = (i + 1) & this.oldMask) {
      const v = slots[i] as number;
      if (v === -1) return -1;
      if (v !== GONE && keys[i] === k) return i >= this.migrated ? i : -1;
    }
  }

  /** Moves the next buckets of the old table (copied, not cleared: its probe runs stay intact). */
  private step(): void {
    const slots = this.oldSlots;
    const keys = this.oldKeys;
    if (!slots || !keys) return;
    const end = Math.min(slots.length, this.migrated + MIGRATE_STEP);
    for (let i = this.migrated; i < end; i++) {
      const v = slots[i] as number;
      if (v >= 0) this.put(keys[i] as number, v);
    }
    this.migrated = end;
    if (end === slots.length) {
      this.oldKeys = null;
      this.oldSlots = null;
    }
  }

  /** Writes k into the new table; true when it was not there. */
  private put(k: number, slot: number): boolean {
    const i = this.find(k);
    const added = this.slots[i] === -1;
    this.keys[i] = k;
    this.slots[i] = slot;
    return added;
  }

  get(k: number): number | undefined {
    const v = this.slots[this.find(k)] as number;
    if (v !== -1) return v;
    const j = this.findOld(k);
    return j === -1 ? undefined : (this.oldSlots as Int32Array)[j];
  }

  set(k: number, slot: number): void {
    this.step();
    // Before looking k up: growing makes the current table the old one.
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const j = this.findOld(k);
    if (j !== -1) {
      (this.oldSlots as Int32Array)[j] = GONE;
      this.size--;
    }
    if (this.put(k, slot)) this.size++;
  }

  delete(k: number): void {
    this.step();
    const j = this.findOld(k);
    if (j !== -1) {
      (this.oldSlots as Int32Array)[j] = GONE;
      this.size--;
      return;
    }
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

  /** Starts moving into a table twice the size (an unfinished move is finished first). */
  private grow(): void {
    while (this.oldSlots) this.step();
    this.oldKeys = this.keys;
    this.oldSlots = this.slots;
    this.oldMask = this.mask;
    this.migrated = 0;
    const buckets = this.slots.length * 2;
    this.keys = new Float64Array(buckets);
    this.slots = new Int32Array(buckets).fill(-1);
    this.mask = buckets - 1;
  }
}

/** Flow ids as the numbers the columns hold, and the slot of each. */
export class FlowIds {
  /** Numeric id -> slot. */
  readonly slotById = new IdIndex();
  private readonly synthetic = new Map<string, number>();
  private readonly syntheticIds: string[] = [];

  /** The number a flow id is held as: the kernel's id, or a number given to a `t:` id. */
  number(id: string, create: boolean): number | undefined {
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

  string(n: number): string {
    return n >= SYNTHETIC_BASE ? (this.syntheticIds[n - SYNTHETIC_BASE] as string) : String(n);
  }

  slotOf(id: string): number | undefined {
    const n = this.number(id, false);
    return n === undefined ? undefined : this.slotById.get(n);
  }
}
