/**
 * The TFTP helper through the API (issue #13.4): GET/PUT /tftp like /ftp,
 * field-level problems with codes for bad input (never a 5xx), a stored model
 * from before the section loads with it off, the pending changes say it in
 * plain words, and `?apply=true` loads the helper object and its chain (read
 * back with nft in a namespace of our own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createNetns, createToken, LAB_MODEL, login, makeApp, type Netns, type TestApp } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

let ns: Netns;
let t: TestApp;
let admin: string;
let viewer: string;

async function api(method: string, url: string, payload?: unknown, token: string | null = admin) {
  const r = await t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: token ? bearer(token) : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, body: r.body ? (r.json() as Json) : null, etag: String(r.headers.etag ?? '') };
}

const TFTP_FORWARD = { id: 'tftp', name: 'TFTP', protocol: 'udp', publicPorts: '69', target: '192.168.1.2' };

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name);
  const session = await login(t.app);
  admin = await createToken(t.app, session, 'admin');
  viewer = await createToken(t.app, session, 'viewer', 'v');
  const cfg = await api('GET', '/config');
  // A model as stored before the tftp section existed.
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/config?apply=true',
    headers: { ...bearer(admin), 'if-match': cfg.etag },
    payload: { ...LAB_MODEL, forwards: [TFTP_FORWARD] },
  });
  expect(put.statusCode, put.body).toBe(200);
}, 30_000);

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('the TFTP helper policy', () => {
  it('a model without the section reads as TFTP off on 69; viewers read it, nobody unauthenticated', async () => {
    const r = await api('GET', '/tftp', undefined, viewer);
    expect(r.status).toBe(200);
    expect(r.etag).toMatch(/^"v\d+"$/);
    expect(r.body).toEqual({ enabled: false, ports: [69], servers: [] });
    expect((await api('GET', '/tftp', undefined, null)).status).toBe(401);
    expect((await api('PUT', '/tftp', { enabled: true }, viewer)).status).toBe(403);
  });

  it('the status reports the TFTP section and where nf_nat_tftp stands on this kernel', async () => {
    const r = await api('GET', '/status', undefined, viewer);
    expect(r.status).toBe(200);
    expect(r.body.tftp).toMatchObject({ enabled: false, ports: [69] });
    expect(r.body.tftp.natTftp?.state).toMatch(/^(loaded|builtin)$/);
  });

  it('bad input is a 400 naming each field with a code, and changes nothing', async () => {
    const before = await api('GET', '/config');
    const bad = await api('PUT', '/tftp', { enabled: true, ports: [0, 'x'], servers: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body.problems.map((p: Json) => [p.path, p.code])).toEqual(
      expect.arrayContaining([
        ['body.ports.0', 'too_small'],
        ['body.ports.1', 'invalid_type'],
        ['body.servers.0', 'invalid_ipv4'],
      ]),
    );
    const unexposed = await api('PUT', '/tftp', { enabled: true, ports: [1069] });
    expect(unexposed.status).toBe(400);
    expect(unexposed.body.problems).toEqual([
      expect.objectContaining({ path: 'body.ports.0', code: 'tftp.port_not_exposed', params: { port: 1069 } }),
    ]);
    const junk = await api('PUT', '/tftp', ['x'.repeat(10_000)]);
    expect(junk.status).toBe(400);
    expect((await api('GET', '/config')).etag).toBe(before.etag);
  });

  it('switched on: the pending changes say so, and ?apply=true loads the helper object and its chain', async () => {
    const on = await api('PUT', '/tftp', { enabled: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body).toEqual({ enabled: true, ports: [69], servers: [] });
    const pending = await api('GET', '/pending');
    expect(JSON.stringify(pending.body)).toContain('TFTP helper now on 69');
    expect(JSON.stringify(pending.body)).toContain('"code":"tftp-on"');

    const applied = await api('PUT', '/tftp?apply=true', { enabled: true, ports: [69], servers: ['192.168.1.2'] });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const table = await ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
    expect(table).toContain('ct helper tftp-incoming');
    expect(table).toMatch(/chain tftp_helpers \{[^}]*udp dport 69 ct helper set "tftp-incoming"/);
    expect(table).not.toMatch(/ct helper ftp-incoming/);
  });
});
