/**
 * The kernel's per-forward counters, read before every whole apply, also at
 * 100,000 forwards.
 *
 * A map's elements come out of the kernel in netlink dump batches of ~32 KiB,
 * and nft turns each into expressions before printing: at 100,000 forwards
 * `nft -j list table` cost ~1.9 s of CPU (8-15 s on the loaded 2-core box)
 * against ~0.8 s for the apply itself, which is why counters used to be read
 * before an apply only up to 5,000 forwards. The text listing costs ~25% less
 * CPU than JSON and is scanned once, here, for
 * `counter packets P bytes B comment "forward <id>"` (rules carry no counter,
 * so only map elements match). One `nft` process: listing each map by its own
 * process in parallel was no faster on the loaded box (14.4 s against 15.2 s
 * at 100,000) and cost eight spawns for a small table. Figures:
 * apps/server/test/forward-hits-read.test.ts with GATEHOUSE_HITS_MEASURE=1.
 */
import type { ForwardCounter, Runner } from '@gatehouse/rules';

const ELEMENT_COUNTER = /counter packets (\d+) bytes (\d+) comment "forward ([^"\s]+)/g;

/** Sums `counter ... comment "forward <id>"` of a table or map listing into `sums`. */
export function addListing(listing: string, sums: Map<string, { packets: number; bytes: number }>): void {
  for (const m of listing.matchAll(ELEMENT_COUNTER)) {
    const id = m[3] as string;
    const s = sums.get(id);
    if (s) {
      s.packets += Number(m[1]);
      s.bytes += Number(m[2]);
    } else sums.set(id, { packets: Number(m[1]), bytes: Number(m[2]) });
  }
}

/**
 * Counters of each forward's map elements in `table`, summed per forward;
 * every id in `forwardIds` is listed (0 when it has none). Empty when the
 * table cannot be read (gone, or not ours yet).
 */
export async function readForwardCounters(
  table: string,
  forwardIds: readonly string[],
  runner: Runner,
): Promise<ForwardCounter[]> {
  // From the small helper: a fork of the server holding a large model costs 20-100 ms on a busy box.
  const r = await runner.run('nft', ['list', 'table', 'ip', table], { reject: false, fromHelper: true });
  if (r.exitCode !== 0) return [];
  const sums = new Map<string, { packets: number; bytes: number }>();
  for (const id of forwardIds) sums.set(id, { packets: 0, bytes: 0 });
  addListing(r.stdout, sums);
  return [...sums].map(([forwardId, s]) => ({ forwardId, ...s }));
}
