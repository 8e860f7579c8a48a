/**
 * Flow ids as numbers, and the id -> slot hash of the flow index. Kernel ids
 * (`-o id`) are 32-bit numbers; a flow listed without one gets a `t:` + tuple
 * id, numbered from SYNTHETIC_BASE up.
 */

/** Ids without a kernel id (`t:` + tuple) get numbers from here up. */
const SYNTHETIC_BASE = 2 ** 40;

/**
 * Flow id -> slot, open addressing with linear probing in typed arrays. A
 * `Map<number, number>` held kernel ids (random 32-bit numbers, most of them
 * too large for V8's small integers) as one heap number each, ~40 bytes an
 * entry; this is 12 bytes a bucket at most half full.
 */
export class IdIndex {
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
