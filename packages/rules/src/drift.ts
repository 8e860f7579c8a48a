/**
 * Drift: somebody changed our table by hand. After every apply we keep the
 * normalized listing the kernel gave back (the baseline); later listings are
 * compared with it. Comparing listings rather than scripts avoids modelling
 * nft's own pretty-printing (it merges single-member sets, renames ports to
 * services, and so on).
 */
import { createTwoFilesPatch } from 'diff';
import { type NftTarget, readTable } from './nft.js';

export interface DriftReport {
  drifted: boolean;
  /** The table is gone altogether. */
  missing: boolean;
  /** Unified diff from the baseline to the live table. */
  diff: string;
  added: string[];
  removed: string[];
}

export function compareListings(baseline: string, live: string | null): DriftReport {
  if (live === null) {
    return { drifted: true, missing: true, diff: '', added: [], removed: baseline.split('\n').filter(Boolean) };
  }
  if (live === baseline) return { drifted: false, missing: false, diff: '', added: [], removed: [] };
  const diff = createTwoFilesPatch('applied', 'live', baseline, live, '', '', { context: 2 });
  const added: string[] = [];
  const removed: string[] = [];
  for (const line of diff.split('\n').slice(2)) {
    if (line.startsWith('+') && !line.startsWith('+++')) added.push(line.slice(1));
    if (line.startsWith('-') && !line.startsWith('---')) removed.push(line.slice(1));
  }
  return { drifted: true, missing: false, diff, added, removed };
}

export async function detectDrift(table: string, baseline: string, target: NftTarget = {}): Promise<DriftReport> {
  return compareListings(baseline, await readTable(table, target));
}
