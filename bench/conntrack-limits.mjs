/**
 * Room for a million flows: nf_conntrack_max and the conntrack hash size,
 * raised for a bench group and put back after it, also when it fails or is
 * interrupted (SIGINT/SIGTERM; only SIGKILL leaves them raised).
 *
 * Both are the host's: nf_conntrack_max is read-only inside a network
 * namespace other than the first (the kernel refuses the write, EINVAL here),
 * and the hash size (/sys/module/nf_conntrack/parameters/hashsize) may only
 * be set from the initial namespace (EOPNOTSUPP otherwise). The bench group
 * runs inside its own namespace, so both are written through
 * `nsenter` into the namespace run.mjs runs in (an argument array, no shell); its flows
 * stay in its namespace. A value is put back only if it is still the one
 * written here, so a concurrent run that changed it after us is not undone.
 * A watchdog in the host's namespace restores them if this process dies
 * without doing it (SIGKILL: run.mjs removing the namespace kills it so).
 */
import { execFileSync, spawn } from 'node:child_process';

/**
 * The host's namespace: that of run.mjs, which starts each group with `ip
 * netns exec` (so the group's parent process); /proc/1/ns/net may not be
 * readable in a sandbox. BENCH_HOST_NETNS_PID names another process.
 */
const HOST_NET = `--net=/proc/${process.env.BENCH_HOST_NETNS_PID ?? process.ppid}/ns/net`;
const MAX = '/proc/sys/net/netfilter/nf_conntrack_max';
const HASH = '/sys/module/nf_conntrack/parameters/hashsize';

const readHost = (path) => execFileSync('nsenter', [HOST_NET, 'cat', path]).toString().trim();
const writeHost = (path, value) =>
  execFileSync('nsenter', [HOST_NET, 'tee', path], { input: `${value}\n`, stdio: ['pipe', 'ignore', 'pipe'] });

/**
 * Puts the values back once the bench process is gone, if it could not: run
 * in the host's namespace, so removing the bench's namespace (which kills
 * every process in it, with SIGKILL) does not take it along.
 */
const WATCHDOG = String.raw`
const { readFileSync, writeFileSync } = require('node:fs');
const [pid, plan] = [Number(process.argv[1]), JSON.parse(process.argv[2])];
// Gone, or a zombie nobody reaps (its parent, run.mjs, may be gone too).
const alive = () => { try { return !/^\d+ \(.*\) Z/.test(readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return false; } };
const timer = setInterval(() => {
  if (alive()) return;
  clearInterval(timer);
  for (const { path, set, was } of plan) {
    try { if (readFileSync(path, 'utf8').trim() === set) writeFileSync(path, String(was)); } catch {}
  }
}, 500);
`;

/**
 * Raises nf_conntrack_max to at least `max` and the hash size to at least
 * `buckets`; returns restore() (idempotent), also registered for exit and signals.
 */
export function raiseConntrackLimits({ max, buckets }) {
  const was = { max: readHost(MAX), hash: readHost(HASH) };
  const set = {};
  if (Number(was.max) < max) {
    writeHost(MAX, max);
    set.max = String(max);
  }
  if (Number(was.hash) < buckets) {
    try {
      writeHost(HASH, buckets);
      set.hash = readHost(HASH);
    } catch (e) {
      process.stderr.write(
        `  conntrack hash size not raised (${String(e.message).split('\n')[0]}); lookups are slower\n`,
      );
    }
  }
  const plan = [
    ['hash', HASH],
    ['max', MAX],
  ]
    .filter(([key]) => set[key] !== undefined)
    .map(([key, path]) => ({ path, set: set[key], was: was[key] }));
  if (plan.length > 0) {
    spawn('nsenter', [HOST_NET, process.execPath, '-e', WATCHDOG, String(process.pid), JSON.stringify(plan)], {
      detached: true,
      stdio: 'ignore',
    }).unref();
  }
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    for (const [sig, fn] of handlers) process.off(sig, fn);
    // The hash table first: shrinking it while the max is still high is harmless.
    for (const [key, path] of [
      ['hash', HASH],
      ['max', MAX],
    ]) {
      if (set[key] === undefined) continue;
      try {
        if (readHost(path) === set[key]) writeHost(path, was[key]);
      } catch (e) {
        process.stderr.write(`  could not restore ${path} to ${was[key]}: ${e.message}\n`);
      }
    }
  };
  const handlers = ['SIGINT', 'SIGTERM'].map((sig) => [
    sig,
    () => {
      restore();
      process.exit(130);
    },
  ]);
  for (const [sig, fn] of handlers) process.prependListener(sig, fn);
  process.on('exit', restore);
  process.stderr.write(
    `  conntrack limits: max ${was.max} -> ${set.max ?? was.max}, hash size ${was.hash} -> ${set.hash ?? was.hash} (restored after)\n`,
  );
  return restore;
}
