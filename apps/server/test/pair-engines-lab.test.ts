/**
 * A pair node's engines on apply, in a namespace of our own with the
 * interfaces the pair names (veth pairs): a confirmed apply of a model with an
 * `ha` section writes keepalived.conf, conntrackd.conf and the notify hook
 * into the HA directory and starts the real keepalived and conntrackd
 * (GATEHOUSE_HA_ENGINES=process); keepalived, alone on its segments, takes
 * the virtual address. A provisional apply writes nothing until it is
 * confirmed; then keepalived reloads onto the new address. Closing the server
 * ends both. The other way: a server that is no pair node writes nothing.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createNetns, createToken, LAB_MODEL, login, makeApp, type Netns, type TestApp } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

const ha = (wanVip: string) => ({
  nodes: [
    // The panel runs in this process, on the host: the peer's URL is a loopback port nothing answers on
    // (a pair apply's check would otherwise leave the host for 10.9.0.2), so the applies say degraded=true.
    { name: 'gw-a', apiUrl: 'http://127.0.0.1:9', syncAddress: '10.9.0.1', priority: 150 },
    { name: 'gw-b', apiUrl: 'http://127.0.0.2:9', syncAddress: '10.9.0.2', priority: 100 },
  ],
  vrrp: {
    wan: { routerId: 51, address: `${wanVip}/24` },
    lan: { routerId: 52, address: '192.168.1.1/24' },
    authSecret: 'Vr7pass',
  },
  syncInterface: 'eth2',
  peerToken: 'peer-token-3f9c1d7e5b2a4c6e8f0a1b3c5d7e9f10',
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let ns: Netns;
let t: TestApp | undefined;
let dir: string;

async function api(app: TestApp, token: string, method: string, url: string, payload?: unknown, headers = {}) {
  const r = await app.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...bearer(token), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  const json = String(r.headers['content-type'] ?? '').startsWith('application/json');
  return {
    status: r.statusCode,
    text: r.body,
    body: json ? (r.json() as Json) : null,
    etag: String(r.headers.etag ?? ''),
  };
}

const wanAddresses = () => ns.exec('ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0']);
const conntrackdUp = () => {
  try {
    ns.exec('conntrackd', ['-C', join(dir, 'conntrackd.conf'), '-s']);
    return true;
  } catch {
    return false;
  }
};
async function until(what: string, ok: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** PUT /config (apply=true takes the body's confirmWithinSeconds through /apply instead). */
async function putModel(app: TestApp, token: string, model: unknown) {
  const cfg = await api(app, token, 'GET', '/config');
  const put = await api(app, token, 'PUT', '/config', model, { 'if-match': cfg.etag });
  expect(put.status, put.text).toBe(200);
}

beforeAll(() => {
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
});

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('a pair node’s engines', () => {
  it('a server that is no pair node writes no engine files for a model with a pair', async () => {
    const plain = await makeApp(ns.name);
    try {
      const token = await createToken(plain.app, await login(plain.app), 'admin');
      await putModel(plain, token, { ...LAB_MODEL, ha: ha('192.0.2.200') });
      expect((await api(plain, token, 'POST', '/apply', {})).status).toBe(200);
      expect(existsSync(join(plain.state.path, 'ha'))).toBe(false);
      const metrics = await plain.app.inject({ method: 'GET', url: '/api/v1/metrics', headers: bearer(token) });
      expect(metrics.body).not.toContain('gatehouse_pair_master{');
    } finally {
      await plain.close();
    }
  });

  it('a confirmed apply writes the files and starts keepalived and conntrackd; keepalived takes the address', async () => {
    t = await makeApp(ns.name, { haNode: 'gw-a', haEngines: 'process' });
    dir = join(t.state.path, 'ha');
    const token = await createToken(t.app, await login(t.app), 'admin');
    await putModel(t, token, { ...LAB_MODEL, ha: ha('192.0.2.200') });
    expect(existsSync(join(dir, 'keepalived.conf'))).toBe(false);
    expect((await api(t, token, 'POST', '/apply?degraded=true', {})).status).toBe(200);
    await t.app.gateway.bootFilesSettled();
    const keepalived = readFileSync(join(dir, 'keepalived.conf'), 'utf8');
    expect(keepalived).toContain('192.0.2.200/24');
    expect(statSync(join(dir, 'keepalived.conf')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'ha-notify')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(dir, 'ha-notify'), 'utf8')).toContain(join(dir, 'notify.log'));
    // Its own addresses are left out of the sync.
    expect(readFileSync(join(dir, 'conntrackd.conf'), 'utf8')).toContain('192.168.1.2');
    expect(conntrackdUp()).toBe(true);
    await until('keepalived to take 192.0.2.200', () => wanAddresses().includes('192.0.2.200/24'));
  }, 40_000);

  it('the watch reports the takeover: a pair event in the audit log, the metrics say MASTER', async () => {
    const app = t as TestApp;
    const token = await createToken(app.app, await login(app.app), 'viewer', 'v');
    let audit: Json = null;
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      audit = (await api(app, token, 'GET', '/audit?action=pair')).body;
      if (audit.items.some((e: Json) => e.action === 'pair.master' && e.target === 'vrrp:wan')) break;
      await sleep(300);
    }
    // It saw BACKUP first (keepalived waits three adverts before it takes the address), then MASTER.
    expect(audit.items.map((e: Json) => `${e.action} ${e.target}`)).toContain('pair.master vrrp:wan');
    const metrics = await app.app.inject({ method: 'GET', url: '/api/v1/metrics', headers: bearer(token) });
    expect(metrics.body).toContain('gatehouse_pair_master{instance="wan"} 1');
    expect(metrics.body).toMatch(/gatehouse_pair_sync_errors\{counter="lost"\} 0/);
  }, 20_000);

  it('a provisional apply changes nothing until it is confirmed; then keepalived moves to the new address', async () => {
    const app = t as TestApp;
    const token = await createToken(app.app, await login(app.app), 'admin', 't2');
    await putModel(app, token, { ...LAB_MODEL, ha: ha('192.0.2.201') });
    const applied = await api(app, token, 'POST', '/apply?degraded=true', { confirmWithinSeconds: 60 });
    expect(applied.status, applied.text).toBe(200);
    await app.app.gateway.bootFilesSettled();
    expect(readFileSync(join(dir, 'keepalived.conf'), 'utf8')).toContain('192.0.2.200/24');
    const confirmed = await api(app, token, 'POST', '/apply/confirm?degraded=true', {});
    expect(confirmed.status, confirmed.text).toBe(200);
    await until('keepalived.conf to name 192.0.2.201', () =>
      readFileSync(join(dir, 'keepalived.conf'), 'utf8').includes('192.0.2.201/24'),
    );
    await until('keepalived to move to 192.0.2.201', () => {
      const a = wanAddresses();
      return a.includes('192.0.2.201/24') && !a.includes('192.0.2.200/24');
    });
  }, 40_000);

  it('closing the server ends both engines', async () => {
    await (t as TestApp).app.close();
    expect(wanAddresses()).not.toContain('192.0.2.201/24');
    expect(conntrackdUp()).toBe(false);
  }, 20_000);
});
