/**
 * Who used the box's CPUs over a window: every process's CPU time (utime +
 * stime from /proc/PID/stat) read at the start and at the end, grouped by
 * what it is (the browser, the server, the flow generator, conntrack, the
 * rest), in cores (1.0 = one core busy all the window). For figures timed by
 * the wall clock (15.3b/c frame times): when the sum is near the number of
 * cores, a frame that is ready to run waits for one.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICK_MS = 10; // USER_HZ 100

function group(pid) {
  let cmd;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return 'other';
  }
  const line = cmd.join(' ');
  if (/chrom/.test(cmd[0] ?? '')) return 'browser';
  if (/apps\/server\/dist\/server\.js/.test(line)) return 'server';
  if (/node:dgram/.test(line)) return 'generator';
  if (/^conntrack$|\/conntrack$/.test(cmd[0] ?? '')) return 'conntrack';
  if (/child_process/.test(line) && /running = new Map/.test(line)) return 'server';
  return 'other';
}

function snapshot() {
  const out = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(d, Number(f[11]) + Number(f[12]));
    } catch {
      // gone
    }
  }
  return out;
}

/** Starts a window; `stop()` returns cores used per group and in all, and the box's core count. */
export function cpuShares() {
  const t0 = performance.now();
  const before = snapshot();
  return {
    stop() {
      const ms = performance.now() - t0;
      const after = snapshot();
      const cores = { browser: 0, server: 0, generator: 0, conntrack: 0, other: 0 };
      for (const [pid, ticks] of after) {
        const used = ticks - (before.get(pid) ?? 0);
        if (used > 0) cores[group(pid)] += (used * TICK_MS) / ms;
      }
      const total = Object.values(cores).reduce((a, b) => a + b, 0);
      return { cores, total, of: availableParallelism() };
    },
  };
}

/** "browser 0.9 + server 0.6 + ... = 1.9 of 2 cores" */
export function fmtShares(s) {
  const parts = Object.entries(s.cores)
    .filter(([, v]) => v >= 0.05)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`);
  return `${parts.join(' + ')} = ${s.total.toFixed(2)} of ${s.of} cores`;
}
