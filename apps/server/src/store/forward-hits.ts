/**
 * Packet/byte totals per forward id (the `forward_hits` table), kept across
 * applies: services/forward-hits.ts adds what the kernel counted since the
 * last read. `last_*` is the kernel counter at that read; `reset_after` the
 * revision that was active when a whole apply (which zeroes the counters)
 * was about to run.
 */
import type Database from 'better-sqlite3';

export interface ForwardHitRow {
  forwardId: string;
  packets: number;
  bytes: number;
  lastPackets: number;
  lastBytes: number;
  resetAfter: number | null;
  /** ISO time the forward was first counted. */
  since: string;
}

interface Raw {
  forward_id: string;
  packets: number;
  bytes: number;
  last_packets: number;
  last_bytes: number;
  reset_after: number | null;
  since: string;
}

const fromRaw = (r: Raw): ForwardHitRow => ({
  forwardId: r.forward_id,
  packets: r.packets,
  bytes: r.bytes,
  lastPackets: r.last_packets,
  lastBytes: r.last_bytes,
  resetAfter: r.reset_after,
  since: r.since,
});

export class ForwardHitsRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly tx: <T>(fn: () => T) => T,
  ) {}

  all(): ForwardHitRow[] {
    return (this.db.prepare('SELECT * FROM forward_hits ORDER BY forward_id').all() as Raw[]).map(fromRaw);
  }

  /** Writes the rows in one transaction (insert or replace by forward id). */
  save(rows: readonly ForwardHitRow[]): void {
    if (rows.length === 0) return;
    const put = this.db.prepare(
      `INSERT INTO forward_hits (forward_id, packets, bytes, last_packets, last_bytes, reset_after, since)
       VALUES (@forwardId, @packets, @bytes, @lastPackets, @lastBytes, @resetAfter, @since)
       ON CONFLICT(forward_id) DO UPDATE SET packets = excluded.packets, bytes = excluded.bytes,
         last_packets = excluded.last_packets, last_bytes = excluded.last_bytes,
         reset_after = excluded.reset_after, since = excluded.since`,
    );
    this.tx(() => {
      for (const r of rows) put.run(r);
    });
  }
}
