/**
 * Runner.stream() against real processes: lines as they arrive (also split
 * across chunks), exit codes and signals, kill, a command that is missing,
 * the log line, and a real `conntrack -E` in a namespace of its own.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, type StreamedProcess } from '../src/runner.js';
import { createNetns, type TestNetns } from './support/netns.js';

const node = process.execPath;
/** One UDP datagram to the discard port over loopback: a new flow. */
const SEND_UDP = "const s = require('node:dgram').createSocket('udp4'); s.send('x', 9, '127.0.0.1', () => s.close())";

function collect(runnerOpts: Parameters<typeof createRunner>[0], command: string, args: string[]) {
  const lines: string[] = [];
  const stderrLines: string[] = [];
  const proc = createRunner(runnerOpts).stream(command, args, {
    onLine: (l) => lines.push(l),
    onStderrLine: (l) => stderrLines.push(l),
  });
  return { proc, lines, stderrLines };
}

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Runner.stream', () => {
  it('hands over lines split across chunks whole, and a last line without a newline', async () => {
    // Three writes apart in time, so the pipe delivers three chunks that cut lines in half.
    const script =
      "process.stdout.write('fir'); setTimeout(() => process.stdout.write('st\\nsec'), 50);" +
      "setTimeout(() => process.stdout.write('ond\\nthird'), 100);";
    const { proc, lines } = collect({}, node, ['-e', script]);
    const exit = await proc.done;
    expect(lines).toEqual(['first', 'second', 'third']);
    expect(exit).toMatchObject({ exitCode: 0, signal: null, stderr: '' });
  });

  it('delivers every line of a large output in order', async () => {
    const { proc, lines } = collect({}, 'seq', ['1', '200000']);
    await proc.done;
    expect(lines.length).toBe(200_000);
    expect(lines[0]).toBe('1');
    expect(lines[99_999]).toBe('100000');
    expect(lines.at(-1)).toBe('200000');
  });

  it('outputBufferBytes: a command writes its 1 MB while this process is busy, and nice is applied', async () => {
    const readFor = (p: number) => readFileSync(`/proc/${p}/stat`, 'utf8');
    const stateOf = (p: number) =>
      readFor(p)
        .slice(readFor(p).lastIndexOf(')') + 2)
        .split(' ');
    // 5,000 lines of 200 bytes, a write each, then exit.
    const script = '$| = 1; print((\'x\' x 199) . "\\n") for 1 .. 5000;';
    const states: string[] = [];
    for (const opts of [{ outputBufferBytes: 8 * 1024 * 1024, priority: 5 }, {}]) {
      let lines = 0;
      const proc = createRunner().stream('perl', ['-e', script], { onLine: () => void lines++ }, opts);
      const pid = proc.pid as number;
      // This process busy for 1 s: nobody reads the command's output meanwhile.
      const until = Date.now() + 1000;
      while (Date.now() < until) {}
      const [state, , , , , , , , , , , , , , , , nice] = stateOf(pid);
      states.push(`${state} ${nice}`);
      await proc.done;
      expect(lines).toBe(5000);
    }
    // With the buffer it has written everything and exited (a zombie, not reaped yet), at nice 5;
    // without, it still waits to write (S).
    expect(states).toEqual(['Z 5', 'S 0']);
  });

  it('reports a non-zero exit with its standard error, line by line as well', async () => {
    const { proc, lines, stderrLines } = collect({}, node, [
      '-e',
      "console.log('out'); console.error('first problem'); console.error('second'); process.exit(3)",
    ]);
    const exit = await proc.done;
    expect(exit.exitCode).toBe(3);
    expect(exit.signal).toBeNull();
    expect(exit.stderr).toBe('first problem\nsecond\n');
    expect(stderrLines).toEqual(['first problem', 'second']);
    expect(lines).toEqual(['out']);
  });

  it('passes arguments without a shell', async () => {
    const { proc, lines } = collect({}, node, ['-e', 'console.log(process.argv[1])', '$(echo no); `x` > f']);
    await proc.done;
    expect(lines).toEqual(['$(echo no); `x` > f']);
  });

  it('kills a process that would run on, and kill after the exit does nothing', async () => {
    const { proc } = collect({}, 'sleep', ['30']);
    expect(proc.pid).toBeGreaterThan(0);
    const started = Date.now();
    proc.kill();
    const exit = await proc.done;
    expect(exit).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(() => proc.kill('SIGKILL')).not.toThrow();
  });

  it('kills with the signal asked for', async () => {
    const { proc } = collect({}, node, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"]);
    await new Promise((r) => setTimeout(r, 300));
    proc.kill('SIGKILL');
    expect(await proc.done).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
  });

  it('reports a missing command as exit 127 with the reason, without throwing', async () => {
    const { proc, lines } = collect({}, 'gatehouse-no-such-command', []);
    const exit = await proc.done;
    expect(exit.exitCode).toBe(127);
    expect(exit.stderr).toMatch(/ENOENT/);
    expect(lines).toEqual([]);
  });

  it('logs the command line, exit and duration when the process ends', async () => {
    const logged: Array<{ obj: Record<string, unknown>; msg: string | undefined }> = [];
    const logger = { debug: (obj: object, msg?: string) => logged.push({ obj: obj as Record<string, unknown>, msg }) };
    const proc = createRunner({ logger }).stream('sh', ['-c', 'exit 2'], { onLine: () => undefined });
    expect(logged).toEqual([]);
    await proc.done;
    expect(logged).toHaveLength(1);
    expect(logged[0]?.msg).toBe('command');
    expect(logged[0]?.obj).toMatchObject({ cmd: 'sh -c exit 2', exitCode: 2, signal: null });
    expect(typeof logged[0]?.obj.ms).toBe('number');
  });
});

describe('Runner.stream in a namespace', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('stream');
  });
  afterAll(() => ns?.destroy());

  it('runs the command inside the namespace', async () => {
    const lines: string[] = [];
    const proc = ns.runner.stream('ip', ['-o', 'link', 'show'], { onLine: (l) => lines.push(l) });
    expect((await proc.done).exitCode).toBe(0);
    // A fresh namespace has only its own loopback.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^1: lo:/);
  });

  it('follows a real conntrack -E until killed', async () => {
    await ns.runner.run('ip', ['link', 'set', 'lo', 'up']);
    // Connection tracking starts in a namespace once a ruleset uses it.
    await ns.runner.run('nft', ['-f', '-'], {
      input: 'table inet t {\n chain c {\n type filter hook output priority 0;\n ct state new accept\n }\n}\n',
    });
    const lines: string[] = [];
    let proc: StreamedProcess | undefined;
    try {
      proc = ns.runner.stream('conntrack', ['-E', '-e', 'NEW'], { onLine: (l) => lines.push(l) });
      // conntrack gives no sign that it has subscribed: send until an event shows.
      for (let i = 0; i < 20 && lines.length === 0; i++) {
        await ns.runner.run(node, ['-e', SEND_UDP]);
        await new Promise((r) => setTimeout(r, 100));
      }
      await until('a [NEW] event', () => lines.length > 0);
      expect(lines[0]).toMatch(/^\s*\[NEW\] udp\s+17 .*src=127\.0\.0\.1 dst=127\.0\.0\.1 sport=\d+ dport=9 /);
      proc.kill();
      // conntrack ends on SIGTERM by itself, with its count of events.
      const exit = await proc.done;
      expect(exit.exitCode).toBe(0);
      expect(exit.stderr).toMatch(/\d+ flow events have been shown/);
    } finally {
      proc?.kill('SIGKILL');
    }
  });
});
