/**
 * Loaded into the server with `node --import` (bench groups that watch the
 * event loop): every 250 ms it appends the longest event-loop delay of the
 * window (perf_hooks monitorEventLoopDelay, 5 ms resolution) to
 * BENCH_ELD_FILE as one JSON line {at, max, p99} (ms), then starts a new window.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_ELD_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  setInterval(() => {
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), max: h.max / 1e6, p99: h.percentile(99) / 1e6 })}\n`);
    h.reset();
  }, 250).unref();
}
