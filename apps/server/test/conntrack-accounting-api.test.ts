/**
 * The conntrack routes' accounting and attribution against a real kernel table
 * in a throwaway namespace: the server turns nf_conntrack_acct and
 * nf_conntrack_timestamp on there and says so, pages carry counters and ages
 * from the kernel, a flow to the panel's port at one of the namespace's
 * addresses is the panel's own and cannot be killed (409 panel_connection),
 * and sorting by bytes or age is validated like the other sorts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTcpFlow } from './api-call.js';
import { bearer, createNetns, createToken, login, makeApp, type Netns, type TestApp, waitFor } from './helpers.js';

let ns: Netns;
let t: TestApp;
let admin: string;
let viewer: string;

/** A flow the kernel holds as if it were real (conntrack -I: no traffic needed). */
const insert = (src: string, dst: string, sport: number, dport: number) =>
  insertTcpFlow(ns, { src, dst, sport, dport });

beforeAll(async () => {
  ns = createNetns();
  ns.exec('ip', ['link', 'set', 'lo', 'up']);
  // Off first, so the test sees the server turn them on.
  ns.exec('sysctl', ['-w', 'net.netfilter.nf_conntrack_acct=0', 'net.netfilter.nf_conntrack_timestamp=0']);
  t = await makeApp(ns.name, { conntrack: 'true', eventBatchMs: 50, listen: '127.0.0.1:8080' });
  const s = await login(t.app);
  admin = await createToken(t.app, s, 'admin');
  viewer = await createToken(t.app, s, 'viewer');
});

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

const get = (url: string, token = viewer) => t.app.inject({ method: 'GET', url, headers: bearer(token) });
const kill = (id: string, token = admin) =>
  t.app.inject({ method: 'DELETE', url: `/api/v1/conntrack/${id}`, headers: bearer(token) });

interface Row {
  id: string;
  original: { src: string; dport: number };
  counters: { origPackets: number; origBytes: number; replyPackets: number; replyBytes: number } | null;
  age: number | null;
  panel: boolean;
  forward: unknown;
}

describe('accounting', () => {
  it('is turned on in the namespace at start, and the route says so', async () => {
    expect(ns.exec('sysctl', ['-n', 'net.netfilter.nf_conntrack_acct', 'net.netfilter.nf_conntrack_timestamp'])).toBe(
      '1\n1\n',
    );
    const r = await get('/api/v1/conntrack/accounting');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ counters: true, timestamps: true });
    ns.exec('sysctl', ['-w', 'net.netfilter.nf_conntrack_timestamp=0']);
    expect((await get('/api/v1/conntrack/accounting')).json()).toEqual({ counters: true, timestamps: false });
    ns.exec('sysctl', ['-w', 'net.netfilter.nf_conntrack_timestamp=1']);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/conntrack/accounting' })).statusCode).toBe(401);
  });

  it('pages carry the kernel counters and an age; sorting by them is allowed, other sorts are not', async () => {
    insert('10.0.0.1', '10.9.0.1', 1001, 21);
    const rows = await waitFor('the flow with counters', async () => {
      const items = (await get('/api/v1/conntrack?address=10.0.0.1')).json().items as Row[];
      return items.length === 1 && items[0]?.counters ? items : null;
    });
    // conntrack -I makes a flow no packet crossed: counted zero, but counted.
    expect(rows[0]?.counters).toEqual({ origPackets: 0, origBytes: 0, replyPackets: 0, replyBytes: 0 });
    expect(rows[0]?.age).toBeGreaterThanOrEqual(0);
    expect(rows[0]?.forward).toBeNull();
    for (const sort of ['bytes', 'packets', 'age'])
      expect((await get(`/api/v1/conntrack?sort=${sort}`)).statusCode).toBe(200);
    const bad = await get('/api/v1/conntrack?sort=use');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems[0].path).toBe('querystring.sort');
  });
});

describe("the panel's own connections", () => {
  it('are marked and refused a kill with 409 panel_connection; a flow to another port is killed', async () => {
    // Reply from 127.0.0.1:8080 (the panel's port, an address of the namespace).
    insert('10.0.0.7', '127.0.0.1', 40000, 8080);
    insert('10.0.0.8', '127.0.0.1', 40001, 8081);
    const rows = await waitFor('both flows', async () => {
      const items = (await get('/api/v1/conntrack?address=127.0.0.1')).json().items as Row[];
      return items.length === 2 ? items : null;
    });
    const panel = rows.find((r) => r.original.dport === 8080) as Row;
    const other = rows.find((r) => r.original.dport === 8081) as Row;
    const refused = await kill(panel.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe('panel_connection');
    expect(ns.exec('conntrack', ['-L'])).toMatch(/sport=40000 dport=8080/);
    expect((await get(`/api/v1/conntrack/${panel.id}`)).json().panel).toBe(true);
    // A viewer may not even try.
    expect((await kill(other.id, viewer)).statusCode).toBe(403);
    const killed = await kill(other.id);
    expect(killed.statusCode).toBe(200);
    expect(killed.json().flow.panel).toBe(false);
    expect(ns.exec('conntrack', ['-L'])).not.toMatch(/dport=8081/);
  });
});
