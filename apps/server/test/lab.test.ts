/**
 * The real thing: the server drives the lab gateway (three namespaces, a real
 * vsftpd behind the NAT) over HTTP, and real FTP clients show the effect.
 */
import { createLab, ftpFetch, holdPassive, LAB_ADDR, type Lab } from '@gatehouse/lab';
import type { ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createToken, LAB_MODEL, login, makeApp, type TestApp, waitFor } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

let lab: Lab;
let t: TestApp;
let token: string;
let base: string;
const sse: Array<{ event: string; data: Json }> = [];
const abort = new AbortController();

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: { ...bearer(token), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, etag: res.headers.get('etag') ?? '' };
}

async function apply(extra: Record<string, unknown> = {}) {
  const r = await api('POST', '/apply', extra);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function setFtp(policy: Record<string, unknown>) {
  const r = await api('PUT', '/ftp', policy);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

const passive = () => ftpFetch(lab, { mode: 'passive', path: 'hello.txt', timeoutSec: 4 });
const active = () => ftpFetch(lab, { mode: 'active', path: 'hello.txt', timeoutSec: 4 });

function sseEvents(name: string): Json[] {
  return sse.filter((m) => m.event === name).flatMap((m) => m.data.events ?? [m.data]);
}

beforeAll(async () => {
  lab = await createLab();
  t = await makeApp(lab.ns.gateway, {
    conntrack: 'true',
    strictTcpPickup: 'true',
    driftIntervalMs: 300,
    eventBatchMs: 50,
  });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  token = await createToken(t.app, await login(t.app), 'admin');
  const res = await fetch(`${base}/api/v1/events`, { headers: bearer(token), signal: abort.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) sse.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted at the end
    }
  })();
}, 60_000);

afterAll(async () => {
  abort.abort();
  await t?.close();
  await lab?.destroy();
});

describe('FTP through the gateway, configured over HTTP', () => {
  let revNoHelper: number;

  it('forwards without the helper: the control channel works, passive transfers do not', async () => {
    const cfg = await api('GET', '/config');
    const put = await api('PUT', '/config', LAB_MODEL, { 'if-match': cfg.etag });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    for (const f of [
      { id: 'ftp', name: 'FTP', publicPorts: '21', target: LAB_ADDR.server },
      { id: 'ftp-alt', name: 'FTP on 2121', publicPorts: '2121', target: LAB_ADDR.server },
      { id: 'ssh-server', name: 'ssh to the server', publicPorts: '2022', target: LAB_ADDR.server, targetPort: 22 },
    ]) {
      const r = await api('POST', '/forwards', f);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    revNoHelper = (await apply({ comment: 'no helper' })).revision.id;
    const r = await passive();
    expect(r.ok).toBe(false);
    expect(r.pasvAddress?.host).toBe(LAB_ADDR.server);
  }, 30_000);

  it('with the helper and passive-only: passive works, active fails', async () => {
    await setFtp({ enabled: true, controlPorts: [21, 2121], passiveOnly: true });
    const applied = await apply({ comment: 'ftp helper, passive only' });
    expect(applied.natFtp).toMatch(/builtin|loaded|modprobed/);
    const p = await passive();
    expect(p.ok, p.transcript).toBe(true);
    expect(p.body).toContain('Hello from the Gatehouse lab FTP server.');
    expect(p.pasvAddress?.host).toBe(LAB_ADDR.gatewayWan);
    const p2121 = await ftpFetch(lab, { mode: 'passive', port: 2121, timeoutSec: 4 });
    expect(p2121.ok, p2121.transcript).toBe(true);
    expect((await active()).ok).toBe(false);
    const status = (await api('GET', '/status')).body;
    expect(status.ftp).toMatchObject({ enabled: true, passiveOnly: true, helperObjectLive: true });
    expect(status.counters.find((c: { forwardId: string }) => c.forwardId === 'ftp').packets).toBeGreaterThan(0);
    expect(status.interfaces.find((i: { name: string }) => i.name === 'eth0')).toMatchObject({
      role: 'wan',
      addresses: ['192.0.2.2/24'],
    });
  }, 30_000);

  it('a provisional apply that is not confirmed rolls back by itself', async () => {
    await setFtp({ enabled: true, controlPorts: [21, 2121], passiveOnly: false });
    const provisional = await apply({ confirmWithinSeconds: 5, comment: 'try active FTP' });
    expect(provisional.pending.revisionId).toBe(provisional.revision.id);
    const a = await active();
    expect(a.ok, a.transcript).toBe(true);
    await waitFor(
      'the automatic rollback',
      async () => sseEvents('rollback').some((e) => e.kind === 'auto-rollback'),
      12_000,
      200,
    );
    expect((await active()).ok).toBe(false);
    expect((await passive()).ok).toBe(true);
    const revs = (await api('GET', '/revisions?limit=2')).body.items;
    expect(revs[0]).toMatchObject({ kind: 'auto-rollback', active: true });
    expect(revs[1]).toMatchObject({ id: provisional.revision.id, status: 'rolled-back' });
  }, 30_000);

  it('rolling back to an old revision restores its behaviour', async () => {
    const r = await api('POST', `/revisions/${revNoHelper}/rollback`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await passive()).ok).toBe(false);
    expect((await api('GET', '/ftp')).body.enabled).toBe(false);
    // ... and forward again to the helper revision.
    await setFtp({ enabled: true, controlPorts: [21, 2121], passiveOnly: true });
    await apply();
    expect((await passive()).ok).toBe(true);
  }, 30_000);
});

describe('live conntrack in the lab', () => {
  it('shows a held PASV as an expectation linked to its control flow, with events', async () => {
    const held = await holdPassive(lab, { port: 21 });
    try {
      const x = await waitFor('the expectation', async () => {
        const items = (await api('GET', '/expectations')).body.items;
        return items.find((e: Json) => e.expected.dport === held.dataPort);
      });
      expect(x.helper).toBe('ftp');
      expect(x.master).toMatchObject({ src: LAB_ADDR.client, sport: held.controlSourcePort, dport: 21 });
      expect(x.masterId).toEqual(expect.any(String));
      const control = (await api('GET', `/conntrack/${x.masterId}`)).body;
      expect(control).toMatchObject({
        helper: 'ftp',
        original: { src: LAB_ADDR.client, sport: held.controlSourcePort, dport: 21 },
      });
      await waitFor('the expectation NEW event', async () =>
        sseEvents('expectations').some((e) => e.type === 'new' && e.row.id === x.id),
      );

      const listing = await held.connectData();
      expect(listing).toContain('hello.txt');
      await waitFor('the expectation DESTROY event', async () =>
        sseEvents('expectations').some((e) => e.type === 'destroy' && e.row.id === x.id),
      );
      const data = await waitFor('the data flow', async () => {
        const items = (await api('GET', `/conntrack?port=${held.dataPort}`)).body.items;
        return items[0];
      });
      expect(data.masterId).toBe(x.masterId);
      expect(sseEvents('flows').some((e) => e.type === 'new' && e.row.id === data.id)).toBe(true);
    } finally {
      await held.close();
    }
  }, 30_000);

  it('killing a flow through the API ends the real connection', async () => {
    // A client in the client namespace holds a connection to the server's echo service through the forward.
    const client: ResultPromise = lab.spawn(
      'client',
      process.execPath,
      [
        '-e',
        `const s = require('net').connect({ host: '${LAB_ADDR.gatewayWan}', port: 2022 });
         s.setEncoding('latin1');
         s.on('data', (d) => console.log(JSON.stringify({ data: d })));
         s.on('error', (e) => console.log(JSON.stringify({ error: e.code || e.message })));
         s.on('close', () => { console.log(JSON.stringify({ closed: true })); process.exit(0); });
         process.stdin.on('data', (d) => s.write(d));`,
      ],
      { stdin: 'pipe', stdout: 'pipe', buffer: false },
    );
    const out: Json[] = [];
    client.stdout?.setEncoding('utf8');
    client.stdout?.on('data', (d: string) => {
      for (const l of d.split('\n').filter(Boolean)) out.push(JSON.parse(l));
    });
    try {
      await waitFor('the banner', async () => out.some((o) => o.data?.includes('SSH-2.0-lab-server')));
      client.stdin?.write('before\n');
      await waitFor('the echo', async () => out.some((o) => o.data?.includes('before')));
      const flow = await waitFor('the flow', async () => (await api('GET', '/conntrack?port=2022')).body.items[0]);
      const killed = await api('DELETE', `/conntrack/${flow.id}`);
      expect(killed.status).toBe(200);
      expect(killed.body.connectionEnds).toBe(true);
      client.stdin?.write('after\n');
      await waitFor('the connection to end', async () => out.some((o) => o.error || o.closed), 8000);
      expect(out.some((o) => o.data?.includes('after'))).toBe(false);
    } finally {
      client.kill('SIGKILL');
      await client;
    }
  }, 30_000);
});

describe('drift', () => {
  it('a change made by hand shows in status and in the event stream', async () => {
    expect((await api('GET', '/status')).body.drift.state).toBe('in-sync');
    await lab.exec('gateway', 'nft', [
      'add',
      'rule',
      'ip',
      'gatehouse',
      'dnat_prerouting',
      'tcp',
      'dport',
      '8081',
      'dnat',
      'to',
      '192.168.1.2',
    ]);
    const status = (await api('GET', '/status')).body;
    expect(status.drift.state).toBe('drifted');
    expect(status.drift.added.join('\n')).toMatch(/8081/);
    await waitFor('the drift event', async () => sseEvents('drift').some((e) => e.state === 'drifted'));
    // Applying again puts the table back.
    await apply();
    await waitFor('in sync again', async () => (await api('GET', '/status')).body.drift.state === 'in-sync');
  }, 30_000);
});
