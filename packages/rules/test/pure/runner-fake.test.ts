/**
 * FakeRunner: scripted answers for run() and stream(), matched by command and
 * arguments, every call recorded; a call nobody scripted fails like a
 * missing command.
 */
import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../src/fake-runner.js';
import { CommandError, type StreamExit } from '../../src/runner.js';

function follow(fake: FakeRunner, command: string, args: string[]) {
  const lines: string[] = [];
  const stderrLines: string[] = [];
  const proc = fake.stream(command, args, {
    onLine: (l) => lines.push(l),
    onStderrLine: (l) => stderrLines.push(l),
  });
  return { proc, lines, stderrLines };
}

describe('FakeRunner.run', () => {
  it('answers a scripted command and records the call with its stdin', async () => {
    const fake = new FakeRunner().onRun('nft', ['-f', '-'], { stdout: 'ok\n' });
    const r = await fake.run('nft', ['-f', '-'], { input: 'table inet x {}\n' });
    expect(r).toMatchObject({ command: 'nft', args: ['-f', '-'], exitCode: 0, stdout: 'ok\n', stderr: '' });
    expect(fake.calls).toEqual([{ kind: 'run', command: 'nft', args: ['-f', '-'], input: 'table inet x {}\n' }]);
  });

  it('matches arguments as an array (RegExp elements), a RegExp on the joined line, or a function', async () => {
    const fake = new FakeRunner()
      .onRun('conntrack', ['-D', '-p', /^(tcp|udp)$/], { stdout: 'array' })
      .onRun('conntrack', /^-L -o id/, { stdout: 'regexp' })
      .onRun('sysctl', (args) => args.includes('-w'), { stdout: 'function' });
    expect((await fake.run('conntrack', ['-D', '-p', 'udp'])).stdout).toBe('array');
    expect((await fake.run('conntrack', ['-L', '-o', 'id', '-p', 'tcp'])).stdout).toBe('regexp');
    expect((await fake.run('sysctl', ['-w', 'a=1'])).stdout).toBe('function');
    // An array pattern matches the whole argument list, not a prefix.
    await expect(fake.run('conntrack', ['-D', '-p', 'udp', '-s', '10.0.0.1'])).rejects.toThrow(CommandError);
    await expect(fake.run('conntrack', ['-D', '-p', 'icmp'])).rejects.toThrow(CommandError);
  });

  it('answers with the latest matching script, and a function script sees the call', async () => {
    let n = 0;
    const fake = new FakeRunner()
      .onRun('conntrack', undefined, { stdout: 'any' })
      .onRun('conntrack', ['-C'], () => ({ stdout: `${++n}\n` }));
    expect((await fake.run('conntrack', ['-C'])).stdout).toBe('1\n');
    expect((await fake.run('conntrack', ['-C'])).stdout).toBe('2\n');
    expect((await fake.run('conntrack', ['-L'])).stdout).toBe('any');
    fake.onRun('conntrack', ['-C'], { stdout: 'override' });
    expect((await fake.run('conntrack', ['-C'])).stdout).toBe('override');
  });

  it('throws a CommandError on a scripted failure unless reject is false', async () => {
    const fake = new FakeRunner().onRun('nft', ['-c', '-f', '-'], { exitCode: 1, stderr: 'Error: syntax error\n' });
    const err = await fake.run('nft', ['-c', '-f', '-'], { input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err).toMatchObject({ command: 'nft', exitCode: 1, stderr: 'Error: syntax error\n' });
    const r = await fake.run('nft', ['-c', '-f', '-'], { reject: false });
    expect(r.exitCode).toBe(1);
  });

  it('fails a command nobody scripted as a missing one (127), naming it', async () => {
    const fake = new FakeRunner();
    const r = await fake.run('modprobe', ['nf_nat_ftp'], { reject: false });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('nothing scripted for modprobe nf_nat_ftp');
    expect(fake.callsOf('modprobe')).toHaveLength(1);
  });

  it('calls onSpawn and keeps the namespace it was given', async () => {
    const fake = new FakeRunner({ netns: 'gh-test' }).onRun('nft', undefined, {});
    let spawned = false;
    await fake.run('nft', ['list', 'ruleset'], { onSpawn: () => (spawned = true) });
    expect(spawned).toBe(true);
    expect(fake.netns).toBe('gh-test');
    expect(new FakeRunner().netns).toBeUndefined();
  });
});

describe('FakeRunner.stream', () => {
  it('hands over scripted lines after stream() returns, then exits as scripted', async () => {
    const fake = new FakeRunner().onStream('conntrack', ['-L', 'expect'], {
      lines: ['a', 'b'],
      stderrLines: ['conntrack v1.4.7 (conntrack-tools): 2 expectations have been shown.'],
      exitCode: 0,
    });
    const { proc, lines, stderrLines } = follow(fake, 'conntrack', ['-L', 'expect']);
    expect(lines).toEqual([]);
    const exit = await proc.done;
    expect(lines).toEqual(['a', 'b']);
    expect(stderrLines).toHaveLength(1);
    expect(exit).toMatchObject({
      exitCode: 0,
      signal: null,
      stderr: 'conntrack v1.4.7 (conntrack-tools): 2 expectations have been shown.\n',
    });
    expect(fake.calls).toEqual([{ kind: 'stream', command: 'conntrack', args: ['-L', 'expect'] }]);
  });

  it('keeps a stream without a scripted exit open: the test emits lines and ends it', async () => {
    const fake = new FakeRunner().onStream('conntrack', /^-E /, { lines: ['first'] });
    const { proc, lines } = follow(fake, 'conntrack', ['-E', '-o', 'id']);
    let exit: StreamExit | undefined;
    void proc.done.then((e) => {
      exit = e;
    });
    await new Promise((r) => setImmediate(r));
    const live = fake.streamsOf('conntrack', /^-E /);
    expect(live).toEqual([proc]);
    live[0]?.emit('second');
    expect(lines).toEqual(['first', 'second']);
    expect(exit).toBeUndefined();
    live[0]?.exit(1);
    expect(await proc.done).toMatchObject({ exitCode: 1, signal: null });
    live[0]?.emit('after the exit');
    expect(lines).toEqual(['first', 'second']);
  });

  it('ends on kill with the signal, once', async () => {
    const fake = new FakeRunner().onStream('conntrack', undefined, {});
    const { proc } = follow(fake, 'conntrack', ['-E', 'expect']);
    expect(proc.pid).toBeGreaterThan(0);
    proc.kill();
    proc.kill('SIGKILL');
    expect(await proc.done).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
  });

  it('fails a stream nobody scripted with exit 127 and the reason on stderr', async () => {
    const fake = new FakeRunner();
    const { proc, lines, stderrLines } = follow(fake, 'conntrack', ['-L']);
    const exit = await proc.done;
    expect(exit.exitCode).toBe(127);
    expect(exit.stderr).toContain('nothing scripted for conntrack -L');
    expect(stderrLines).toHaveLength(1);
    expect(lines).toEqual([]);
  });
});
