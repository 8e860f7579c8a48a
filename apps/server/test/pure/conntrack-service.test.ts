/**
 * ConntrackService driven by a FakeRunner: scripted dumps and event streams,
 * no kernel and no root. What the service asks conntrack for, what it makes
 * of the answers, and how it reacts to a lost event, a dying stream and a
 * failed dump.
 */
import { CommandError, FakeRunner } from '@gatehouse/rules';
import { afterEach, describe, expect, it } from 'vitest';
import { ConntrackService } from '../../src/conntrack/service.js';
import { EventHub, type HubMessage } from '../../src/services/events.js';

const FLOW_A =
  'tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40000 [ASSURED] mark=7 use=1 id=1001';
const FLOW_B =
  'udp      17 29 src=10.0.0.3 dst=10.0.0.4 sport=5000 dport=53 [UNREPLIED] src=10.0.0.4 dst=10.0.0.3 sport=53 dport=5000 mark=0 use=1 id=1002';
const NEW_C =
  '    [NEW] udp      17 30 src=10.0.0.5 dst=10.0.0.6 sport=6000 dport=443 [UNREPLIED] src=10.0.0.6 dst=10.0.0.5 sport=443 dport=6000 id=1003';
const DESTROY_A =
  ' [DESTROY] tcp      6 src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=40000 [ASSURED] id=1001';
const EXPECTATION =
  '298 proto=6 src=192.0.2.101 dst=192.0.2.2 sport=0 dport=30078 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=192.0.2.101 master-dst=192.0.2.2 sport=35918 dport=21 class=0 helper=ftp';

const quiet = { debug() {}, info() {}, warn() {} };
const FLOW_EVENTS = ['-E', '-o', 'id', '-b', '1048576'];

function setup(dump: readonly string[]) {
  const fake = new FakeRunner()
    .onStream('conntrack', FLOW_EVENTS, {})
    .onStream('conntrack', ['-E', 'expect'], {})
    .onStream('conntrack', ['-L', '-o', 'id'], { lines: dump, exitCode: 0 })
    .onStream('conntrack', ['-L', 'expect'], { lines: [EXPECTATION], exitCode: 0 });
  const hub = new EventHub({ batchMs: 5 });
  const messages: HubMessage[] = [];
  hub.subscribe((m) => messages.push(m));
  const service = new ConntrackService(fake, hub, quiet, { eventBufferBytes: 1048576 });
  stopLater.push(() => service.stop());
  return { fake, hub, messages, service };
}

const stopLater: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stopLater.splice(0)) await stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('ConntrackService with a scripted conntrack', () => {
  it('subscribes to both event streams, then loads the dump into the index', async () => {
    const { fake, service } = setup([
      FLOW_A,
      FLOW_B,
      'conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.',
    ]);
    await service.start();
    const calls = fake.calls.map((c) => [c.kind, c.command, ...c.args].join(' '));
    expect(calls.filter((c) => !c.startsWith('run perl'))).toEqual([
      // Counters and start times on before anything is read (refused here: the fake has no sysctl).
      'run sysctl -w net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1',
      'stream conntrack -E -o id -b 1048576',
      'stream conntrack -E expect',
      'stream conntrack -L -o id',
      'stream conntrack -L expect',
    ]);
    // Each event stream's socket is sized (event-socket.ts; refused here: the fake has no perl).
    expect(calls.filter((c) => c.startsWith('run perl')).map((c) => c.split(' ').at(-1))).toEqual([
      '1048576',
      '1048576',
    ]);
    expect(service.table.flows.size).toBe(2);
    expect(await service.getFlow('1001')).toMatchObject({
      protocol: 'tcp',
      state: 'ESTABLISHED',
      mark: 7,
      original: { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80 },
    });
    expect(await service.listExpectations()).toMatchObject([
      { helper: 'ftp', expected: { dport: 30078 }, timeout: 298 },
    ]);
    expect(service.resyncs).toBe(1);
    expect(service.following).toBe(true);
  });

  it('applies streamed events to the index and sends them to subscribers', async () => {
    const { fake, messages, service } = setup([FLOW_A, FLOW_B]);
    await service.start();
    const events = fake.streamsOf('conntrack', FLOW_EVENTS)[0];
    events?.emit(NEW_C);
    events?.emit(DESTROY_A);
    expect(service.table.flows.get('1003')).toMatchObject({ protocol: 'udp', unreplied: true });
    expect(service.table.flows.get('1001')).toBeUndefined();
    await until('a flows message', () => messages.some((m) => m.event === 'flows'));
    const sent = messages.find((m) => m.event === 'flows')?.data as {
      events: Array<{ type: string; row: { id: string } }>;
    };
    expect(sent.events.map((e) => [e.type, e.row.id])).toEqual([
      ['new', '1003'],
      ['destroy', '1001'],
    ]);
    const page = await service.queryFlows({ sort: 'id', order: 'asc', limit: 10 });
    expect(page.items.map((f) => f.id)).toEqual(['1002', '1003']);
  });

  it('reports lost events (ENOBUFS) at once and repairs the index from one more dump', async () => {
    const { fake, messages, service } = setup([FLOW_A]);
    await service.start();
    // The kernel's table changed while events were being lost.
    fake.onStream('conntrack', ['-L', '-o', 'id'], { lines: [FLOW_B], exitCode: 0 });
    fake
      .streamsOf('conntrack', FLOW_EVENTS)[0]
      ?.emitStderr('conntrack v1.4.7 (conntrack-tools): Operation failed: ENOBUFS');
    expect(messages.find((m) => m.event === 'resync')?.data).toMatchObject({ reason: 'enobufs', kind: 'flows' });
    await until('the repairing dump', () => service.resyncs === 2);
    expect(fake.callsOf('conntrack', ['-L', '-o', 'id'])).toHaveLength(2);
    expect([...service.table.flows.values()].map((f) => f.id)).toEqual(['1002']);
  });

  it('restarts an event stream that ended, says so, and dumps again', async () => {
    const { fake, messages, service } = setup([FLOW_A]);
    await service.start();
    const first = fake.streamsOf('conntrack', FLOW_EVENTS)[0];
    first?.exit(1);
    await until('a second event stream', () => fake.streamsOf('conntrack', FLOW_EVENTS).length === 2);
    expect(service.restarts).toBe(1);
    expect(messages.find((m) => m.event === 'resync')?.data).toMatchObject({ reason: 'restart', kind: 'flows' });
    expect(service.streamProcess('flows')).toBe(fake.streamsOf('conntrack', FLOW_EVENTS)[1]);
    await until('the dump after the restart', () => service.resyncs === 2);
  });

  it('keeps the index when a dump fails, and fails the resync with the command error', async () => {
    const { fake, service } = setup([FLOW_A, FLOW_B]);
    await service.start();
    fake.onStream('conntrack', ['-L', '-o', 'id'], {
      lines: [FLOW_B],
      stderrLines: ['conntrack v1.4.7 (conntrack-tools): Operation not permitted'],
      exitCode: 1,
    });
    const err = await service.resync('test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err).toMatchObject({ command: 'conntrack', exitCode: 1 });
    expect((err as CommandError).stderr).toContain('Operation not permitted');
    expect(service.table.flows.size).toBe(2);
    expect(service.resyncs).toBe(1);
  });

  it('kills the event streams on stop', async () => {
    const { fake, service } = setup([]);
    await service.start();
    const streams = fake.streamsOf('conntrack', /^-E /);
    expect(streams).toHaveLength(2);
    await service.stop();
    expect(streams.every((s) => s.exited)).toBe(true);
    expect(service.following).toBe(false);
    await sleep(300);
    expect(fake.streamsOf('conntrack', /^-E /)).toHaveLength(2);
  });

  it('deletes a flow by its exact original tuple, and asks the kernel for its count', async () => {
    const { fake, service } = setup([FLOW_A]);
    fake.onRun('conntrack', /^-D /, { stderr: '1 flow entries have been deleted.\n' });
    fake.onRun('conntrack', ['-C'], { stdout: '42\n' });
    await service.start();
    expect(await service.kill('1001')).toMatchObject({ id: '1001' });
    expect(fake.callsOf('conntrack', /^-D /).map((c) => c.args)).toEqual([
      ['-D', '-p', 'tcp', '-s', '10.0.0.1', '-d', '10.0.0.2', '--sport', '40000', '--dport', '80'],
    ]);
    expect(await service.kernelCount()).toBe(42);
  });

  it('a page asked for during the first dump waits for that dump, not for a recheck chained after it', async () => {
    let dumps = 0;
    const fake = new FakeRunner()
      .onStream('conntrack', FLOW_EVENTS, {})
      .onStream('conntrack', ['-E', 'expect'], {})
      // The second dump (the recheck) stays open until the test ends it.
      .onStream('conntrack', ['-L', '-o', 'id'], () => (++dumps === 1 ? { lines: [FLOW_A], exitCode: 0 } : {}))
      .onStream('conntrack', ['-L', 'expect'], { lines: [], exitCode: 0 });
    const service = new ConntrackService(fake, new EventHub({ batchMs: 5 }), quiet, { eventBufferBytes: 1048576 });
    stopLater.push(async () => {
      for (const p of fake.streamsOf('conntrack', ['-L', '-o', 'id'])) if (!p.exited) p.exit(0);
      await service.stop();
    });
    const started = service.start();
    void service.resync('recheck');
    const flow = await Promise.race([service.getFlow('1001'), sleep(3000).then(() => 'still waiting')]);
    expect(flow).toMatchObject({ id: '1001', protocol: 'tcp' });
    expect(dumps).toBe(2);
    expect(fake.streamsOf('conntrack', ['-L', '-o', 'id'])[1]?.exited).toBe(false);
    expect(fake.callsOf('conntrack', ['-L', '-o', 'id'])[0]).toMatchObject({ fromHelper: true, delayMs: 150 });
    fake.streamsOf('conntrack', ['-L', '-o', 'id'])[1]?.exit(0);
    await started;
  });
});
