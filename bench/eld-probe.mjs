/**
 * Loaded into the server with `node --import` (bench groups that watch the
 * event loop): every 250 ms it appends the longest event-loop delay of the
 * window (perf_hooks monitorEventLoopDelay, 5 ms resolution) to
 * BENCH_ELD_FILE as one JSON line {at, max, p99} (ms), then starts a new
 * window; with the window's garbage collections beside it (`gc`: count and
 * total ms, `gcMax`: the longest pause and its kind), so a long delay can be
 * told apart as a collection or the server's own work, and the CPU time the
 * server used in the window (`cpu`, ms, all its threads: comparable between
 * runs on a busy box, where wall-clock delays are not).
 *
 * With BENCH_ELD_GAPS=1 it also ticks every 2 ms and, for each gap of more
 * than 20 ms between ticks, records in the window's `gaps` how long the main
 * thread ran during it (/proc/self/task/PID/sched, sum_exec_runtime) and how
 * often it was preempted: a gap the thread spent running was its own work
 * (or a GC pause); one it spent not running was the box. Each window then
 * also holds `ran`: ms run by the main thread and by the server's other
 * threads (V8's compiler and GC helpers, libuv's pool).
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.BENCH_ELD_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
  };
  let gc = { count: 0, ms: 0, max: 0, kind: '' };
  let cpu = process.cpuUsage();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.ms += e.duration;
      if (e.duration > gc.max) {
        gc.max = e.duration;
        gc.kind = kinds[e.detail?.kind] ?? String(e.detail?.kind);
      }
    }
  }).observe({ entryTypes: ['gc'] });
  const gapsOn = process.env.BENCH_ELD_GAPS === '1';
  let gaps = [];
  /** How long (ms) the thread `tid` has run, and how often it was preempted (zeros once it has ended). */
  const sched = (tid) => {
    try {
      const t = readFileSync(`/proc/self/task/${tid}/sched`, 'utf8');
      const ran = Number(/se\.sum_exec_runtime\s*:\s*([\d.]+)/.exec(t)?.[1] ?? 0);
      const preempted = Number(/nr_involuntary_switches\s*:\s*(\d+)/.exec(t)?.[1] ?? 0);
      return { ran, preempted };
    } catch {
      return { ran: 0, preempted: 0 };
    }
  };
  /** ms run by the main thread and by all the others (V8's compiler and GC helpers, libuv's pool). */
  const threadsRan = () => {
    let others = 0;
    for (const tid of readdirSync('/proc/self/task')) if (Number(tid) !== process.pid) others += sched(tid).ran;
    return { main: sched(process.pid).ran, others };
  };
  let threads = gapsOn ? threadsRan() : undefined;
  if (gapsOn) {
    let last = performance.now();
    let lastSched = sched(process.pid);
    setInterval(() => {
      const now = performance.now();
      const s = sched(process.pid);
      if (now - last > 20)
        gaps.push({
          ms: Math.round(now - last),
          ran: Math.round(s.ran - lastSched.ran),
          preempted: s.preempted - lastSched.preempted,
        });
      last = now;
      lastSched = s;
    }, 2).unref();
  }
  setInterval(() => {
    const line = {
      at: Date.now(),
      max: h.max / 1e6,
      p99: h.percentile(99) / 1e6,
      gc: { count: gc.count, ms: Math.round(gc.ms * 10) / 10 },
      gcMax: { ms: Math.round(gc.max * 10) / 10, kind: gc.kind },
      cpu: 0,
      ...(gapsOn ? { gaps } : {}),
    };
    if (threads) {
      const now = threadsRan();
      line.ran = { main: Math.round(now.main - threads.main), others: Math.round(now.others - threads.others) };
      threads = now;
    }
    gaps = [];
    const used = process.cpuUsage(cpu);
    line.cpu = Math.round((used.user + used.system) / 100) / 10;
    cpu = process.cpuUsage();
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    h.reset();
    gc = { count: 0, ms: 0, max: 0, kind: '' };
  }, 250).unref();
}
