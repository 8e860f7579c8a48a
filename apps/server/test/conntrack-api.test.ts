/**
 * The conntrack routes and the event stream against a real kernel table in a
 * throwaway namespace, filled with `conntrack -I` (no traffic needed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTcpFlow } from './api-call.js';
import { bearer, createNetns, createToken, login, makeApp, type Netns, type TestApp, waitFor } from './helpers.js';

let ns: Netns;
let t: TestApp;
let admin: string;
let viewer: string;
let base: string;

const insert = (src: string, sport: number, dport: number, mark = 0) =>
  insertTcpFlow(ns, { src, dst: '10.9.0.1', sport, dport, mark });

interface SseMessage {
  event: string;
  data: unknown;
}

/** Reads an SSE stream into an array as messages arrive. */
async function openEvents(token: string) {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/v1/events`, { headers: bearer(token), signal: ac.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const messages: SseMessage[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) messages.push({ event, data: JSON.parse(data) });
          i = buf.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return { messages, close: () => ac.abort() };
}

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name, { conntrack: 'true', eventBatchMs: 50 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const s = await login(t.app);
  admin = await createToken(t.app, s, 'admin');
  viewer = await createToken(t.app, s, 'viewer');
});

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

const get = (url: string, token = viewer) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('flow table', () => {
  it('follows the kernel table through events, with filters and a total', async () => {
    insert('10.0.0.1', 1001, 21, 1);
    insert('10.0.0.2', 1002, 80, 2);
    insert('10.0.0.3', 1003, 80, 2);
    const all = await waitFor('three flows', async () => {
      const r = (await get('/api/v1/conntrack')).json();
      return r.total === 3 ? r : null;
    });
    expect(all.items.map((f: { original: { src: string } }) => f.original.src).sort()).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
    ]);
    expect(all.items[0].id).toMatch(/^\d+$/);
    expect((await get('/api/v1/conntrack?port=80')).json().total).toBe(2);
    expect((await get('/api/v1/conntrack?mark=1')).json().items[0].original.dport).toBe(21);
    expect((await get('/api/v1/conntrack?address=10.0.0.3')).json().total).toBe(1);
    expect((await get('/api/v1/conntrack?protocol=udp')).json().total).toBe(0);
    const sorted = (await get('/api/v1/conntrack?sort=sport&order=desc&limit=2')).json();
    expect(sorted.items.map((f: { original: { sport: number } }) => f.original.sport)).toEqual([1003, 1002]);
    const next = (await get(`/api/v1/conntrack?sort=sport&order=desc&limit=2&cursor=${sorted.nextCursor}`)).json();
    expect(next.items.map((f: { original: { sport: number } }) => f.original.sport)).toEqual([1001]);
    expect(next.nextCursor).toBeNull();
    const one = await get(`/api/v1/conntrack/${all.items[0].id}`);
    expect(one.statusCode).toBe(200);
  });

  it('validates the query', async () => {
    const r = await get('/api/v1/conntrack?port=70000&sort=nope&address=not-an-ip');
    expect(r.statusCode).toBe(400);
    const paths = (r.json().problems as Array<{ path: string }>).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['querystring.port', 'querystring.sort', 'querystring.address']));
    expect((await get('/api/v1/conntrack?cursor=bogus')).statusCode).toBe(400);
  });

  it('kills a flow in the kernel, and says whether the connection really ends', async () => {
    const flow = (await get('/api/v1/conntrack?address=10.0.0.2')).json().items[0];
    const r = await t.app.inject({ method: 'DELETE', url: `/api/v1/conntrack/${flow.id}`, headers: bearer(admin) });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ killed: true, flow: { id: flow.id }, connectionEnds: false });
    expect(ns.exec('conntrack', ['-L'])).not.toMatch(/10\.0\.0\.2/);
    await waitFor('the destroy event', async () => (await get('/api/v1/conntrack')).json().total === 2);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/conntrack/${flow.id}`, headers: bearer(admin) }))
        .statusCode,
    ).toBe(404);
  });

  it('lists expectations (none without FTP traffic)', async () => {
    const r = await get('/api/v1/expectations');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ items: [], total: 0 });
  });
});

describe('event stream', () => {
  it('delivers new and destroy events in batches', async () => {
    const sse = await openEvents(viewer);
    try {
      await waitFor('hello', async () => sse.messages.some((m) => m.event === 'hello'));
      insert('10.0.0.50', 5000, 443);
      const created = await waitFor('a new-flow event', async () =>
        sse.messages
          .filter((m) => m.event === 'flows')
          .flatMap(
            (m) =>
              (m.data as { events: Array<{ type: string; row: { id: string; original: { src: string } } }> }).events,
          )
          .find((e) => e.type === 'new' && e.row.original.src === '10.0.0.50'),
      );
      ns.exec('conntrack', ['-D', '-s', '10.0.0.50']);
      await waitFor('a destroy event', async () =>
        sse.messages
          .filter((m) => m.event === 'flows')
          .flatMap((m) => (m.data as { events: Array<{ type: string; row: { id: string } }> }).events)
          .some((e) => e.type === 'destroy' && e.row.id === created.row.id),
      );
    } finally {
      sse.close();
    }
  });

  it('restarts a dying conntrack -E, says so, and keeps following', async () => {
    const sse = await openEvents(viewer);
    try {
      const proc = t.app.conntrack.streamProcess('flows');
      expect(proc?.pid).toBeGreaterThan(0);
      proc?.kill('SIGKILL');
      await waitFor('a resync event', async () =>
        sse.messages.some((m) => m.event === 'resync' && (m.data as { reason: string }).reason === 'restart'),
      );
      await waitFor('a new event stream', async () => {
        const p = t.app.conntrack.streamProcess('flows');
        return p && p !== proc ? p : null;
      });
      await new Promise((r) => setTimeout(r, 300));
      insert('10.0.0.60', 6000, 443);
      await waitFor('an event after the restart', async () =>
        sse.messages
          .filter((m) => m.event === 'flows')
          .flatMap((m) => (m.data as { events: Array<{ row: { original: { src: string } } }> }).events)
          .some((e) => e.row.original.src === '10.0.0.60'),
      );
      expect(t.app.conntrack.restarts).toBeGreaterThanOrEqual(1);
    } finally {
      sse.close();
    }
  });

  it('refuses the stream without credentials', async () => {
    const res = await fetch(`${base}/api/v1/events`);
    expect(res.status).toBe(401);
  });

  it('status counts flows the way the kernel does', async () => {
    const s = (await get('/api/v1/status')).json();
    expect(s.conntrack.following).toBe(true);
    expect(s.conntrack.flows).toBe(s.conntrack.kernelFlows);
    expect(s.conntrack.tcpLoose).toBe(true);
  });
});

describe('event loss (ENOBUFS)', () => {
  let lossNs: Netns;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    lossNs = createNetns();
    // Tracks loopback UDP (a conntrack hook) and drops it on input, so no ICMP answers.
    lossNs.exec(
      'nft',
      ['-f', '-'],
      'table inet gh_loss {\n chain output { type filter hook output priority 0; ct state new counter\n }\n chain input { type filter hook input priority 0; udp dport 20000-29999 drop\n }\n}\n',
    );
    // An event socket of a few events (the server sizes it: event-socket.ts), so a burst overflows it.
    app = await makeApp(lossNs.name, { conntrack: 'true', eventBatchMs: 50, conntrackEventBufferBytes: 4096 });
    await app.app.listen({ host: '127.0.0.1', port: 0 });
    const s = await login(app.app);
    token = await createToken(app.app, s, 'viewer');
  });

  afterAll(async () => {
    await app?.close();
    lossNs?.destroy();
  });

  it('reports the loss on the stream, then repairs the index from a dump once the losses stop', async () => {
    const addr = app.app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/v1/events`;
    const ac = new AbortController();
    const res = await fetch(url, { headers: bearer(token), signal: ac.signal });
    let text = '';
    void (async () => {
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
          text += Buffer.from(chunk).toString();
      } catch {
        // aborted
      }
    })();
    try {
      await waitFor('the stream to open', async () => text.includes('event: hello'));
      const before = app.app.conntrack.resyncs;
      // 5,000 new flows while conntrack -E is stopped: the kernel fills its
      // small socket and drops the rest (with the default size it holds
      // them: conntrack-event-loss.test.ts).
      const pid = app.app.conntrack.streamProcess('flows')?.pid;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid as number, 'SIGSTOP');
      try {
        lossNs.exec(process.execPath, [
          '-e',
          "const s=require('node:dgram').createSocket('udp4');const b=Buffer.from('x');let i=0;(function next(){if(i>=5000){s.close();return;}s.send(b,20000+(i++%10000),'127.0.0.1',next);})();",
        ]);
      } finally {
        process.kill(pid as number, 'SIGCONT');
      }
      await waitFor('a resync message for the loss', async () => /event: resync\ndata: .*"enobufs"/.test(text));
      // The dump follows once the losses have stopped, and the index matches the kernel.
      await waitFor('the repairing dump', async () => app.app.conntrack.resyncs > before, 15_000);
      const kernel = Number(lossNs.exec('conntrack', ['-C']).trim());
      expect(kernel).toBeGreaterThanOrEqual(5000);
      await waitFor('the index to hold what the kernel holds', async () => {
        const k = Number(lossNs.exec('conntrack', ['-C']).trim());
        return Math.abs(app.app.conntrack.table.flows.size - k) <= 5;
      });
    } finally {
      ac.abort();
    }
  });
});
