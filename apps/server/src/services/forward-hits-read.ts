/**
 * The kernel's per-forward counters, read cheaply enough to run before every
 * whole apply, also at 100,000 forwards.
 *
 * A map's elements come out of the kernel in netlink dump batches of ~32 KiB,
 * and nft turns each into expressions before printing: at 100,000 forwards
 * `nft -j list table` cost ~1.9 s of CPU (8-11 s on the loaded 2-core box)
 * against ~0.8 s for the apply itself, which is why counters used to be read
 * before an apply only up to 5,000 forwards. Here each forward map is listed
 * by its own `nft list map` (text: ~25% less CPU than JSON), all at once, so
 * the big maps' dumps run on both cores; the text is scanned once for
 * `counter packets P bytes B comment "forward <id>"`. Measured figures:
 * apps/server/test/forward-hits-read.test.ts prints them.
 */
import { FORWARD_MAPS, type ForwardCounter, type Runner } from '@gatehouse/rules';

const ELEMENT_COUNTER = /counter packets (\d+) bytes (\d+) comment "forward ([^"\s]+)/g;

/** Sums `counter ... comment "forward <id>"` of a map listing into `sums`. */
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
  const listings = await Promise.all(
    FORWARD_MAPS.map((m) => runner.run('nft', ['list', 'map', 'ip', table, m.name], { reject: false })),
  );
  if (listings.some((r) => r.exitCode !== 0)) return [];
  const sums = new Map<string, { packets: number; bytes: number }>();
  for (const id of forwardIds) sums.set(id, { packets: 0, bytes: 0 });
  for (const r of listings) addListing(r.stdout, sums);
  return [...sums].map(([forwardId, s]) => ({ forwardId, ...s }));
}
