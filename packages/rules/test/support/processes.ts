/** Processes of this machine, for tests that check what is left running. */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of the processes with `marker` among their arguments. */
export function processesWithArgument(marker: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}
