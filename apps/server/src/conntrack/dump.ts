/**
 * One dump of the kernel's tables (`conntrack -L ...`), read as it arrives.
 * Dumps start from the runner's streams' helper (Runner StreamOptions
 * fromHelper): the helper holds output this process has not read yet, so a
 * dump is never slowed by a busy event loop here (a 1M-flow dump during the
 * server's start-up: bench 15.6), and no fork of this (large) process starts
 * it (a resync during a burst of events: bench 15.2c).
 */
import { CommandError, type Runner } from '@gatehouse/rules';
import { dumpOptions } from './commands.js';
import { ByteLines } from './scan.js';

/** Throws the dump's failure as a CommandError (its exit code and stderr). */
function failed(args: readonly string[], r: { exitCode: number | null; stderr: string; durationMs: number }): never {
  throw new CommandError({
    command: 'conntrack',
    args,
    exitCode: r.exitCode ?? 1,
    stdout: '',
    stderr: r.stderr,
    durationMs: r.durationMs,
  });
}

/**
 * A flow dump read as bytes: each line is handed over as its bounds in the
 * chunk it arrived in (no string per line; scan.ts reads most lines as they are).
 * `delayMs`: the dump starts that much later, timed by the helper.
 */
export async function dumpFlowBytes(
  runner: Runner,
  args: readonly string[],
  onLine: (b: Buffer, start: number, end: number) => void,
  delayMs = 0,
): Promise<void> {
  const lines = new ByteLines(onLine);
  const proc = runner.stream(
    'conntrack',
    args,
    { onLine: () => undefined, onChunk: (chunk) => lines.push(chunk) },
    dumpOptions(delayMs),
  );
  const r = await proc.done;
  lines.end();
  if (r.exitCode !== 0) failed(args, r);
}

/** A small dump (expectations) as parsed lines; lines `parse` answers null for are left out. */
export async function dumpLines<T>(
  runner: Runner,
  args: readonly string[],
  parse: (line: string) => T | null,
  delayMs = 0,
): Promise<T[]> {
  const out: T[] = [];
  const proc = runner.stream(
    'conntrack',
    args,
    {
      onLine: (line) => {
        const v = parse(line);
        if (v !== null) out.push(v);
      },
    },
    dumpOptions(delayMs),
  );
  const r = await proc.done;
  if (r.exitCode !== 0) failed(args, r);
  return out;
}
