/**
 * FTPS forwards and NAT reflection through the API, in a namespace of our
 * own: the fields pass the forward and settings routes, their problems come
 * back as field errors with codes (never a 5xx, nothing stored), and what
 * `?apply=true` loads is read back with nft. The traffic proof is
 * packages/rules/test/lab-ftps-reflection.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createNetns, createToken, LAB_MODEL, login, makeApp, type Netns, type TestApp } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

let ns: Netns;
let t: TestApp;
let admin: string;

async function api(method: string, url: string, payload?: unknown) {
  const r = await t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: bearer(admin),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, body: r.body ? (r.json() as Json) : null };
}

async function table(): Promise<string> {
  try {
    return await ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
  } catch {
    return '';
  }
}

const FTPS = {
  id: 'ftps',
  name: 'FTPS',
  publicPorts: '21',
  target: '192.168.1.2',
  ftps: { passivePorts: '40000-40009' },
};

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name);
  const session = await login(t.app);
  admin = await createToken(t.app, session, 'admin');
  const cfg = await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: bearer(admin) });
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/config?apply=true',
    headers: { ...bearer(admin), 'if-match': String(cfg.headers.etag) },
    payload: LAB_MODEL,
  });
  expect(put.statusCode, put.body).toBe(200);
}, 30_000);

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('FTPS forwards through the API', () => {
  it('a forward marked FTPS is stored with its passive range and its range is loaded as the forward', async () => {
    const r = await api('POST', '/forwards?apply=true', FTPS);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await api('GET', '/forwards/ftps')).body).toMatchObject({ ftps: { passivePorts: '40000-40009' } });
    expect(await table()).toMatch(/40000-40009 [^\n]*comment "forward ftps" : 192\.168\.1\.2/);
  });

  it('a forward on a port of the passive range is a field error naming the FTPS forward; nothing is stored', async () => {
    const r = await api('POST', '/forwards', {
      id: 'clash',
      name: 'clash',
      publicPorts: '40005',
      target: '192.168.1.9',
    });
    expect(r.status).toBe(400);
    expect(r.body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'body.publicPorts',
          code: 'forward.ports_in_ftps_range',
          params: { ports: '40005', other: 'FTPS' },
        }),
      ]),
    );
    expect((await api('GET', '/forwards/clash')).status).toBe(404);
  });

  it('passive-only is refused while the FTPS forward is enabled, with the reason', async () => {
    const ftp = (await api('GET', '/ftp')).body;
    const r = await api('PUT', '/ftp', { ...ftp, enabled: true, controlPorts: [21], passiveOnly: true });
    expect(r.status).toBe(400);
    const p = r.body.problems.find((x: Json) => x.code === 'ftp.passive_only_with_ftps');
    expect(p?.message).toMatch(/cannot read an encrypted control channel/);
    expect((await api('GET', '/ftp')).body.passiveOnly).toBe(false);
  });
});

describe('the API documents what FTPS needs from the server', () => {
  it("the OpenAPI description of a forward's ftps names the setting each server announces the public address with", async () => {
    const doc = JSON.stringify((await api('GET', '/openapi.json')).body);
    expect(doc).toMatch(/pasv_address=<public address>/);
    expect(doc).toMatch(/MasqueradeAddress <public address>/);
    expect(doc).toMatch(/-P <public address>/);
  });
});

describe('NAT reflection through the gateway settings', () => {
  it('is off (absent) until set; switched on with ?apply=true it loads the LAN-side rules, and off again', async () => {
    const before = (await api('GET', '/gateway-settings')).body;
    expect(before.reflection).toBeUndefined();
    expect(await table()).not.toContain('reflection:');
    const on = await api('PUT', '/gateway-settings?apply=true', { ...before, reflection: { enabled: true } });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body.reflection).toEqual({ enabled: true, publicAddresses: [] });
    const nft = await table();
    expect(nft).toContain('comment "reflection: tcp, same port"');
    expect(nft).toContain('ct label 127');
    // another settings form that does not send reflection leaves it as it is
    const { reflection: _, ...rest } = on.body;
    expect((await api('PUT', '/gateway-settings', rest)).body.reflection.enabled).toBe(true);
    const off = await api('PUT', '/gateway-settings?apply=true', { ...before, reflection: { enabled: false } });
    expect(off.status).toBe(200);
    expect(await table()).not.toContain('reflection:');
  });

  it('a public address listed twice is a field error on its body path', async () => {
    const base = (await api('GET', '/gateway-settings')).body;
    const r = await api('PUT', '/gateway-settings', {
      ...base,
      reflection: { enabled: true, publicAddresses: ['192.0.2.2', '192.0.2.2'] },
    });
    expect(r.status).toBe(400);
    expect(r.body.problems).toEqual([
      expect.objectContaining({ path: 'body.reflection.publicAddresses.1', code: 'reflection.address_twice' }),
    ]);
  });

  it('a forward reflected on its own is accepted and loaded into the reflection port set', async () => {
    const r = await api('POST', '/forwards?apply=true', {
      id: 'web',
      name: 'web',
      publicPorts: '80',
      target: '192.168.1.3',
      reflection: true,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(await table()).toMatch(/set reflected_tcp_ports \{[^}]*80 comment "forward web"/);
  });
});
