/** The accumulation of per-forward hit counters across applies (services/forward-hits-accumulate.ts). */
import { describe, expect, it } from 'vitest';
import { accumulate, markReset } from '../../src/services/forward-hits-accumulate.js';
import type { ForwardHitRow } from '../../src/store/forward-hits.js';

const T0 = '2026-11-30T09:40:00.000Z';
const T1 = '2026-11-30T10:00:00.000Z';

function row(over: Partial<ForwardHitRow> = {}): ForwardHitRow {
  return { forwardId: 'web', packets: 0, bytes: 0, lastPackets: 0, lastBytes: 0, resetAfter: null, since: T0, ...over };
}

describe('accumulate', () => {
  it('starts a forward at what the kernel counted, since now', () => {
    expect(accumulate([], [{ forwardId: 'web', packets: 3, bytes: 180 }], 1, T0)).toEqual([
      row({ packets: 3, bytes: 180, lastPackets: 3, lastBytes: 180 }),
    ]);
  });

  it('adds only the growth since the last read, keeping since', () => {
    const r = row({ packets: 10, bytes: 600, lastPackets: 3, lastBytes: 180 });
    expect(accumulate([r], [{ forwardId: 'web', packets: 5, bytes: 300 }], 1, T1)).toEqual([
      row({ packets: 12, bytes: 720, lastPackets: 5, lastBytes: 300 }),
    ]);
  });

  it('returns nothing when nothing was counted', () => {
    const r = row({ packets: 10, bytes: 600, lastPackets: 3, lastBytes: 180 });
    expect(accumulate([r], [{ forwardId: 'web', packets: 3, bytes: 180 }], 1, T1)).toEqual([]);
  });

  it('after a whole apply (another revision active) counts the new counter from zero', () => {
    // Read just before the apply at revision 1: 5 counted, then the table was replaced.
    const before = markReset([row({ packets: 12, bytes: 720, lastPackets: 5, lastBytes: 300 })], 1);
    const after = accumulate(before, [{ forwardId: 'web', packets: 7, bytes: 420 }], 2, T1);
    expect(after).toEqual([row({ packets: 19, bytes: 1140, lastPackets: 7, lastBytes: 420 })]);
  });

  it('after a failed whole apply (the same revision still active) counts on from the last read', () => {
    const before = markReset([row({ packets: 12, bytes: 720, lastPackets: 5, lastBytes: 300 })], 1);
    const after = accumulate(before, [{ forwardId: 'web', packets: 7, bytes: 420 }], 1, T1);
    expect(after[0]).toMatchObject({ packets: 14, bytes: 840, resetAfter: 1 });
  });

  it('a counter that went down was replaced (a restore, a changed element): all of it is new', () => {
    const r = row({ packets: 12, bytes: 720, lastPackets: 5, lastBytes: 300 });
    expect(accumulate([r], [{ forwardId: 'web', packets: 2, bytes: 120 }], 3, T1)[0]).toMatchObject({
      packets: 14,
      bytes: 840,
      lastPackets: 2,
    });
  });

  it('leaves forwards the kernel did not report alone', () => {
    const other = row({ forwardId: 'mail', packets: 4 });
    expect(accumulate([other], [{ forwardId: 'web', packets: 1, bytes: 60 }], 1, T1).map((r) => r.forwardId)).toEqual([
      'web',
    ]);
  });
});
