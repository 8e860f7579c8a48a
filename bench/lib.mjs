/**
 * Small shared pieces of the benchmarks: timing with medians, throwaway
 * namespaces, and the one-line-per-figure report.
 *
 * Every figure is a ratio against a raw tool run on the same data in the same
 * process run, alternating A and B, so a shared, noisy machine shifts both
 * sides alike; medians of several runs are quoted.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createNetns as createLabNetns } from '@gatehouse/lab';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Runs a command to completion; resolves with its wall time in ms. */
export function timeCommand(cmd, args, { input, stdout = 'ignore' } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', stdout, 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`${cmd} ${args.slice(0, 6).join(' ')} exited ${code}: ${err.slice(0, 400)}`));
      else resolve(ms);
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Alternates a and b `runs` times after a warm-up of each; returns medians and the pairwise ratio median. */
export async function compare(a, b, runs = 5) {
  await a();
  await b();
  const as = [];
  const bs = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    const ta = await a();
    const tb = await b();
    as.push(ta);
    bs.push(tb);
    ratios.push(ta / tb);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios), as, bs };
}

/**
 * Stops a group run outside a namespace of its own: the conntrack groups
 * flush the conntrack table, add a table and set sysctls of the namespace
 * they run in. `npm run bench` runs each group in a named one; by hand,
 * `ip netns exec NS node bench/FILE`. A group started directly with node
 * once flushed the host's table and left its table and 3600 s UDP timeouts
 * there. "Named": this process's namespace is one of /run/netns (what
 * `ip netns identify` checks).
 */
export function assertOwnNetns() {
  const self = statSync('/proc/self/ns/net');
  let named = [];
  try {
    named = readdirSync('/run/netns').map((n) => statSync(`/run/netns/${n}`));
  } catch {
    // no named namespace at all
  }
  if (!named.some((n) => n.ino === self.ino && n.dev === self.dev))
    throw new Error(
      'bench: not in a network namespace of its own; use npm run bench (BENCH_ONLY=group) or ip netns exec NS node bench/FILE',
    );
}

/** A namespace `gh-bench-<label>-<pid>-<hex>` with lo up, removed by destroy() or when the process ends. */
export const createNetns = (label) => createLabNetns(`gh-bench-${label}`);

const results = [];

/**
 * One line per figure: name, measured value, the ratio, the goal and whether it is met.
 * `better` says which side of the goal passes.
 */
export function report({ figure, detail, ratio, goal, better }) {
  const ok = better === 'lower' ? ratio <= goal : ratio >= goal;
  results.push({ figure, ok });
  const sign = better === 'lower' ? '<=' : '>=';
  process.stdout.write(
    `${ok ? 'PASS' : 'MISS'}  ${figure.padEnd(58)} ratio ${ratio.toFixed(3).padStart(7)}  goal ${sign} ${goal}   ${detail}\n`,
  );
  return ok;
}

export function summary() {
  const missed = results.filter((r) => !r.ok);
  process.stdout.write(`\nbench: ${results.length - missed.length} goals met, ${missed.length} missed\n`);
  return missed.length === 0;
}

export const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
