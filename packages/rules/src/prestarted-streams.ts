/**
 * Streams started before the code that reads them has loaded. A server
 * with a large conntrack table (a million flows: its dump alone takes ~4 s)
 * starts its event streams and first dump in server.ts, before it loads
 * the app's modules and opens the store (~1-1.5 s on a 2-core box), and
 * not from the conntrack service once that is built (bench 15.6, cold start).
 *
 * `prestartStream(runner, command, args, opts)` starts the command as
 * `runner.stream(command, args, ..., opts)` would and holds its output. The
 * first later `stream()` call, on any runner of the same namespace, with the
 * same command, arguments and options (the helper and, for the dump, its
 * delay included), takes the process over (runner.ts): it gets the output
 * held so far first, in order, then the rest as it comes, and the same exit.
 * A stream nobody takes within `unclaimedMs` is stopped, so an endless one
 * (`conntrack -E`) does not hold output for ever.
 */
import { type LineSplitter, lineSplitter } from './line-splitter.js';
import type { Runner, StreamedProcess, StreamHandlers, StreamOptions } from './runner.js';

interface Held {
  proc: StreamedProcess;
  take(handlers: StreamHandlers): StreamedProcess;
}

const held = new Map<string, Held>();

function keyOf(netns: string | undefined, command: string, args: readonly string[], opts: StreamOptions): string {
  return JSON.stringify([
    netns ?? null,
    command,
    args,
    opts.fromHelper === true,
    opts.delayMs ?? 0,
    opts.outputBufferBytes ?? 0,
  ]);
}

/** Starts `command args` now for a later `stream()` call to take over (see the top of this file). */
export function prestartStream(
  runner: Runner,
  command: string,
  args: readonly string[],
  opts: StreamOptions = {},
  unclaimedMs = 60_000,
): void {
  const key = keyOf(runner.netns, command, args, opts);
  if (held.has(key)) return;
  const early: Buffer[] = [];
  const earlyErr: string[] = [];
  let target: StreamHandlers | null = null;
  let lines: LineSplitter | null = null;
  const proc = runner.stream(
    command,
    args,
    {
      onLine: () => undefined,
      onChunk(chunk) {
        if (target === null) early.push(chunk);
        else if (lines) lines.push(chunk);
        else target.onChunk?.(chunk);
      },
      onStderrLine(line) {
        if (target === null) earlyErr.push(line);
        else target.onStderrLine?.(line);
      },
    },
    opts,
  );
  const timer = setTimeout(() => {
    if (held.get(key)?.proc !== proc) return;
    held.delete(key);
    proc.kill('SIGTERM');
  }, unclaimedMs);
  timer.unref();
  held.set(key, {
    proc,
    take(handlers) {
      clearTimeout(timer);
      target = handlers;
      if (!handlers.onChunk) lines = lineSplitter((line) => handlers.onLine(line));
      for (const line of earlyErr.splice(0)) handlers.onStderrLine?.(line);
      for (const chunk of early.splice(0)) {
        if (lines) lines.push(chunk);
        else handlers.onChunk?.(chunk);
      }
      return {
        get pid() {
          return proc.pid;
        },
        done: proc.done.then((exit) => {
          lines?.end();
          return exit;
        }),
        kill: (signal) => proc.kill(signal),
      };
    },
  });
}

/** The prestarted stream of this namespace, command, arguments and options, taken over by `handlers`; once only. */
export function takePrestarted(
  netns: string | undefined,
  command: string,
  args: readonly string[],
  opts: StreamOptions,
  handlers: StreamHandlers,
): StreamedProcess | undefined {
  if (held.size === 0) return undefined;
  const key = keyOf(netns, command, args, opts);
  const h = held.get(key);
  if (!h) return undefined;
  held.delete(key);
  return h.take(handlers);
}
