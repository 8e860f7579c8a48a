/** The id -> slot index while it grows incrementally: the same answers as a Map under random adds, overwrites and removes. */
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/conntrack/table/id-index.js';

describe('IdIndex', () => {
  it('answers as a Map through several incremental growths', () => {
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const index = new IdIndex();
    const map = new Map<number, number>();
    const keys: number[] = [];
    for (let op = 0; op < 200_000; op++) {
      const r = rand() % 10;
      if (r < 6 || keys.length === 0) {
        // New kernel-like ids (32-bit), some synthetic ones (>= 2^40).
        const k = op % 97 === 0 ? 2 ** 40 + op : rand();
        index.set(k, op);
        if (!map.has(k)) keys.push(k);
        map.set(k, op);
      } else if (r < 8) {
        const k = keys[rand() % keys.length] as number;
        index.set(k, -op - 10 > 0 ? 0 : op);
        map.set(k, op);
      } else {
        const at = rand() % keys.length;
        const k = keys[at] as number;
        keys[at] = keys[keys.length - 1] as number;
        keys.pop();
        index.delete(k);
        map.delete(k);
      }
      if (op % 997 === 0) {
        for (let i = 0; i < 50 && keys.length > 0; i++) {
          const k = keys[rand() % keys.length] as number;
          expect(index.get(k)).toBe(map.get(k));
        }
        expect(index.get(rand() + 0.5)).toBeUndefined();
      }
    }
    expect(index.size).toBe(map.size);
    for (const [k, v] of map) expect(index.get(k)).toBe(v);
  });
});
