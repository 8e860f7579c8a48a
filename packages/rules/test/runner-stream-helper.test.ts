/**
 * Runner.stream() with `fromHelper` (spawn-helper.ts's streams' helper, for
 * the conntrack dumps): the same output, exits and kills as a direct start;
 * the command runs to its end while this process's event loop is blocked
 * (the helper holds the output); a helper that dies fails its streams with
 * a reason and the next stream starts a new one.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, prestartStreamHelper, type StreamHandlers } from '../src/runner.js';
import { createNetns, type TestNetns } from './support/netns.js';
import { processesWithArgument } from './support/processes.js';

const node = process.execPath;
const runner = createRunner();

function collect(command: string, args: string[], fromHelper: boolean, chunks = false) {
  const lines: string[] = [];
  const bufs: Buffer[] = [];
  const stderrLines: string[] = [];
  const handlers: StreamHandlers = {
    onLine: (l) => lines.push(l),
    onStderrLine: (l) => stderrLines.push(l),
    ...(chunks ? { onChunk: (c: Buffer) => bufs.push(Buffer.from(c)) } : {}),
  };
  const proc = runner.stream(command, args, handlers, { fromHelper });
  return { proc, lines, stderrLines, bytes: () => Buffer.concat(bufs) };
}

/** The parent pid of a process (the helper, for a command it started). */
const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);

async function pidOf(proc: { pid: number | undefined }): Promise<number> {
  for (let i = 0; i < 500 && proc.pid === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  if (proc.pid === undefined) throw new Error('no pid reported');
  return proc.pid;
}

describe('Runner.stream from the helper', () => {
  it('hands over the same bytes and lines as a direct start', async () => {
    const direct = collect('seq', ['1', '300000'], false, true);
    const helped = collect('seq', ['1', '300000'], true, true);
    expect((await helped.proc.done).exitCode).toBe(0);
    await direct.proc.done;
    expect(helped.bytes().length).toBeGreaterThan(1_000_000);
    expect(helped.bytes().equals(direct.bytes())).toBe(true);
    const script =
      "process.stdout.write('fir'); setTimeout(() => process.stdout.write('st\\nsec'), 50);" +
      "setTimeout(() => process.stdout.write('ond\\nthird'), 100);";
    const split = collect(node, ['-e', script], true);
    expect(await split.proc.done).toMatchObject({ exitCode: 0, signal: null, stderr: '' });
    expect(split.lines).toEqual(['first', 'second', 'third']);
  });

  it('asks a command for large writes with writeBlock (stdbuf): the same bytes', async () => {
    const plain = collect('seq', ['1', '300000'], true, true);
    const bufs: Buffer[] = [];
    const blocked = runner.stream(
      'seq',
      ['1', '300000'],
      { onLine: () => undefined, onChunk: (c) => bufs.push(Buffer.from(c)) },
      { fromHelper: true, writeBlock: 1024 * 1024 },
    );
    expect((await blocked.done).exitCode).toBe(0);
    await plain.proc.done;
    expect(Buffer.concat(bufs).equals(plain.bytes())).toBe(true);
    // stdbuf runs the command itself with the block size in its environment.
    const endless = runner.stream(
      'seq',
      ['1', '999999999999'],
      { onLine: () => undefined, onChunk: () => undefined },
      {
        fromHelper: true,
        writeBlock: 65536,
      },
    );
    const pid = await pidOf(endless);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    endless.kill('SIGKILL');
    await endless.done;
    expect(argv.slice(0, 3)).toEqual(['seq', '1', '999999999999']);
    expect(env).toContain('_STDBUF_O=65536');
  });

  it('starts a command at the priority asked for (nice), this process keeping its own', async () => {
    const slow = runner.stream('sleep', ['30'], { onLine: () => undefined }, { fromHelper: true, priority: 7 });
    const pid = await pidOf(slow);
    // /proc/PID/stat: the 19th field is the nice value (counted after the command's name).
    const niceOf = (p: number | string) => {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    for (let i = 0; i < 100 && niceOf(pid) !== 7; i++) await new Promise((r) => setTimeout(r, 10));
    const seen = niceOf(pid);
    slow.kill('SIGKILL');
    await slow.done;
    expect(seen).toBe(7);
    expect(niceOf('self')).toBe(0);
  });

  it('reports exit codes and standard error, a missing command as 127, arguments without a shell', async () => {
    const failing = collect(node, ['-e', "console.log('out'); console.error('a problem'); process.exit(3)"], true);
    expect(await failing.proc.done).toMatchObject({ exitCode: 3, signal: null, stderr: 'a problem\n' });
    expect(failing.stderrLines).toEqual(['a problem']);
    expect(failing.lines).toEqual(['out']);
    const missing = collect('gatehouse-no-such-command', [], true);
    const exit = await missing.proc.done;
    expect(exit.exitCode).toBe(127);
    expect(exit.stderr).toMatch(/ENOENT/);
    const quoted = collect(node, ['-e', 'console.log(process.argv[1])', '$(echo no); `x` > f'], true);
    await quoted.proc.done;
    expect(quoted.lines).toEqual(['$(echo no); `x` > f']);
  });

  it('kills with the signal asked for', async () => {
    const { proc } = collect(node, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], true);
    const pid = await pidOf(proc);
    expect(pid).toBeGreaterThan(0);
    expect(parentOf(pid)).not.toBe(process.pid);
    proc.kill('SIGKILL');
    expect(await proc.done).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
    expect(() => proc.kill()).not.toThrow();
  });

  it('starts the command delayMs later, timed in the helper (a blocked loop here does not stretch it), or not at all if killed first', async () => {
    const t0 = Date.now();
    const out: string[] = [];
    const proc = runner.stream(
      node,
      ['-e', 'console.log(Date.now())'],
      { onLine: (l) => out.push(l) },
      {
        fromHelper: true,
        delayMs: 300,
      },
    );
    // Blocked for 1 s: a timer here would fire after it, the helper's does not wait for it.
    while (Date.now() - t0 < 1000);
    expect((await proc.done).exitCode).toBe(0);
    const ranAt = Number(out[0]) - t0;
    expect(ranAt).toBeGreaterThanOrEqual(300);
    expect(ranAt).toBeLessThan(1000);
    const never = runner.stream('sleep', ['30'], { onLine: () => undefined }, { fromHelper: true, delayMs: 60_000 });
    never.kill('SIGTERM');
    expect(await never.done).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
    expect(never.pid).toBeUndefined();
  });

  it('lets the command finish while this event loop is blocked, and delivers all of it after', async () => {
    // ~20 MB: far more than a pipe holds, so a direct start would wait for us.
    const { proc, bytes } = collect('seq', ['1', '2800000'], true, true);
    const pid = await pidOf(proc);
    const until = Date.now() + 1500;
    let gone = false;
    while (Date.now() < until && !gone) gone = !existsSync(`/proc/${pid}`);
    expect(gone).toBe(true);
    expect((await proc.done).exitCode).toBe(0);
    const text = bytes().toString();
    expect(text.length).toBe(21_288_896);
    expect(text.endsWith('\n2800000\n')).toBe(true);
  });

  it('reads a backlog a slice per turn of the event loop: timers get in between', async () => {
    // The helper holds ~20 MB; handling costs 3 ms per 64 KB here (wall time, so
    // a busy box does not change the count). Read as libuv reads a pipe that
    // stays full (up to 32 chunks a turn), 585-972 KB went by between two
    // timer turns; in slices of STREAM_SLICE_MS (8 ms) at most 4 chunks (262 KB).
    let sinceTick = 0;
    let most = 0;
    const tick = setInterval(() => {
      most = Math.max(most, sinceTick);
      sinceTick = 0;
    }, 1);
    let bytes = 0;
    const proc = runner.stream(
      'seq',
      ['1', '2800000'],
      {
        onLine: () => undefined,
        onChunk: (c) => {
          bytes += c.length;
          sinceTick += c.length;
          const until = performance.now() + (3 * c.length) / 65536;
          while (performance.now() < until);
        },
      },
      { fromHelper: true },
    );
    await proc.done;
    clearInterval(tick);
    expect(bytes).toBe(21_288_896);
    expect(most).toBeLessThan(400_000);
  });

  it('fails the streams of a helper that dies, with the reason, and starts a new one for the next', async () => {
    const { proc } = collect('sleep', ['30'], true);
    const helper = parentOf(await pidOf(proc));
    process.kill(helper, 'SIGKILL');
    const exit = await proc.done;
    expect(exit.exitCode).toBe(1);
    expect(exit.stderr).toMatch(/spawn helper exited \(SIGKILL\)/);
    const next = collect('seq', ['1', '3'], true);
    expect((await next.proc.done).exitCode).toBe(0);
    expect(next.lines).toEqual(['1', '2', '3']);
    expect(parentOf(await pidOf(collect('sleep', ['0.5'], true).proc))).not.toBe(helper);
  });
});

describe('the streams helper started early', () => {
  it('is the one the next stream runs from', async () => {
    const first = collect('sleep', ['0.5'], true);
    const helper = parentOf(await pidOf(first.proc));
    process.kill(helper, 'SIGKILL');
    await first.proc.done;
    prestartStreamHelper();
    prestartStreamHelper();
    const a = collect('sleep', ['0.5'], true);
    const b = collect('sleep', ['0.5'], true);
    const early = parentOf(await pidOf(a.proc));
    expect(early).not.toBe(helper);
    expect(parentOf(await pidOf(b.proc))).toBe(early);
    expect((await a.proc.done).exitCode).toBe(0);
  });
});

describe('Runner.stream from the helper in a namespace', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('shelper');
  });
  afterAll(() => ns?.destroy());

  it('runs the command inside the namespace', async () => {
    const lines: string[] = [];
    const proc = ns.runner.stream('ip', ['-o', 'link', 'show'], { onLine: (l) => lines.push(l) }, { fromHelper: true });
    expect((await proc.done).exitCode).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^1: lo:/);
  });
});

describe('the streams helper when its process dies', () => {
  it('stops the command it runs and exits quietly (no EPIPE on the shared standard error)', async () => {
    // A process that streams a long command from the helper (`seq 1 N`, N unique to this run), then is killed outright.
    const marker = String(900_000_000 + process.pid);
    const script =
      "import('@gatehouse/rules').then(({ createRunner }) => {" +
      `createRunner().stream('seq', ['1', '${marker}'], { onLine() {}, onChunk() {} }, { fromHelper: true });` +
      "setTimeout(() => process.kill(process.pid, 'SIGKILL'), 500); });";
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: new URL('..', import.meta.url).pathname,
    });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    await new Promise((r) => child.once('close', r));
    // The helper (which shares that standard error) finds fd 3 closed at its next write.
    for (let i = 0; i < 40 && processesWithArgument(marker).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(processesWithArgument(marker)).toEqual([]);
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
  });
});
