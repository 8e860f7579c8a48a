/**
 * A busy server, or a conntrack -E held up, loses no events. conntrack 1.4.7
 * sets `-b` on the wrong socket, so the one the events come in by keeps the
 * kernel's default buffer (212 KB, ~70-300 events), and `conntrack -E` read
 * by a busy process stalls on its output within ~200 lines. The server sizes
 * both (event-socket.ts, commands.ts EVENT_STREAM_OPTIONS); a socket it
 * cannot size is reported, and its conntrack raised to nice -5. Both ways, in a
 * namespace of their own: the same blocked loop and the same 5,000 new flows
 * lose events from a plain `conntrack -E -b` and none from the server's, and
 * the server's loses none while its conntrack is stopped for a moment
 * (conntrack-api.test.ts: the same with a 4 KB socket loses them).
 */
import { readFileSync } from 'node:fs';
import { createRunner } from '@gatehouse/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizeEventSocket, socketDrops, UNSIZED_PRIORITY, watchEventSocket } from '../src/conntrack/event-socket.js';
import { createNetns, makeApp, type Netns, type TestApp, waitFor } from './helpers.js';

/** 5,000 new UDP flows at ~5,000 a second; this process (and a server in it) is blocked meanwhile. */
const SEND_BLOCKING =
  "const s=require('node:dgram').createSocket('udp4');const b=Buffer.from('x');let i=0;" +
  "const t=setInterval(()=>{for(let k=0;k<50&&i<5000;k++)s.send(b,20000+(i++%10000),'127.0.0.1');" +
  'if(i>=5000){clearInterval(t);setTimeout(()=>s.close(),200);}},10);';

let ns: Netns;

beforeAll(() => {
  ns = createNetns();
  // Tracks loopback UDP (a conntrack hook) and drops it on input, so no ICMP answers.
  ns.exec(
    'nft',
    ['-f', '-'],
    'table inet gh_loss {\n chain output { type filter hook output priority 0; ct state new counter\n }\n chain input { type filter hook input priority 0; udp dport 20000-29999 drop\n }\n}\n',
  );
});

afterAll(() => ns?.destroy());

const kernelFlows = () => Number(ns.exec('conntrack', ['-C']).trim());
/**
 * The kernel's flows by id, as the index holds them: kernel ids are 32-bit
 * hashes, and in ~0.3% of runs two of 5,000 flows share one (the index keeps
 * one of the two).
 */
const kernelIds = () =>
  new Set(
    ns
      .exec('conntrack', ['-L', '-o', 'id'])
      .split('\n')
      .map((line) => / id=(\d+)\s*$/.exec(line)?.[1])
      .filter(Boolean),
  ).size;
const flush = () => ns.exec('conntrack', ['-F']);

describe('conntrack events while the event loop is blocked', () => {
  it('a plain conntrack -E -b read by this process stalls on its output, and the kernel drops events', async () => {
    flush();
    const runner = createRunner({ netns: ns.name });
    let lines = 0;
    let enobufs = false;
    const proc = runner.stream('conntrack', ['-E', '-o', 'id', '-b', String(32 * 1024 * 1024)], {
      onLine: () => {
        lines++;
      },
      onStderrLine: (line) => {
        if (/ENOBUFS/.test(line)) enobufs = true;
      },
    });
    try {
      // Subscribed once a flow's event comes through.
      await waitFor('the stream to follow', async () => {
        ns.exec(process.execPath, [
          '-e',
          "const s=require('node:dgram').createSocket('udp4');s.send('x',29999,'127.0.0.1',()=>s.close())",
        ]);
        return lines > 0;
      });
      const start = lines;
      ns.exec(process.execPath, ['-e', SEND_BLOCKING]);
      await waitFor('the loss to be reported', async () => enobufs, 5000);
      await new Promise((r) => setTimeout(r, 300));
      expect(lines - start).toBeLessThan(5000);
    } finally {
      proc.kill();
      await proc.done;
    }
  });

  it('the event socket is sized from outside conntrack, and its drop counter counts what it drops', async () => {
    flush();
    const runner = createRunner({ netns: ns.name });
    let lines = 0;
    const proc = runner.stream('conntrack', ['-E', '-o', 'id'], { onLine: () => void lines++ });
    try {
      const { sockets, error } = await sizeEventSocket(runner, proc.pid as number, 4096);
      expect(error).toBeUndefined();
      expect(sockets?.inodes.length).toBe(1);
      const before = socketDrops(sockets as NonNullable<typeof sockets>);
      expect(before).toBe(0);
      // Stopped, with a socket of a few events: the burst is dropped, and counted.
      process.kill(proc.pid as number, 'SIGSTOP');
      try {
        ns.exec(process.execPath, ['-e', SEND_BLOCKING]);
      } finally {
        process.kill(proc.pid as number, 'SIGCONT');
      }
      expect(socketDrops(sockets as NonNullable<typeof sockets>)).toBeGreaterThan(4000);
    } finally {
      proc.kill();
      await proc.done;
    }
    expect(socketDrops({ pid: proc.pid as number, inodes: ['1'] })).toBeNull();
  });

  it('a conntrack whose socket cannot be sized is reported, and runs before the server (nice -5)', async () => {
    const runner = createRunner({ netns: ns.name });
    // A process with no subscribed netlink socket: nothing to size.
    const proc = runner.stream('sleep', ['30'], { onLine: () => undefined });
    const nice = () => Number(readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
    try {
      expect(nice()).toBe(0);
      const unsized = await new Promise<string | undefined>((resolve) =>
        watchEventSocket(runner, proc, 1 << 20, { current: () => true, lost: () => undefined, unsized: resolve }),
      );
      expect(unsized).toMatch(/no subscribed netlink socket/);
      expect(nice()).toBe(UNSIZED_PRIORITY);
    } finally {
      proc.kill();
      await proc.done;
    }
  });

  describe('the server', () => {
    let app: TestApp;

    beforeAll(async () => {
      flush();
      app = await makeApp(ns.name, { conntrack: 'true' });
      await waitFor('the first dump', async () => app.app.conntrack.following && app.app.conntrack.resyncs >= 1);
    });

    afterAll(async () => {
      await app?.close();
    });

    /** Waits until the index holds every flow of the kernel's table; says what it holds if not. */
    async function everyFlowInTheIndex(): Promise<void> {
      const want = kernelIds();
      const c = app.app.conntrack;
      try {
        await waitFor('every flow in the index', async () => c.table.flows.size >= want, 10_000);
      } catch (err) {
        throw new Error(
          `${(err as Error).message}: index ${c.table.flows.size} of ${want} (kernel ${kernelFlows()}), ` +
            `resyncs ${c.resyncs}, stream restarts ${c.restarts}, following ${c.following}`,
        );
      }
    }

    it('loses nothing while the event loop is blocked', async () => {
      const before = app.app.conntrack.resyncs;
      const had = app.app.conntrack.table.flows.size;
      ns.exec(process.execPath, ['-e', SEND_BLOCKING]);
      expect(kernelFlows()).toBeGreaterThanOrEqual(had + 5000);
      await everyFlowInTheIndex();
      // No loss reported, no repairing dump.
      await new Promise((r) => setTimeout(r, 1500));
      expect(app.app.conntrack.resyncs).toBe(before);
      expect(app.app.conntrack.table.flows.size).toBe(kernelIds());
    });

    it('loses nothing while its conntrack -E is stopped: its event socket holds the burst', async () => {
      flush();
      await waitFor('the flush in the index', async () => app.app.conntrack.table.flows.size <= kernelFlows());
      const before = app.app.conntrack.resyncs;
      const had = app.app.conntrack.table.flows.size;
      const pid = app.app.conntrack.streamProcess('flows')?.pid as number;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGSTOP');
      try {
        ns.exec(process.execPath, ['-e', SEND_BLOCKING]);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      expect(kernelFlows()).toBeGreaterThanOrEqual(had + 5000);
      await everyFlowInTheIndex();
      await new Promise((r) => setTimeout(r, 1500));
      expect(app.app.conntrack.resyncs).toBe(before);
      expect(app.app.conntrack.table.flows.size).toBe(kernelIds());
    });
  });
});
