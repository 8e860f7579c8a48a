/** Test support: a forced garbage collection and heap/RSS readings, to bound what a request leaves behind. */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gcFn = vm.runInNewContext('gc') as () => void;

export interface MemoryReading {
  heapMiB: number;
  rssMiB: number;
}

const MiB = 1024 * 1024;

/** Heap and RSS after two full collections. */
export function settledMemory(): MemoryReading {
  gcFn();
  gcFn();
  const m = process.memoryUsage();
  return { heapMiB: m.heapUsed / MiB, rssMiB: m.rss / MiB };
}

/** Peak RSS of this process so far (getrusage maxrss). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
