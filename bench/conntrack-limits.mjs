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
 * When two runs hold them at once, the last one to end puts them back.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

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
 * Groups of two bench runs at once share the host-wide values: each holds
 * them (a file named after its pid), the plan records the values found
 * before the first raise, and the last holder to go puts them back.
 */
const DIR = '/tmp/gatehouse-bench-conntrack-limits';
const PLAN = `${DIR}/plan.json`;

const readPlan = () => {
  try {
    return JSON.parse(readFileSync(PLAN, 'utf8'));
  } catch {
    return {};
  }
};

/** Alive and not a zombie nobody reaps (its parent, run.mjs, may be gone too). */
function alive(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Drops pid's hold; the last holder puts back every value that is still the one written. */
function release(pid) {
  rmSync(`${DIR}/${pid}`, { force: true });
  const others = readdirSync(DIR).filter((f) => /^\d+$/.test(f) && alive(Number(f)));
  if (others.length > 0) return;
  const plan = readPlan();
  // The hash table first: shrinking it while the max is still high is harmless.
  for (const path of [HASH, MAX]) {
    const p = plan[path];
    if (!p) continue;
    try {
      if (readHost(path) === p.set) writeHost(path, p.was);
    } catch (e) {
      process.stderr.write(`  could not restore ${path} to ${p.was}: ${e.message}\n`);
    }
  }
  rmSync(PLAN, { force: true });
}

/**
 * Raises nf_conntrack_max to at least `max` and the hash size to at least
 * `buckets`; returns restore() (idempotent), also registered for exit and
 * signals. A watchdog in the host's namespace (this file run with
 * --watchdog) releases the hold if this process dies without doing it
 * (SIGKILL: run.mjs removing the namespace kills it so), since removing the
 * namespace kills every process in it but not that one.
 */
export function raiseConntrackLimits({ max, buckets }) {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(`${DIR}/${process.pid}`, '');
  const plan = readPlan();
  const was = { max: readHost(MAX), hash: readHost(HASH) };
  const now = { ...was };
  if (Number(was.max) < max) {
    writeHost(MAX, max);
    now.max = readHost(MAX);
    plan[MAX] = { set: now.max, was: plan[MAX]?.was ?? was.max };
  }
  if (Number(was.hash) < buckets) {
    try {
      writeHost(HASH, buckets);
      now.hash = readHost(HASH);
      plan[HASH] = { set: now.hash, was: plan[HASH]?.was ?? was.hash };
    } catch (e) {
      process.stderr.write(
        `  conntrack hash size not raised (${String(e.message).split('\n')[0]}); lookups are slower\n`,
      );
    }
  }
  writeFileSync(PLAN, JSON.stringify(plan));
  spawn('nsenter', [HOST_NET, process.execPath, new URL(import.meta.url).pathname, '--watchdog', String(process.pid)], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, BENCH_HOST_NETNS_PID: 'self' },
  }).unref();
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    for (const [sig, fn] of handlers) process.off(sig, fn);
    release(process.pid);
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
    `  conntrack limits: max ${was.max} -> ${now.max}, hash size ${was.hash} -> ${now.hash}` +
      ` (put back to ${plan[MAX]?.was ?? was.max}/${plan[HASH]?.was ?? was.hash} when the last bench holding them ends)\n`,
  );
  return restore;
}

if (process.argv[2] === '--watchdog') {
  const pid = Number(process.argv[3]);
  const timer = setInterval(() => {
    if (alive(pid)) return;
    clearInterval(timer);
    release(pid);
  }, 500);
}
