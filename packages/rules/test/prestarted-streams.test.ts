/**
 * prestartStream() (prestarted-streams.ts: server.ts starts the conntrack
 * event streams and first dump before the app is loaded): the later
 * stream() call with the same command, arguments and options takes the
 * running process over and gets every byte and line, in order, whether it
 * arrived before or after; its exit too. Another call (other arguments or
 * options, or a second call) starts its own process; a stream nobody takes
 * is stopped.
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prestartStream } from '../src/prestarted-streams.js';
import { createRunner, type StreamHandlers } from '../src/runner.js';
import { processesWithArgument } from './support/processes.js';

const runner = createRunner();
const node = process.execPath;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function collect(chunks: boolean) {
  const lines: string[] = [];
  const bufs: Buffer[] = [];
  const stderr: string[] = [];
  const handlers: StreamHandlers = {
    onLine: (l) => lines.push(l),
    onStderrLine: (l) => stderr.push(l),
    ...(chunks ? { onChunk: (c: Buffer) => bufs.push(Buffer.from(c)) } : {}),
  };
  return { handlers, lines, stderr, bytes: () => Buffer.concat(bufs) };
}

/**
 * Prints its start time, `n` numbered lines, one more line and a line of
 * stderr 300 ms later, then exits 3; says it has started by creating `flag`.
 */
const SCRIPT = (n: number, flag: string) =>
  `process.stdout.write(Date.now() + "\\n"); require("node:fs").writeFileSync(${JSON.stringify(flag)}, "");` +
  `for (let i = 1; i <= ${n}; i++) process.stdout.write(i + '\\n');` +
  "setTimeout(() => { process.stdout.write('late\\n'); console.error('on stderr'); process.exit(3); }, 300);";

describe('prestarted streams', () => {
  for (const fromHelper of [false, true]) {
    it(`are taken over with the output from before and after the call${fromHelper ? ', from the helper' : ''}`, async () => {
      const flag = join(tmpdir(), `gatehouse-prestarted-${process.pid}-${fromHelper}`);
      rmSync(flag, { force: true });
      const args = ['-e', SCRIPT(50_000, flag)];
      prestartStream(runner, node, args, { fromHelper });
      // The first 50,000 lines are printed before anyone reads them.
      for (let i = 0; i < 200 && !existsSync(flag); i++) await sleep(50);
      await sleep(20);
      rmSync(flag, { force: true });
      const lines = collect(false);
      const calledAt = Date.now();
      const taken = runner.stream(node, args, lines.handlers, { fromHelper });
      const exit = await taken.done;
      expect(exit).toMatchObject({ exitCode: 3, signal: null });
      // The process that ran is the one started before the call.
      expect(Number(lines.lines[0])).toBeLessThan(calledAt);
      expect(lines.lines).toHaveLength(50_002);
      expect(lines.lines[1]).toBe('1');
      expect(lines.lines[50_000]).toBe('50000');
      expect(lines.lines[50_001]).toBe('late');
      expect(lines.stderr).toEqual(['on stderr']);

      // Taken once: the same call again starts a process of its own.
      const again = collect(true);
      const second = runner.stream(node, ['-e', "process.stdout.write('own\\n')"], again.handlers, { fromHelper });
      expect((await second.done).exitCode).toBe(0);
      expect(again.bytes().toString()).toBe('own\n');
    });
  }

  it('hands raw chunks over byte for byte to a chunk reader, with a delay kept in the key', async () => {
    const args = ['-e', 'process.stdout.write(String(Date.now()).padEnd(20) + "x".repeat(2_000_000))'];
    prestartStream(runner, node, args, { fromHelper: true, delayMs: 50 });
    // Other options (no delay) are another stream: a process of its own.
    await sleep(400);
    const other = collect(true);
    const calledAt = Date.now();
    const otherProc = runner.stream(node, args, other.handlers, { fromHelper: true });
    const taken = collect(true);
    const proc = runner.stream(node, args, taken.handlers, { fromHelper: true, delayMs: 50 });
    expect((await proc.done).exitCode).toBe(0);
    expect((await otherProc.done).exitCode).toBe(0);
    const startedAt = (b: Buffer) => Number(b.subarray(0, 20).toString().trim());
    expect(taken.bytes().length).toBe(2_000_020);
    expect(
      taken
        .bytes()
        .subarray(20)
        .every((c) => c === 0x78),
    ).toBe(true);
    expect(startedAt(taken.bytes())).toBeLessThan(calledAt - 200);
    expect(other.bytes().length).toBe(2_000_020);
    expect(startedAt(other.bytes())).toBeGreaterThanOrEqual(calledAt);
  });

  it('stops a stream nobody takes', async () => {
    const marker = `gatehouse-unclaimed-${process.pid}`;
    prestartStream(runner, node, ['-e', 'setInterval(() => {}, 1000)', marker], {}, 300);
    await sleep(150);
    expect(processesWithArgument(marker)).toHaveLength(1);
    await sleep(650);
    expect(processesWithArgument(marker)).toEqual([]);
  });
});
