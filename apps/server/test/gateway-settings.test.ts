/**
 * Gateway forwards, gateway settings (interface roles, masquerade, forward
 * filter) and the session's connection through the API
 * (routes/gateway-forwards.ts, gateway-settings.ts, session.ts), in a
 * namespace of our own: validation with field paths, roles, ETags, and what
 * `?apply=true` loads, read back with nft.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createNetns, createToken, LAB_MODEL, login, makeApp, type Netns, type TestApp } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

let ns: Netns;
let t: TestApp;
let admin: string;
let viewer: string;

async function api(
  method: string,
  url: string,
  payload?: unknown,
  token: string | null = admin,
  headers: Record<string, string> = {},
) {
  const r = await t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...(token ? bearer(token) : {}), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, body: r.body ? (r.json() as Json) : null, etag: String(r.headers.etag ?? '') };
}

async function table(): Promise<string> {
  try {
    return await ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
  } catch {
    return '';
  }
}

const back = { id: 'ssh-back', name: 'ssh back in', publicPort: 2223, localPort: 22 };

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name);
  const session = await login(t.app);
  admin = await createToken(t.app, session, 'admin');
  viewer = await createToken(t.app, session, 'viewer', 'v');
  const cfg = await api('GET', '/config');
  const put = await api('PUT', '/config?apply=true', LAB_MODEL, admin, { 'if-match': cfg.etag });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}, 30_000);

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('gateway forwards', () => {
  it('a viewer lists them with the model version as ETag; nobody unauthenticated does', async () => {
    const r = await api('GET', '/gateway-forwards', undefined, viewer);
    expect(r.status).toBe(200);
    expect(r.etag).toMatch(/^"v\d+"$/);
    expect(r.body.items).toMatchObject([{ id: 'ssh-gateway', publicPort: 2222, localPort: 22, enabled: true }]);
    expect((await api('GET', '/gateway-forwards', undefined, null)).status).toBe(401);
  });

  it('a viewer cannot change them', async () => {
    expect((await api('POST', '/gateway-forwards', back, viewer)).status).toBe(403);
    expect((await api('DELETE', '/gateway-forwards/ssh-gateway', undefined, viewer)).status).toBe(403);
  });

  it('bad input is a 400 naming each field, also a port used twice and an overlong string', async () => {
    const bad = await api('POST', '/gateway-forwards', { id: 'Bad Id', name: 'x'.repeat(65), publicPort: 0 });
    expect(bad.status).toBe(400);
    const paths = bad.body.problems.map((p: Json) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['body.id', 'body.name', 'body.publicPort', 'body.localPort']));
    const twice = await api('POST', '/gateway-forwards', { ...back, publicPort: 2222 });
    expect(twice.status).toBe(400);
    expect(twice.body.problems).toEqual([
      expect.objectContaining({ path: 'body.publicPort', message: expect.stringContaining('ssh to the gateway') }),
    ]);
  });

  it('created with ?apply=true: the redirect is in the kernel; a stale If-Match is refused', async () => {
    const before = await api('GET', '/gateway-forwards');
    const r = await api('POST', '/gateway-forwards?apply=true', back);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ ...back, enabled: true, protocol: 'tcp', allowedSources: [] });
    expect(await table()).toMatch(/2223.*ssh-back|ssh-back[\s\S]*2223/);
    const stale = await api('PUT', '/gateway-forwards/ssh-back', { ...back, enabled: false }, admin, {
      'if-match': before.etag,
    });
    expect(stale.status).toBe(412);
  });

  it('replaced (the id cannot change, an unknown one is 404), then deleted with ?apply=true', async () => {
    expect((await api('PUT', '/gateway-forwards/ssh-back', { ...back, id: 'other' })).status).toBe(400);
    expect((await api('PUT', '/gateway-forwards/nope', { ...back, id: 'nope' })).status).toBe(404);
    const off = await api('PUT', '/gateway-forwards/ssh-back', { ...back, enabled: false });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    const del = await api('DELETE', '/gateway-forwards/ssh-back?apply=true');
    expect(del.status).toBe(200);
    expect(await table()).not.toContain('ssh-back');
    expect((await api('DELETE', '/gateway-forwards/ssh-back')).status).toBe(404);
    expect((await api('GET', '/gateway-forwards')).body.items.map((g: Json) => g.id)).toEqual(['ssh-gateway']);
  });
});

describe('gateway settings', () => {
  it('a viewer reads interface roles, masquerade and the filter, and cannot change them', async () => {
    const r = await api('GET', '/gateway-settings', undefined, viewer);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      interfaces: { wan: 'eth0', lan: ['eth1'] },
      masquerade: { forwardedServers: true, lanToWan: true },
      filter: { policy: 'accept', allowLanToWan: true },
    });
    expect((await api('PUT', '/gateway-settings', r.body, viewer)).status).toBe(403);
  });

  it('a LAN that is also the WAN and an overlong name are field errors', async () => {
    const base = (await api('GET', '/gateway-settings')).body;
    const same = await api('PUT', '/gateway-settings', { ...base, interfaces: { wan: 'eth0', lan: ['eth0'] } });
    expect(same.status).toBe(400);
    expect(same.body.problems.map((p: Json) => p.path)).toEqual(['body.interfaces.lan.0']);
    const long = await api('PUT', '/gateway-settings', { ...base, interfaces: { wan: 'x'.repeat(16), lan: ['eth1'] } });
    expect(long.status).toBe(400);
    expect(long.body.problems.map((p: Json) => p.path)).toEqual(['body.interfaces.wan']);
  });

  it('masquerade and the filter saved with ?apply=true change the kernel, and back', async () => {
    const base = (await api('GET', '/gateway-settings')).body;
    expect(await table()).toContain('masquerade: LAN to WAN');
    const r = await api('PUT', '/gateway-settings?apply=true', {
      ...base,
      masquerade: { forwardedServers: true, lanToWan: false },
      filter: { policy: 'drop', allowLanToWan: true },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const nft = await table();
    expect(nft).not.toContain('masquerade: LAN to WAN');
    expect(nft).toContain('policy drop');
    const back = await api('PUT', '/gateway-settings?apply=true', base);
    expect(back.status).toBe(200);
    expect(await table()).toContain('masquerade: LAN to WAN');
  });
});

describe('session connection', () => {
  it('says where the request arrived, and that the rules in another namespace never act on it', async () => {
    const r = await api('GET', '/session/connection', undefined, viewer);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ governed: false });
    expect(typeof r.body.localAddress).toBe('string');
    expect((await api('GET', '/session/connection', undefined, null)).status).toBe(401);
  });
});
