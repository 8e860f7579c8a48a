/**
 * The failover by hand (POST /pair/failover, POST /pair/resume) on a pair
 * node with the real keepalived and conntrackd as its processes, in a
 * namespace of our own with the pair's interfaces (veth pairs, as in
 * pair-engines-lab.test.ts). Alone on its segments the node holds both
 * virtual addresses; a failover takes them off (keepalived stopped and kept
 * down, also across an apply that changes its config), a resume brings them
 * back. A viewer may do neither; a node that holds nothing gets 409
 * not_master, a server whose applied model names no pair 409 not_pair_node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createNetns,
  createToken,
  LAB_MODEL,
  login,
  makeApp,
  type Netns,
  type TestApp,
  waitFor,
} from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

const ha = (wanVip: string) => ({
  nodes: [
    // The panel (this process, on the host) would reach the peer's URL from the host's network:
    // loopback only, a port nothing listens on, so the peer is unreachable and nothing leaves the host.
    { name: 'gw-a', apiUrl: `http://127.0.0.1:${closedPort}`, syncAddress: '10.9.0.1', priority: 150 },
    { name: 'gw-b', apiUrl: `http://127.0.0.2:${closedPort}`, syncAddress: '10.9.0.2', priority: 100 },
  ],
  vrrp: {
    wan: { routerId: 61, address: `${wanVip}/24` },
    lan: { routerId: 62, address: '192.168.1.1/24' },
    authSecret: 'Vr7pass',
  },
  syncInterface: 'eth2',
  peerToken: 'peer-token-3f9c1d7e5b2a4c6e8f0a1b3c5d7e9f10',
});

let ns: Netns;
let closedPort = 0;
let t: TestApp;
let admin: string;
let viewer: string;

async function api(method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown, headers = {}) {
  const r = await t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...bearer(token), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, text: r.body, body: r.json() as Json, etag: String(r.headers.etag ?? '') };
}

async function applyModel(model: unknown) {
  const cfg = await api('GET', '/config', admin);
  const put = await api('PUT', '/config', admin, model, { 'if-match': cfg.etag });
  expect(put.status, put.text).toBe(200);
  // The peer is unreachable: the pair apply needs the override (this node only).
  const applied = await api('POST', '/apply?degraded=true', admin, {});
  expect(applied.status, applied.text).toBe(200);
  await t.app.gateway.bootFilesSettled();
}

const addresses = () => ns.exec('ip', ['-4', '-o', 'addr', 'show']);
const holds = (vip: string) => addresses().includes(` ${vip}/24 `);
/** Whether a keepalived runs in the namespace (its own processes, by pid, not by a broad name). */
const keepalivedRuns = () =>
  ns
    .exec('ip', ['netns', 'pids', ns.name])
    .split('\n')
    .filter(Boolean)
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'keepalived';
      } catch {
        return false;
      }
    });

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  closedPort = await freePort();
  ns = createNetns();
  for (const [dev, addr] of [
    ['eth0', '192.0.2.1/24'],
    ['eth1', '192.168.1.2/24'],
    ['eth2', '10.9.0.1/24'],
  ] as const) {
    ns.exec('ip', ['link', 'add', dev, 'type', 'veth', 'peer', 'name', `${dev}p`]);
    ns.exec('ip', ['addr', 'add', addr, 'dev', dev]);
    ns.exec('ip', ['link', 'set', dev, 'up']);
    ns.exec('ip', ['link', 'set', `${dev}p`, 'up']);
  }
  t = await makeApp(ns.name, { haNode: 'gw-a', haEngines: 'process' });
  const session = await login(t.app);
  admin = await createToken(t.app, session, 'admin');
  viewer = await createToken(t.app, session, 'viewer', 'v');
});

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('failover by hand', () => {
  it('409 not_pair_node while the applied model names no pair', async () => {
    const r = await api('POST', '/pair/failover', admin);
    expect(r.status, r.text).toBe(409);
    expect(r.body.error).toBe('not_pair_node');
  });

  it('node= before a pair is applied: this node’s own name reads locally, any other is a 400 on the field', async () => {
    expect((await api('GET', '/conntrack?node=gw-a&limit=1', viewer)).status).toBe(200);
    const other = await api('GET', '/conntrack?node=gw-b', viewer);
    expect(other.status, other.text).toBe(400);
    expect(other.body.problems).toEqual([
      expect.objectContaining({ path: 'querystring.node', code: 'pair.unknown_node' }),
    ]);
    const bad = await api('GET', '/expectations?node=GW%20A', viewer);
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0]).toMatchObject({ path: 'querystring.node', code: 'id.format' });
  });

  it('a viewer may neither fail over nor resume', async () => {
    for (const url of ['/pair/failover', '/pair/resume']) {
      const r = await api('POST', url, viewer);
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('forbidden');
    }
  });

  it('failover takes both virtual addresses off this node and keeps keepalived down across an apply', async () => {
    await applyModel({ ...LAB_MODEL, ha: ha('192.0.2.200') });
    await waitFor(
      'keepalived to take both addresses',
      async () => holds('192.0.2.200') && holds('192.168.1.1'),
      15_000,
    );

    const events: Json[] = [];
    const unsubscribe = t.app.hub.subscribe((m) => {
      if (m.event === 'pair') events.push(m.data);
    });
    const r = await api('POST', '/pair/failover', admin, { comment: 'maintenance' });
    unsubscribe();
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'failover_by_hand', node: 'gw-a', peer: 'gw-b', released: ['wan', 'lan'] }),
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ node: 'gw-a', peer: 'gw-b', released: ['wan', 'lan'], stillHeld: [] });
    expect(holds('192.0.2.200')).toBe(false);
    expect(holds('192.168.1.1')).toBe(false);
    expect(keepalivedRuns()).toBe(false);
    // conntrackd keeps running: the peer's flows still reach the external cache for a failback.
    expect(readdirSync(`${t.state.path}/ha`)).toContain('conntrackd.conf');
    expect(ns.exec('conntrackd', ['-C', `${t.state.path}/ha/conntrackd.conf`, '-s'])).toContain('cache internal');

    expect((await api('GET', '/pair', viewer)).body).toMatchObject({ heldByHand: true });
    const again = await api('POST', '/pair/failover', admin);
    expect(again.status, again.text).toBe(409);
    expect(again.body).toMatchObject({ error: 'not_master', params: { node: 'gw-a' } });

    // A confirmed apply that changes keepalived.conf writes it, and leaves keepalived held down.
    await applyModel({ ...LAB_MODEL, ha: ha('192.0.2.201') });
    expect(readFileSync(`${t.state.path}/ha/keepalived.conf`, 'utf8')).toContain('192.0.2.201/24');
    expect(keepalivedRuns()).toBe(false);

    const audit = await api('GET', '/audit?action=pair.failover', viewer);
    expect(audit.body.items[0]).toMatchObject({ action: 'pair.failover', target: 'node:gw-a' });
    expect(audit.body.items[0].detail).toMatchObject({ released: ['wan', 'lan'], comment: 'maintenance' });
  }, 40_000);

  it('node= on a pair node: this node locally, the peer through its panel (502 peer_unreachable naming it), no other', async () => {
    const local = await api('GET', '/conntrack/count?node=gw-a', viewer);
    expect(local.status, local.text).toBe(200);
    expect(typeof local.body.count).toBe('number');
    for (const url of ['/conntrack?node=gw-b&limit=5', '/conntrack/count?node=gw-b', '/expectations?node=gw-b']) {
      const r = await api('GET', url, viewer);
      expect(r.status, `${url}: ${r.text}`).toBe(502);
      expect(r.body).toMatchObject({ error: 'peer_unreachable', node: 'gw-b', params: { node: 'gw-b' } });
      expect(r.body.message).toContain('ECONNREFUSED');
    }
    const unknown = await api('GET', '/expectations?node=gw-c', viewer);
    expect(unknown.status).toBe(400);
    expect(unknown.body.problems[0]).toMatchObject({
      path: 'querystring.node',
      code: 'pair.unknown_node',
      params: { node: 'gw-c', known: 'gw-a, gw-b' },
    });
  });

  it('resume starts keepalived on the config written meanwhile: it takes the new addresses back', async () => {
    const r = await api('POST', '/pair/resume', admin);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ node: 'gw-a', started: true });
    await waitFor(
      'keepalived to take the addresses back',
      async () => holds('192.0.2.201') && holds('192.168.1.1'),
      15_000,
    );
    expect((await api('GET', '/pair', viewer)).body).toMatchObject({ heldByHand: false });
    // Resuming a node that is not held is a no-op.
    const again = await api('POST', '/pair/resume', admin);
    expect(again.body).toEqual({ node: 'gw-a', started: false });
    const audit = await api('GET', '/audit?action=pair.resume', viewer);
    expect(audit.body.items.map((e: Json) => e.detail.started)).toEqual([false, true]);
  }, 30_000);
});
