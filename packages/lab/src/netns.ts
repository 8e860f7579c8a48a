/**
 * Throwaway network namespaces, the one place they are made: the lab's three,
 * and the single ones of the kernel tests, the CLI and deploy tests and the
 * bench. A name carries its owner's pid (`<prefix>-<pid>-<hex>`, the lab adds
 * `-client|-gw|-srv`), so a namespace whose owner died without cleaning up
 * (SIGKILL, a crashed worker) is recognisably stale and cleanupStaleNetns()
 * can remove it without touching a live run's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

/** `<prefix>-<owner pid>-<hex>[-client|-gw|-srv]`; prefixes start with `gh` (`gh`, `ghs`, `gh-rules-golden`, ...). */
export const NETNS_NAME_RE = /^gh[a-z0-9-]*?-(\d+)-([0-9a-f]{4,6})(?:-(?:client|gw|srv))?$/;

/** Each setup command takes milliseconds; one that hangs must fail its caller with its name, not stall it. */
const STEP_TIMEOUT_MS = 15_000;

export interface Netns {
  readonly name: string;
  /** Runs a command inside (`ip netns exec`), argument array, no shell; returns stdout, throws with stderr. */
  exec(cmd: string, args: string[], input?: string): string;
  /** Kills every process inside (SIGKILL) and deletes the namespace. Idempotent. */
  destroy(): void;
}

export interface NetnsOptions {
  /** Exact name instead of `<prefix>-<pid>-<hex>` (the lab names its three after one id). */
  name?: string;
  /** Bring `lo` up. Default true. */
  loopback?: boolean;
}

// ---------------------------------------------------------------------------
// cleanup when the process ends

const atEnd = new Set<() => void>();
let handlersInstalled = false;

function runAtEnd(): void {
  for (const fn of [...atEnd].reverse()) {
    atEnd.delete(fn);
    try {
      fn();
    } catch {
      // best effort: the process is ending
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAtEnd();
  uninstallHandlers();
  // Our listener was prepended, so it ran first. If nobody else listens, restore
  // the default behaviour (terminate by this signal); otherwise the remaining
  // listeners (the application, or signal-exit used by execa, which re-raises
  // when it is alone) decide.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const sigintHandler = () => onSignal('SIGINT');
const sigtermHandler = () => onSignal('SIGTERM');

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', runAtEnd);
  process.prependListener('SIGINT', sigintHandler);
  process.prependListener('SIGTERM', sigtermHandler);
}

function uninstallHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', runAtEnd);
  process.off('SIGINT', sigintHandler);
  process.off('SIGTERM', sigtermHandler);
}

/**
 * Runs `fn` (synchronous, best effort) when the process exits or gets SIGINT/SIGTERM,
 * latest registered first; the returned function unregisters it.
 */
export function atProcessEnd(fn: () => void): () => void {
  installHandlers();
  atEnd.add(fn);
  return () => atEnd.delete(fn);
}

// ---------------------------------------------------------------------------

function step(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: STEP_TIMEOUT_MS });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}: ${r.stderr.trim()}`;
    throw new Error(`netns: \`ip ${args.join(' ')}\` failed (${why})`);
  }
}

export function parsePids(out: string): number[] {
  return out
    .split('\n')
    .map((l) => Number.parseInt(l.trim(), 10))
    .filter((n) => Number.isInteger(n) && n > 0 && n !== process.pid);
}

export function killQuiet(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** SIGKILLs what runs in the namespace and deletes it; quiet if it is already gone. */
export function removeNetns(name: string): void {
  const r = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8', timeout: STEP_TIMEOUT_MS });
  if (r.status === 0) for (const pid of parsePids(r.stdout)) killQuiet(pid, 'SIGKILL');
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore', timeout: STEP_TIMEOUT_MS });
}

/**
 * A fresh namespace named `<prefix>-<pid>-<6 hex>` (or opts.name), `lo` up; removed
 * by destroy(), or when the process exits or is interrupted.
 */
export function createNetns(prefix = 'gh', opts: NetnsOptions = {}): Netns {
  const name = opts.name ?? `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
  step(['netns', 'add', name]);
  let live = true;
  const destroy = () => {
    if (!live) return;
    live = false;
    unregister();
    removeNetns(name);
  };
  const unregister = atProcessEnd(destroy);
  try {
    if (opts.loopback ?? true) step(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    name,
    exec: (cmd, args, input) =>
      execFileSync('ip', ['netns', 'exec', name, cmd, ...args], {
        input: input ?? '',
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    destroy,
  };
}

/** Names of every namespace on the host (any owner). */
export function listNetns(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: STEP_TIMEOUT_MS });
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** True while a process with this pid exists. */
export function pidAlive(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

/** Removes our namespaces (by name) whose owner process is dead; returns their names. */
export function cleanupStaleNetns(): string[] {
  const stale = listNetns().filter((name) => {
    const owner = NETNS_NAME_RE.exec(name)?.[1];
    return owner !== undefined && !pidAlive(Number(owner));
  });
  for (const name of stale) removeNetns(name);
  return stale;
}
