/**
 * Hit counters survive a whole apply at COUNT_BEFORE_APPLY_UP_TO forwards (read
 * with the map listing of forward-hits-read.ts), in a namespace of our own: a
 * forward's kernel counter is set, a whole apply zeroes it in the kernel, and
 * the total still holds it because it was read just before. Above that many
 * a whole apply does not wait for the read (its cost, below).
 *
 * The read's cost against the apply, at 10,000 and 100,000 forwards, is
 * measured and printed on request (a few minutes of a 2-core box):
 *   GATEHOUSE_HITS_MEASURE=1 npx vitest run apps/server/test/forward-hits-read.test.ts
 */
import { applyRuleset, compile, createRunner, forwardCounters, GatewayModel } from '@gatehouse/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNT_BEFORE_APPLY_UP_TO } from '../src/services/forward-hits.js';
import { addListing, readForwardCounters } from '../src/services/forward-hits-read.js';
import { bearer, createNetns, createToken, LAB_MODEL, login, makeApp, type Netns, type TestApp } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

const FORWARDS = COUNT_BEFORE_APPLY_UP_TO;
const forwards = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `f${i}`,
    name: `f${i}`,
    protocol: i < 50_000 ? 'tcp' : 'udp',
    publicPorts: String(10_000 + (i % 50_000)),
    target: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`,
  }));

let ns: Netns;
let t: TestApp;
let admin: string;

async function api(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const r = await t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...bearer(admin), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, body: r.body ? (r.json() as Json) : null, etag: String(r.headers.etag ?? '') };
}

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name);
  admin = await createToken(t.app, await login(t.app), 'admin');
}, 30_000);

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('hit counters across a whole apply', () => {
  it(`survive it at ${FORWARDS.toLocaleString('en-US')} forwards`, { timeout: 120_000 }, async () => {
    const cfg = await api('GET', '/config');
    const model = { ...LAB_MODEL, forwards: forwards(FORWARDS) };
    const put = await api('PUT', '/config?apply=true', model, { 'if-match': cfg.etag });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await api('GET', '/forwards/hits')).status).toBe(200);
    // Forward f1 has counted 7 packets (set on its element, as traffic would).
    await createRunner({ netns: ns.name }).run('nft', ['-f', '-'], {
      input: [
        'delete element ip gatehouse forward_tcp_same_port { 10001 }',
        'add element ip gatehouse forward_tcp_same_port { 10001 counter packets 7 bytes 700 comment "forward f1" : 10.0.0.1 }',
        '',
      ].join('\n'),
    });
    // A whole apply (a setting changed), with no read of the totals in between.
    const cfg2 = await api('GET', '/config');
    const changed = await api(
      'PUT',
      '/config?apply=true',
      { ...model, masquerade: { forwardedServers: true, lanToWan: false } },
      { 'if-match': cfg2.etag },
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    // The apply zeroed the kernel's counter: the 7 packets are in the total only because they were read before it.
    const live = await readForwardCounters('gatehouse', ['f1'], createRunner({ netns: ns.name }));
    expect(live.find((c) => c.forwardId === 'f1')).toEqual({ forwardId: 'f1', packets: 0, bytes: 0 });
    const hits = (await api('GET', '/forwards/hits')).body.items as Json[];
    expect(hits.find((h) => h.forwardId === 'f1')).toMatchObject({ packets: 7, bytes: 700 });
  });
});

describe('reading a map listing', () => {
  it('sums element counters per forward, ranges and source-limited elements included', () => {
    const sums = new Map<string, { packets: number; bytes: number }>();
    addListing(
      [
        '\t\telements = { 80 counter packets 2 bytes 120 comment "forward web" : 192.168.1.3, 443 counter packets 1 bytes 60 comment "forward web" : 192.168.1.3,',
        '\t\t\t     8000-8100 counter packets 5 bytes 500 comment "forward alt" : 192.168.1.3 }',
        '\t\telements = { tcp . 10.0.0.0/8 . 22 counter packets 3 bytes 180 comment "forward ssh" : 192.168.1.2 . 22 }',
      ].join('\n'),
      sums,
    );
    expect(Object.fromEntries(sums)).toEqual({
      web: { packets: 3, bytes: 180 },
      alt: { packets: 5, bytes: 500 },
      ssh: { packets: 3, bytes: 180 },
    });
  });
});

const measure = process.env.GATEHOUSE_HITS_MEASURE === '1';
describe.skipIf(!measure)(
  'the read against the apply (GATEHOUSE_HITS_MEASURE=1: minutes of CPU, not in the suite)',
  () => {
    it('prints the figures at 10,000 and 100,000 forwards', { timeout: 900_000 }, async () => {
      const runner = createRunner({ netns: ns.name });
      const cpu = (since?: NodeJS.CpuUsage) => process.cpuUsage(since);
      for (const n of [10_000, 100_000]) {
        const m = GatewayModel.parse({ ...LAB_MODEL, table: 'hitsbench', forwards: forwards(n) });
        const script = compile(m);
        const ids = m.forwards.map((f) => f.id);
        let t0 = performance.now();
        await applyRuleset(script, { runner });
        const applyMs = performance.now() - t0;
        t0 = performance.now();
        const json = await forwardCounters('hitsbench', ids, runner);
        const jsonMs = performance.now() - t0;
        t0 = performance.now();
        const c0 = cpu();
        const text = await readForwardCounters('hitsbench', ids, runner);
        const textMs = performance.now() - t0;
        const ourCpu = cpu(c0);
        expect(text).toEqual(json);
        console.log(
          `hit counters at ${n.toLocaleString('en-US')} forwards: apply ${Math.round(applyMs)} ms; ` +
            `read before: nft -j list table ${Math.round(jsonMs)} ms, text listing ${Math.round(textMs)} ms ` +
            `(server CPU ${Math.round((ourCpu.user + ourCpu.system) / 1000)} ms)`,
        );
        await runner.run('nft', ['delete', 'table', 'ip', 'hitsbench']);
      }
    });
  },
);
