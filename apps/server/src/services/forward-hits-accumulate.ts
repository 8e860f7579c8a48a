/**
 * Pure: totals per forward from the stored rows and the kernel's counters
 * read now. The kernel's element counters start from zero whenever a whole
 * apply replaces the table, and an element delta keeps them; so what the
 * kernel counted since the last read is:
 *
 *   - the whole counter, when a whole apply ran since (`resetAfter` is set
 *     and another revision is active now);
 *   - otherwise the growth since the last read, or the whole counter when
 *     it went down (the element was replaced: a restore, a changed forward).
 *
 * `markReset` is what runs just before a whole apply: the counters are
 * added first, and each row remembers the revision then active, so that a
 * failed apply (the same revision still active) counts on from where it was.
 */
import type { ForwardHitRow } from '../store/forward-hits.js';

export interface LiveCounter {
  forwardId: string;
  packets: number;
  bytes: number;
}

export function accumulate(
  rows: readonly ForwardHitRow[],
  live: readonly LiveCounter[],
  activeRevision: number | null,
  now: string,
): ForwardHitRow[] {
  const byId = new Map(rows.map((r) => [r.forwardId, r]));
  const changed: ForwardHitRow[] = [];
  for (const c of live) {
    const r = byId.get(c.forwardId);
    if (!r) {
      changed.push({
        forwardId: c.forwardId,
        packets: c.packets,
        bytes: c.bytes,
        lastPackets: c.packets,
        lastBytes: c.bytes,
        resetAfter: null,
        since: now,
      });
      continue;
    }
    const reset = r.resetAfter !== null && r.resetAfter !== activeRevision;
    const fresh = reset || c.packets < r.lastPackets || c.bytes < r.lastBytes;
    const dp = fresh ? c.packets : c.packets - r.lastPackets;
    const db = fresh ? c.bytes : c.bytes - r.lastBytes;
    const next: ForwardHitRow = {
      ...r,
      packets: r.packets + dp,
      bytes: r.bytes + db,
      lastPackets: c.packets,
      lastBytes: c.bytes,
      resetAfter: reset ? null : r.resetAfter,
    };
    if (dp !== 0 || db !== 0 || next.lastPackets !== r.lastPackets || next.resetAfter !== r.resetAfter) {
      changed.push(next);
    }
  }
  return changed;
}

/** Rows after `accumulate`, marked as read just before a whole apply while `activeRevision` was active. */
export function markReset(rows: readonly ForwardHitRow[], activeRevision: number | null): ForwardHitRow[] {
  return rows.map((r) => ({ ...r, resetAfter: activeRevision }));
}
