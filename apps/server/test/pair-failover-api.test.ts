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
    { name: 'gw-a', apiUrl: 'http://10.9.0.1:8080', syncAddress: '10.9.0.1', priority: 150 },
    { name: 'gw-b', apiUrl: 'http://10.9.0.2:8080', syncAddress: '10.9.0.2', priority: 100 },
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
  const applied = await api('POST', '/apply', admin, {});
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

beforeAll(async () => {
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

  it('resume starts keepalived on the config written meanwhile: it takes the new addresses back', async () => {
    const r = await api('POST', '/pair/resume', admin);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ node: 'gw-a', started: true });
    await waitFor(
      'keepalived to take the addresses back',
      async () => holds('192.0.2.201') && holds('192.168.1.1'),
      15_000,
    );
    // Resuming a node that is not held is a no-op.
    const again = await api('POST', '/pair/resume', admin);
    expect(again.body).toEqual({ node: 'gw-a', started: false });
    const audit = await api('GET', '/audit?action=pair.resume', viewer);
    expect(audit.body.items.map((e: Json) => e.detail.started)).toEqual([false, true]);
  }, 30_000);
});
