/**
 * The pair's secrets (ha.vrrp.authSecret, ha.peerToken) are never shown back,
 * in a namespace of our own: every GET route the app registers (and the
 * revision, PUT and error answers) shows the mask where a model carries
 * them; a model sent back with the mask keeps the stored secret, a new
 * secret replaces it, and a mask with nothing stored is refused on its field.
 */
import { SECRET_MASK } from '@gatehouse/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegisteredRoute, registeredRoutes } from './fuzz-routes.js';
import { bearer, createNetns, createToken, LAB_MODEL, login, makeApp, type Netns, type TestApp } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

const VRRP_SECRET = 'Vr7#pass';
const PEER_TOKEN = 'peer-token-3f9c1d7e5b2a4c6e8f0a1b3c5d7e9f10';
const ha = (authSecret: string, peerToken: string) => ({
  nodes: [
    { name: 'gw-a', apiUrl: 'http://10.9.0.1:8080', syncAddress: '10.9.0.1', priority: 150 },
    { name: 'gw-b', apiUrl: 'http://10.9.0.2:8080', syncAddress: '10.9.0.2', priority: 100 },
  ],
  vrrp: {
    wan: { routerId: 51, address: '192.0.2.200/24' },
    lan: { routerId: 52, address: '192.168.1.1/24' },
    authSecret,
  },
  syncInterface: 'eth2',
  peerToken,
});

let ns: Netns;
let t: TestApp;
let admin: string;
let routes: RegisteredRoute[];

async function api(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const r = await t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...bearer(admin), ...headers },
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

const leaks = (text: string) => text.includes(VRRP_SECRET) || text.includes(PEER_TOKEN);
/** What the server holds (never through a route). */
const storedHa = () => t.app.gateway.desired().model.ha;

beforeAll(async () => {
  ns = createNetns();
  [t, routes] = await Promise.all([makeApp(ns.name), registeredRoutes()]);
  admin = await createToken(t.app, await login(t.app), 'admin');
  const cfg = await api('GET', '/config');
  const put = await api(
    'PUT',
    '/config?apply=true',
    { ...LAB_MODEL, ha: ha(VRRP_SECRET, PEER_TOKEN) },
    {
      'if-match': cfg.etag,
    },
  );
  expect(put.status, put.text).toBe(200);
  expect(put.body.ha.vrrp.authSecret).toBe(SECRET_MASK);
  expect(put.body.ha.peerToken).toBe(SECRET_MASK);
  expect(leaks(put.text)).toBe(false);
}, 60_000);

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('the pair’s secrets', () => {
  it('are stored as sent (the applied revision holds them)', () => {
    expect(storedHa()?.vrrp.authSecret).toBe(VRRP_SECRET);
    expect(storedHa()?.peerToken).toBe(PEER_TOKEN);
    // The other way: the model itself, serialized without the mask, does show them.
    expect(leaks(JSON.stringify(t.app.gateway.desired().model))).toBe(true);
  });

  it('GET /config and GET /revisions/:id show the model with both secrets masked', async () => {
    const cfg = await api('GET', '/config');
    expect(cfg.body.ha.nodes[0].name).toBe('gw-a');
    expect(cfg.body.ha.vrrp.authSecret).toBe(SECRET_MASK);
    expect(cfg.body.ha.peerToken).toBe(SECRET_MASK);
    const list = await api('GET', '/revisions?limit=1');
    const rev = await api('GET', `/revisions/${list.body.items[0].id}`);
    expect(rev.status).toBe(200);
    expect(rev.body.model.ha.vrrp.authSecret).toBe(SECRET_MASK);
    expect(rev.body.model.ha.peerToken).toBe(SECRET_MASK);
    expect(leaks(cfg.text) || leaks(rev.text)).toBe(false);
  });

  it('no GET route the app registers shows either secret (history, audit, preview, pending, drift, import, ...)', async () => {
    const list = await api('GET', '/revisions?limit=1');
    const id = String(list.body.items[0].id);
    // The event stream never ends; it carries events, not models.
    const gets = routes.filter((r) => r.method === 'GET' && r.path !== '/events');
    const seen: string[] = [];
    for (const r of gets) {
      const url = r.path.replace(/:id\b/, id).replace(/:[a-zA-Z]+/g, 'x');
      const res = await api('GET', url);
      seen.push(`${url} ${res.status}`);
      expect(leaks(res.text), `GET ${url}`).toBe(false);
    }
    expect(gets.length).toBeGreaterThan(20);
    expect(seen).toContain(`/revisions/${id} 200`);
  }, 60_000);

  it('a model sent back with the masks keeps the stored secrets; a new secret replaces one', async () => {
    const cfg = await api('GET', '/config');
    const same = await api('PUT', '/config', { ...cfg.body, forwards: [] }, { 'if-match': cfg.etag });
    expect(same.status, same.text).toBe(200);
    expect(storedHa()?.vrrp.authSecret).toBe(VRRP_SECRET);
    expect(storedHa()?.peerToken).toBe(PEER_TOKEN);
    // The other way: a secret that is not the mask is taken as sent.
    const changed = await api(
      'PUT',
      '/config',
      { ...same.body, ha: { ...same.body.ha, vrrp: { ...same.body.ha.vrrp, authSecret: 'N3wpass' } } },
      {
        'if-match': same.etag,
      },
    );
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.ha.vrrp.authSecret).toBe(SECRET_MASK);
    expect(storedHa()?.vrrp.authSecret).toBe('N3wpass');
    expect(storedHa()?.peerToken).toBe(PEER_TOKEN);
    const back = await api('GET', '/config');
    const restore = await api(
      'PUT',
      '/config',
      { ...back.body, ha: ha(VRRP_SECRET, SECRET_MASK) },
      {
        'if-match': back.etag,
      },
    );
    expect(restore.status, restore.text).toBe(200);
    expect(storedHa()?.vrrp.authSecret).toBe(VRRP_SECRET);
  });

  it('a mask with nothing stored behind it is refused on its field, and nothing changes', async () => {
    const cfg = await api('GET', '/config');
    const without = await api('PUT', '/config', { ...LAB_MODEL }, { 'if-match': cfg.etag });
    expect(without.status, without.text).toBe(200);
    const masked = await api(
      'PUT',
      '/config',
      { ...LAB_MODEL, ha: ha(SECRET_MASK, SECRET_MASK) },
      {
        'if-match': without.etag,
      },
    );
    expect(masked.status).toBe(400);
    const problems = masked.body.problems.map((p: Json) => `${p.path} ${p.code}`);
    expect(problems).toEqual(['body.ha.vrrp.authSecret ha.secret_masked', 'body.ha.peerToken ha.secret_masked']);
    expect(storedHa()).toBeUndefined();
    expect((await api('GET', '/config')).etag).toBe(without.etag);
  });

  it('a short peer token is refused on its field with its code', async () => {
    const cfg = await api('GET', '/config');
    const short = await api(
      'PUT',
      '/config',
      { ...LAB_MODEL, ha: ha(VRRP_SECRET, 'too-short') },
      {
        'if-match': cfg.etag,
      },
    );
    expect(short.status).toBe(400);
    expect(short.body.problems).toContainEqual(
      expect.objectContaining({ path: 'body.ha.peerToken', code: 'ha.peer_token_short', params: { minimum: 32 } }),
    );
    expect(leaks(short.text)).toBe(false);
  });
});
