/**
 * Every route through app.inject, against a throwaway network namespace (nft
 * runs for real there, never on the host): validation, authentication and
 * roles, CSRF, ETags, applies and their conflicts, revisions, users, tokens.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegisteredRoute, registeredRoutes, routeOf } from './fuzz-routes.js';
import {
  ADMIN_PASSWORD,
  bearer,
  controllableRunner,
  createNetns,
  createToken,
  LAB_MODEL,
  login,
  makeApp,
  type Netns,
  OTHER_PASSWORD,
  type Session,
  sleep,
  type TestApp,
  USER_PASSWORD,
  waitFor,
} from './helpers.js';

const FTP_FORWARD = { id: 'ftp', name: 'FTP server', publicPorts: '21', target: '192.168.1.2' };
const GATEWAY_FORWARD = { id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 };

/** Every route, the role it needs, and a body that passes validation. */
const ROUTES: Array<{
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  level: 'viewer' | 'admin' | 'peer';
  payload?: unknown;
}> = [
  // The pair's peer routes (issue #16): Authorization: Peer only (pair-apply.test.ts proves them).
  ...(['check', 'apply', 'confirm', 'rollback'] as const).map((step) => ({
    method: 'POST' as const,
    url: `/api/v1/peer/${step}`,
    level: 'peer' as const,
    payload: { model: {}, origin: { node: 'gw-a', revisionId: 1 }, actor: 'admin' },
  })),
  { method: 'GET', url: '/api/v1/peer/state', level: 'peer' },
  { method: 'POST', url: '/api/v1/auth/logout', level: 'viewer' },
  { method: 'GET', url: '/api/v1/auth/me', level: 'viewer' },
  {
    method: 'POST',
    url: '/api/v1/auth/password',
    level: 'viewer',
    payload: { currentPassword: 'x', newPassword: USER_PASSWORD },
  },
  { method: 'GET', url: '/api/v1/users', level: 'admin' },
  {
    method: 'POST',
    url: '/api/v1/users',
    level: 'admin',
    payload: { username: 'zed', password: USER_PASSWORD, role: 'viewer' },
  },
  { method: 'PATCH', url: '/api/v1/users/999', level: 'admin', payload: { role: 'viewer' } },
  { method: 'DELETE', url: '/api/v1/users/999', level: 'admin' },
  { method: 'GET', url: '/api/v1/tokens', level: 'admin' },
  { method: 'POST', url: '/api/v1/tokens', level: 'admin', payload: { name: 'x', role: 'viewer' } },
  { method: 'DELETE', url: '/api/v1/tokens/999', level: 'admin' },
  { method: 'DELETE', url: '/api/v1/tokens/999?purge=true', level: 'admin' },
  { method: 'GET', url: '/api/v1/audit', level: 'viewer' },
  { method: 'GET', url: '/api/v1/audit.csv', level: 'viewer' },
  { method: 'GET', url: '/api/v1/config', level: 'viewer' },
  { method: 'PUT', url: '/api/v1/config', level: 'admin', payload: LAB_MODEL },
  { method: 'GET', url: '/api/v1/forwards', level: 'viewer' },
  { method: 'POST', url: '/api/v1/forwards', level: 'admin', payload: FTP_FORWARD },
  { method: 'GET', url: '/api/v1/forwards/ftp', level: 'viewer' },
  { method: 'GET', url: '/api/v1/forwards/hits', level: 'viewer' },
  { method: 'POST', url: '/api/v1/forwards/bulk', level: 'admin', payload: { action: 'enable', ids: ['ftp'] } },
  {
    method: 'POST',
    url: '/api/v1/forwards/import',
    level: 'admin',
    payload: { mode: 'merge', forwards: [FTP_FORWARD] },
  },
  { method: 'PUT', url: '/api/v1/forwards/ftp', level: 'admin', payload: FTP_FORWARD },
  { method: 'DELETE', url: '/api/v1/forwards/ftp', level: 'admin' },
  { method: 'GET', url: '/api/v1/ftp', level: 'viewer' },
  { method: 'PUT', url: '/api/v1/ftp', level: 'admin', payload: { enabled: false } },
  { method: 'GET', url: '/api/v1/ftp/diagnosis', level: 'admin' },
  { method: 'GET', url: '/api/v1/pair', level: 'viewer' },
  { method: 'POST', url: '/api/v1/pair/failover', level: 'admin' },
  { method: 'POST', url: '/api/v1/pair/resume', level: 'admin' },
  { method: 'GET', url: '/api/v1/tftp', level: 'viewer' },
  { method: 'PUT', url: '/api/v1/tftp', level: 'admin', payload: { enabled: false } },
  { method: 'GET', url: '/api/v1/preview', level: 'viewer' },
  { method: 'POST', url: '/api/v1/apply', level: 'admin', payload: {} },
  { method: 'GET', url: '/api/v1/apply/pending', level: 'viewer' },
  { method: 'POST', url: '/api/v1/apply/confirm', level: 'admin' },
  { method: 'POST', url: '/api/v1/apply/rollback-now', level: 'admin' },
  { method: 'POST', url: '/api/v1/drift/restore', level: 'admin' },
  { method: 'GET', url: '/api/v1/drift/adoption', level: 'viewer' },
  { method: 'POST', url: '/api/v1/drift/adopt', level: 'admin' },
  { method: 'POST', url: '/api/v1/revisions/1/restore', level: 'admin' },
  { method: 'GET', url: '/api/v1/pending', level: 'viewer' },
  { method: 'POST', url: '/api/v1/pending/discard', level: 'admin' },
  { method: 'GET', url: '/api/v1/revisions', level: 'viewer' },
  { method: 'GET', url: '/api/v1/revisions/1', level: 'viewer' },
  { method: 'GET', url: '/api/v1/revisions/1/compare', level: 'viewer' },
  { method: 'POST', url: '/api/v1/revisions/1/rollback', level: 'admin', payload: {} },
  { method: 'GET', url: '/api/v1/conntrack', level: 'viewer' },
  { method: 'GET', url: '/api/v1/conntrack/count', level: 'viewer' },
  { method: 'GET', url: '/api/v1/conntrack/accounting', level: 'viewer' },
  { method: 'GET', url: '/api/v1/conntrack/123', level: 'viewer' },
  { method: 'DELETE', url: '/api/v1/conntrack/123', level: 'admin' },
  { method: 'GET', url: '/api/v1/expectations', level: 'viewer' },
  { method: 'GET', url: '/api/v1/events', level: 'viewer' },
  { method: 'GET', url: '/api/v1/status', level: 'viewer' },
  { method: 'GET', url: '/api/v1/status/history', level: 'viewer' },
  { method: 'GET', url: '/api/v1/session/connection', level: 'viewer' },
  { method: 'GET', url: '/api/v1/gateway-forwards', level: 'viewer' },
  { method: 'POST', url: '/api/v1/gateway-forwards', level: 'admin', payload: GATEWAY_FORWARD },
  { method: 'PUT', url: '/api/v1/gateway-forwards/ssh-gateway', level: 'admin', payload: GATEWAY_FORWARD },
  { method: 'DELETE', url: '/api/v1/gateway-forwards/ssh-gateway', level: 'admin' },
  { method: 'GET', url: '/api/v1/gateway-settings', level: 'viewer' },
  {
    method: 'PUT',
    url: '/api/v1/gateway-settings',
    level: 'admin',
    payload: {
      interfaces: LAB_MODEL.interfaces,
      masquerade: { forwardedServers: false, lanToWan: true },
      filter: { policy: 'accept', allowLanToWan: true },
    },
  },
  { method: 'GET', url: '/api/v1/openapi.json', level: 'viewer' },
  { method: 'GET', url: '/api/v1/metrics', level: 'viewer' },
  { method: 'GET', url: '/api/v1/import/proposal', level: 'admin' },
  { method: 'POST', url: '/api/v1/import/adopt', level: 'admin', payload: { model: LAB_MODEL } },
  { method: 'GET', url: '/api/v1/import/takeover', level: 'admin' },
  { method: 'DELETE', url: '/api/v1/import/takeover', level: 'admin' },
  { method: 'GET', url: '/api/docs/', level: 'viewer' },
];

let ns: Netns;
let t: TestApp;
let admin: Session;
let viewerToken: string;
let adminToken: string;
let ctl: ReturnType<typeof controllableRunner>['control'];

beforeAll(async () => {
  ns = createNetns();
  const c = controllableRunner(ns.name);
  ctl = c.control;
  t = await makeApp(ns.name, {}, c.runner);
  admin = await login(t.app);
  viewerToken = await createToken(t.app, admin, 'viewer');
  adminToken = await createToken(t.app, admin, 'admin');
});

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

const inject = (opts: InjectOptions) => t.app.inject(opts);

describe('authentication and roles', () => {
  it('answers the health check without credentials', async () => {
    const r = await inject({ method: 'GET', url: '/api/v1/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ ok: true });
  });

  it('lists every route the app registers, with the role its config.auth asks for', async () => {
    const registered = await registeredRoutes();
    const listed = new Set<RegisteredRoute>();
    for (const route of ROUTES) {
      const r = routeOf(registered, route.method, route.url);
      if (!r) continue; // /api/docs/ is swagger-ui's, outside the API prefix
      listed.add(r);
      expect({ route: `${route.method} ${route.url}`, level: route.level }).toEqual({
        route: `${route.method} ${route.url}`,
        level: r.auth === 'admin' ? 'admin' : r.auth === 'peer' ? 'peer' : 'viewer',
      });
    }
    const missing = registered.filter((r) => r.auth !== 'public' && !listed.has(r)).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it.each(ROUTES)('$method $url needs credentials', async (route) => {
    const r = await inject({
      method: route.method,
      url: route.url,
      ...(route.payload ? { payload: route.payload as object } : {}),
    });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it.each(ROUTES.filter((r) => r.level === 'admin'))('$method $url is refused to a viewer', async (route) => {
    const r = await inject({
      method: route.method,
      url: route.url,
      headers: bearer(viewerToken),
      ...(route.payload ? { payload: route.payload as object } : {}),
    });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ error: 'forbidden' });
  });

  it.each(ROUTES.filter((r) => r.level === 'peer'))('$method $url is refused to an admin token', async (route) => {
    const r = await inject({
      method: route.method,
      url: route.url,
      headers: bearer(adminToken),
      ...(route.payload ? { payload: route.payload as object } : {}),
    });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ error: 'forbidden' });
  });

  it.each(ROUTES.filter((r) => r.level === 'viewer' && r.method === 'GET' && r.url !== '/api/v1/events'))(
    '$method $url is open to a viewer',
    async (route) => {
      const r = await inject({ method: route.method, url: route.url, headers: bearer(viewerToken) });
      expect([200, 404]).toContain(r.statusCode);
    },
  );

  it('rejects a wrong password and an unknown user alike', async () => {
    const a = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'nope' },
    });
    const b = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ghost', password: 'nope' },
    });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
  });

  it('validates the login body', async () => {
    const r = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().problems).toContainEqual(expect.objectContaining({ path: 'body.password' }));
  });

  it('sets an httpOnly, SameSite=Strict session cookie', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/gatehouse_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('requires the CSRF header for state changes with the session cookie, not with a token', async () => {
    const noHeader = await inject({
      method: 'PUT',
      url: '/api/v1/ftp',
      headers: { cookie: admin.cookie },
      payload: { enabled: false },
    });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json()).toMatchObject({ error: 'csrf' });
    const wrong = await inject({
      method: 'PUT',
      url: '/api/v1/ftp',
      headers: { cookie: admin.cookie, 'x-gatehouse-csrf': 'guess' },
      payload: { enabled: false },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await inject({ method: 'PUT', url: '/api/v1/ftp', headers: admin.headers, payload: { enabled: false } });
    expect(ok.statusCode).toBe(200);
    const token = await inject({
      method: 'PUT',
      url: '/api/v1/ftp',
      headers: bearer(adminToken),
      payload: { enabled: false },
    });
    expect(token.statusCode).toBe(200);
    // Reading with the cookie needs no header.
    expect((await inject({ method: 'GET', url: '/api/v1/ftp', headers: { cookie: admin.cookie } })).statusCode).toBe(
      200,
    );
  });

  it('ends a session at logout', async () => {
    const s = await login(t.app);
    expect((await inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(
      401,
    );
  });

  it('rate-limits login attempts', async () => {
    const other = await makeApp(ns.name, { loginRateLimit: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await other.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'admin', password: 'wrong' },
        });
        codes.push(r.statusCode);
      }
      expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
      expect(codes.slice(3)).toEqual([429, 429]);
    } finally {
      await other.close();
    }
  });
});

describe('users and tokens', () => {
  it('creates a viewer who can read but not change, and changes a password', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { username: 'vera', password: USER_PASSWORD, role: 'viewer' },
    });
    expect(created.statusCode).toBe(201);
    const dup = await inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { username: 'vera', password: USER_PASSWORD, role: 'viewer' },
    });
    expect(dup.statusCode).toBe(409);
    const vera = await login(t.app, 'vera', USER_PASSWORD);
    expect((await inject({ method: 'GET', url: '/api/v1/config', headers: vera.headers })).statusCode).toBe(200);
    expect(
      (await inject({ method: 'POST', url: '/api/v1/apply', headers: vera.headers, payload: {} })).statusCode,
    ).toBe(403);
    const pw = await inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: vera.headers,
      payload: { currentPassword: USER_PASSWORD, newPassword: OTHER_PASSWORD },
    });
    expect(pw.statusCode).toBe(200);
    await expect(login(t.app, 'vera', USER_PASSWORD)).rejects.toThrow(/401/);
    await login(t.app, 'vera', OTHER_PASSWORD);
  });

  it('validates user bodies with field paths', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { username: 'Bad Name', password: 'short', role: 'root' },
    });
    expect(r.statusCode).toBe(400);
    const paths = (r.json().problems as Array<{ path: string }>).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['body.username', 'body.password', 'body.role']));
    // Fastify's schema validation carries codes too: zod's enum check becomes invalid_value with its options.
    expect(r.json().problems).toContainEqual(
      expect.objectContaining({ path: 'body.role', code: 'invalid_value', params: { values: 'admin, viewer' } }),
    );
    expect(r.json().problems.every((p: { code?: string }) => typeof p.code === 'string')).toBe(true);
  });

  it('refuses to demote or delete the last admin', async () => {
    const users = (await inject({ method: 'GET', url: '/api/v1/users', headers: admin.headers })).json()
      .items as Array<{ id: number; username: string }>;
    const adminId = users.find((u) => u.username === 'admin')?.id;
    expect(
      (
        await inject({
          method: 'PATCH',
          url: `/api/v1/users/${adminId}`,
          headers: admin.headers,
          payload: { role: 'viewer' },
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (await inject({ method: 'DELETE', url: `/api/v1/users/${adminId}`, headers: admin.headers })).statusCode,
    ).toBe(409);
  });

  it('shows a token once, lists it without the secret, and revokes it', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin.headers,
      payload: { name: 'backup-script', role: 'viewer' },
    });
    expect(r.statusCode).toBe(201);
    const { token, id, prefix } = r.json() as { token: string; id: number; prefix: string };
    expect(token.startsWith(prefix)).toBe(true);
    const list = await inject({ method: 'GET', url: '/api/v1/tokens', headers: admin.headers });
    expect(list.body).not.toContain(token);
    expect((await inject({ method: 'GET', url: '/api/v1/status', headers: bearer(token) })).statusCode).toBe(200);
    expect((await inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: admin.headers })).statusCode).toBe(
      200,
    );
    expect((await inject({ method: 'GET', url: '/api/v1/status', headers: bearer(token) })).statusCode).toBe(401);
  });
});

describe('configuration', () => {
  it('replaces the model only with a current If-Match', async () => {
    const get = await inject({ method: 'GET', url: '/api/v1/config', headers: bearer(adminToken) });
    const etag = String(get.headers.etag);
    expect(etag).toMatch(/^"v\d+"$/);
    const missing = await inject({
      method: 'PUT',
      url: '/api/v1/config',
      headers: bearer(adminToken),
      payload: LAB_MODEL,
    });
    expect(missing.statusCode).toBe(428);
    const first = await inject({
      method: 'PUT',
      url: '/api/v1/config',
      headers: { ...bearer(adminToken), 'if-match': etag },
      payload: LAB_MODEL,
    });
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).not.toBe(etag);
    // The second admin edited the same version: refused, not silently overwritten.
    const second = await inject({
      method: 'PUT',
      url: '/api/v1/config',
      headers: { ...bearer(adminToken), 'if-match': etag },
      payload: LAB_MODEL,
    });
    expect(second.statusCode).toBe(412);
    expect(second.json()).toMatchObject({ error: 'precondition_failed', currentVersion: expect.any(Number) });
  });

  it('reports model problems with their field path', async () => {
    const etag = String(
      (await inject({ method: 'GET', url: '/api/v1/config', headers: bearer(adminToken) })).headers.etag,
    );
    const r = await inject({
      method: 'PUT',
      url: '/api/v1/config',
      headers: { ...bearer(adminToken), 'if-match': etag },
      payload: { ...LAB_MODEL, interfaces: { wan: 'eth0', lan: ['eth0'] }, table: 'fwd' },
    });
    expect(r.statusCode).toBe(400);
    const problems = r.json().problems as Array<{ path: string; message: string }>;
    // English for scripts, a code and its params for clients that translate.
    expect(problems).toContainEqual({
      path: 'body.table',
      message: expect.stringMatching(/keyword/),
      code: 'table.keyword',
      params: {},
    });
    expect(problems).toContainEqual({
      path: 'body.interfaces.lan.0',
      message: expect.stringMatching(/WAN/),
      code: 'interfaces.lan_is_wan',
      params: { name: 'eth0' },
    });
  });

  it('creates, reads, updates and deletes forwards, validated against the whole model', async () => {
    const h = bearer(adminToken);
    const bad = await inject({
      method: 'POST',
      url: '/api/v1/forwards',
      headers: h,
      payload: { ...FTP_FORWARD, publicPorts: '70000' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems).toContainEqual(expect.objectContaining({ path: 'body.publicPorts' }));

    const created = await inject({ method: 'POST', url: '/api/v1/forwards', headers: h, payload: FTP_FORWARD });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'ftp', protocol: 'tcp', enabled: true });

    const clash = await inject({
      method: 'POST',
      url: '/api/v1/forwards',
      headers: h,
      payload: { ...FTP_FORWARD, id: 'ftp2', publicPorts: '20-22' },
    });
    expect(clash.statusCode).toBe(400);
    expect(clash.json().problems).toContainEqual({
      path: 'body.publicPorts',
      message: expect.stringMatching(/already forwarded/),
      code: 'forward.ports_overlap',
      params: { proto: 'tcp', ports: '21', other: 'FTP server' },
    });

    const shadow = await inject({
      method: 'POST',
      url: '/api/v1/forwards',
      headers: h,
      payload: { ...FTP_FORWARD, id: 'all', publicPorts: '2000-3000' },
    });
    expect(shadow.statusCode).toBe(400);
    expect(shadow.json().problems[0].message).toMatch(/gateway's own forward/);

    const dupId = await inject({
      method: 'POST',
      url: '/api/v1/forwards',
      headers: h,
      payload: { ...FTP_FORWARD, publicPorts: '2121' },
    });
    expect(dupId.statusCode).toBe(409);

    const etag = String((await inject({ method: 'GET', url: '/api/v1/forwards/ftp', headers: h })).headers.etag);
    const updated = await inject({
      method: 'PUT',
      url: '/api/v1/forwards/ftp',
      headers: { ...h, 'if-match': etag },
      payload: { ...FTP_FORWARD, name: 'FTP (renamed)' },
    });
    expect(updated.statusCode).toBe(200);
    const stale = await inject({
      method: 'PUT',
      url: '/api/v1/forwards/ftp',
      headers: { ...h, 'if-match': etag },
      payload: FTP_FORWARD,
    });
    expect(stale.statusCode).toBe(412);
    const idChange = await inject({
      method: 'PUT',
      url: '/api/v1/forwards/ftp',
      headers: h,
      payload: { ...FTP_FORWARD, id: 'other' },
    });
    expect(idChange.statusCode).toBe(400);

    expect((await inject({ method: 'GET', url: '/api/v1/forwards', headers: h })).json().items).toHaveLength(1);
    expect((await inject({ method: 'GET', url: '/api/v1/forwards/nope', headers: h })).statusCode).toBe(404);
    expect((await inject({ method: 'DELETE', url: '/api/v1/forwards/ftp', headers: h })).statusCode).toBe(200);
    expect((await inject({ method: 'DELETE', url: '/api/v1/forwards/ftp', headers: h })).statusCode).toBe(404);
    expect(
      (await inject({ method: 'POST', url: '/api/v1/forwards', headers: h, payload: FTP_FORWARD })).statusCode,
    ).toBe(201);
  });

  it('sets the FTP helper policy, checked against the forwards', async () => {
    const h = bearer(adminToken);
    const uncovered = await inject({
      method: 'PUT',
      url: '/api/v1/ftp',
      headers: h,
      payload: { enabled: true, controlPorts: [21, 2121] },
    });
    expect(uncovered.statusCode).toBe(400);
    expect(uncovered.json().problems).toContainEqual({
      path: 'body.controlPorts.1',
      message: expect.stringMatching(/2121/),
      code: 'ftp.port_not_exposed',
      params: { port: 2121 },
    });
    const passiveAlone = await inject({
      method: 'PUT',
      url: '/api/v1/ftp',
      headers: h,
      payload: { enabled: false, passiveOnly: true },
    });
    expect(passiveAlone.statusCode).toBe(400);
    const ok = await inject({
      method: 'PUT',
      url: '/api/v1/ftp',
      headers: h,
      payload: { enabled: true, controlPorts: [21], passiveOnly: true },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ enabled: true, controlPorts: [21], servers: [], passiveOnly: true });
  });

  it('rejects bodies that are not JSON objects', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/forwards',
      headers: { ...bearer(adminToken), 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(r.statusCode).toBe(400);
    expect(r.body).not.toMatch(/at .*\.js/);
  });
});

describe('preview, apply, confirm and revisions', () => {
  const h = () => bearer(adminToken);

  it('previews the script and its diff before anything is applied', async () => {
    const r = await inject({ method: 'GET', url: '/api/v1/preview', headers: bearer(viewerToken) });
    expect(r.statusCode).toBe(200);
    const p = r.json();
    expect(p.appliedRevision).toBeNull();
    expect(p.script).toMatch(/table ip gatehouse \{/);
    expect(p.diff).toMatch(/^\+.*ct helper ftp-incoming/m);
    expect(p.lockout).toEqual([]);
  });

  it('applies, reads the table back and records a revision with author and diff', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: admin.headers,
      payload: { comment: 'first' },
    });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.revision).toMatchObject({ status: 'confirmed', author: 'admin', active: true, comment: 'first' });
    expect(body.pending).toBeNull();
    expect(ns.exec('nft', ['list', 'table', 'ip', 'gatehouse'])).toMatch(/ct helper ftp-incoming/);
    const rev = (await inject({ method: 'GET', url: `/api/v1/revisions/${body.revision.id}`, headers: h() })).json();
    expect(rev.script).toMatch(/forward ftp/);
    expect(rev.diff).toMatch(/^\+\+\+ this revision/m);
    const preview = (await inject({ method: 'GET', url: '/api/v1/preview', headers: h() })).json();
    expect(preview).toMatchObject({
      changed: false,
      diff: '',
      appliedRevision: body.revision.id,
      drift: { drifted: false },
    });
  });

  it('turns an nft rejection into 422 naming the object', async () => {
    const script = (await inject({ method: 'GET', url: '/api/v1/preview', headers: h() })).json().script as string;
    const line = script.split('\n').findIndex((l) => l.includes('comment "forward ftp"')) + 1;
    expect(line).toBeGreaterThan(0);
    ctl.failCheckWith = `/dev/stdin:${line}:3-20: Error: Could not process rule: No such file or directory\n`;
    const r = await inject({ method: 'POST', url: '/api/v1/apply', headers: h(), payload: {} });
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ error: 'nft_rejected', object: { kind: 'forward', id: 'ftp' } });
    expect(r.body).not.toMatch(/stack|at async/);
  });

  it('refuses a second apply while one runs (409)', async () => {
    ctl.applyDelayMs = 800;
    try {
      const [a, b] = await Promise.all([
        inject({ method: 'POST', url: '/api/v1/apply', headers: h(), payload: {} }),
        sleep(100).then(() => inject({ method: 'POST', url: '/api/v1/apply', headers: h(), payload: {} })),
      ]);
      expect(a.statusCode).toBe(200);
      expect(b.statusCode).toBe(409);
      expect(b.json()).toMatchObject({ error: 'apply_in_progress' });
    } finally {
      ctl.applyDelayMs = 0;
    }
  });

  it('validates apply bodies', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: h(),
      payload: { confirmWithinSeconds: 1 },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().problems).toContainEqual(expect.objectContaining({ path: 'body.confirmWithinSeconds' }));
  });

  it('keeps a confirmed provisional apply', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: h(),
      payload: { confirmWithinSeconds: 30 },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().pending).toMatchObject({ revisionId: r.json().revision.id, secondsLeft: expect.any(Number) });
    expect((await inject({ method: 'GET', url: '/api/v1/apply/pending', headers: h() })).json().pending).not.toBeNull();
    const c = await inject({ method: 'POST', url: '/api/v1/apply/confirm', headers: h() });
    expect(c.statusCode).toBe(200);
    expect(c.json().revision.status).toBe('confirmed');
    expect((await inject({ method: 'POST', url: '/api/v1/apply/confirm', headers: h() })).statusCode).toBe(409);
  });

  it('restores the previous revision when a provisional apply is not confirmed', async () => {
    const before = (await inject({ method: 'GET', url: '/api/v1/revisions?limit=1', headers: h() })).json().items[0];
    const etag = String((await inject({ method: 'GET', url: '/api/v1/forwards', headers: h() })).headers.etag);
    await inject({
      method: 'POST',
      url: '/api/v1/forwards',
      headers: { ...h(), 'if-match': etag },
      payload: { id: 'web', name: 'web', publicPorts: '8080', target: '192.168.1.2' },
    });
    const r = await inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: h(),
      payload: { confirmWithinSeconds: 5 },
    });
    expect(r.statusCode).toBe(200);
    expect(ns.exec('nft', ['list', 'table', 'ip', 'gatehouse'])).toMatch(/forward web/);
    const restored = await waitFor(
      'the automatic rollback',
      async () => {
        const top = (await inject({ method: 'GET', url: '/api/v1/revisions?limit=1', headers: h() })).json().items[0];
        return top.kind === 'auto-rollback' ? top : null;
      },
      10_000,
      250,
    );
    expect(restored).toMatchObject({ restoredFrom: before.id, active: true, status: 'confirmed' });
    expect(ns.exec('nft', ['list', 'table', 'ip', 'gatehouse'])).not.toMatch(/forward web/);
    const undone = (
      await inject({ method: 'GET', url: `/api/v1/revisions/${r.json().revision.id}`, headers: h() })
    ).json();
    expect(undone.status).toBe('rolled-back');
    // The draft with the web forward is kept for the operator to fix and retry.
    expect((await inject({ method: 'GET', url: '/api/v1/forwards/web', headers: h() })).statusCode).toBe(200);
  }, 20_000);

  it('rolls back to any revision, which becomes a new revision and the desired model', async () => {
    const list = (await inject({ method: 'GET', url: '/api/v1/revisions', headers: h() })).json().items as Array<{
      id: number;
      status: string;
    }>;
    const first = list[list.length - 1] as { id: number };
    const r = await inject({
      method: 'POST',
      url: `/api/v1/revisions/${first.id}/rollback`,
      headers: h(),
      payload: {},
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().revision).toMatchObject({ kind: 'rollback', restoredFrom: first.id, active: true });
    expect((await inject({ method: 'GET', url: '/api/v1/forwards/web', headers: h() })).statusCode).toBe(404);
    expect(
      (await inject({ method: 'POST', url: '/api/v1/revisions/9999/rollback', headers: h(), payload: {} })).statusCode,
    ).toBe(404);
    expect((await inject({ method: 'GET', url: '/api/v1/revisions/9999', headers: h() })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/api/v1/revisions/abc', headers: h() })).statusCode).toBe(400);
  });

  it('pages revisions with a cursor', async () => {
    const p1 = (await inject({ method: 'GET', url: '/api/v1/revisions?limit=2', headers: h() })).json();
    expect(p1.items).toHaveLength(2);
    expect(p1.nextCursor).toBe(p1.items[1].id);
    const p2 = (
      await inject({ method: 'GET', url: `/api/v1/revisions?limit=2&before=${p1.nextCursor}`, headers: h() })
    ).json();
    expect(p2.items[0].id).toBeLessThan(p1.items[1].id);
  });

  it('reports hand-made drift in status', async () => {
    const clean = (await inject({ method: 'GET', url: '/api/v1/status', headers: bearer(viewerToken) })).json();
    expect(clean.drift.state).toBe('in-sync');
    ns.exec('nft', ['add', 'rule', 'ip', 'gatehouse', 'snat_postrouting', 'oifname', '"eth9"', 'masquerade']);
    const status = (await inject({ method: 'GET', url: '/api/v1/status', headers: bearer(viewerToken) })).json();
    expect(status.drift.state).toBe('drifted');
    expect(status.drift.added.join('\n')).toMatch(/eth9/);
    expect(status.appliedRevision).toEqual(expect.any(Number));
    ns.exec('nft', ['delete', 'table', 'ip', 'gatehouse']);
    expect(
      (await inject({ method: 'GET', url: '/api/v1/status', headers: bearer(viewerToken) })).json().drift.state,
    ).toBe('missing');
  });
});

describe('one-forward changes applied as element deltas', () => {
  const h = () => bearer(adminToken);

  it('applies a created, updated and deleted forward as a delta revision once the desired state is applied', async () => {
    expect((await inject({ method: 'POST', url: '/api/v1/apply', headers: h(), payload: {} })).statusCode).toBe(200);
    const created = await inject({
      method: 'POST',
      url: '/api/v1/forwards?apply=true',
      headers: h(),
      payload: { id: 'delta-web', name: 'delta web', publicPorts: '18080', target: '192.168.1.7' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['x-gatehouse-apply']).toBe('delta');
    expect(ns.exec('nft', ['list', 'map', 'ip', 'gatehouse', 'forward_tcp_same_port'])).toMatch(
      /18080 counter packets \d+ bytes \d+ comment "forward delta-web" : 192\.168\.1\.7/,
    );
    const rev = (
      await inject({ method: 'GET', url: `/api/v1/revisions/${created.headers['x-gatehouse-revision']}`, headers: h() })
    ).json();
    expect(rev.model.forwards).toContainEqual(expect.objectContaining({ id: 'delta-web' }));
    expect(rev.diff).toMatch(/^\+.*forward delta-web/m);
    expect(rev.script).toContain('forward delta-web');

    const clash = await inject({
      method: 'POST',
      url: '/api/v1/forwards?apply=true',
      headers: h(),
      payload: { id: 'delta-clash', name: 'clash', publicPorts: '18000-18100', target: '192.168.1.8' },
    });
    expect(clash.statusCode).toBe(400);
    expect(clash.json().problems).toContainEqual(
      expect.objectContaining({
        path: 'body.publicPorts',
        message: 'tcp port(s) 18080 already forwarded by "delta web"',
        code: 'forward.ports_overlap',
      }),
    );

    const moved = await inject({
      method: 'PUT',
      url: '/api/v1/forwards/delta-web?apply=true',
      headers: h(),
      payload: { id: 'delta-web', name: 'delta web', publicPorts: '18081', target: '192.168.1.7', targetPort: 80 },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.headers['x-gatehouse-apply']).toBe('delta');
    const newPort = ns.exec('nft', ['list', 'map', 'ip', 'gatehouse', 'forward_tcp_new_port']);
    expect(newPort).toMatch(/18081 .*: 192\.168\.1\.7 \. 80/);
    expect(ns.exec('nft', ['list', 'map', 'ip', 'gatehouse', 'forward_tcp_same_port'])).not.toMatch(/18080/);

    const gone = await inject({ method: 'DELETE', url: '/api/v1/forwards/delta-web?apply=true', headers: h() });
    expect(gone.statusCode).toBe(200);
    expect(ns.exec('nft', ['list', 'map', 'ip', 'gatehouse', 'forward_tcp_new_port'])).not.toMatch(/18081/);
    const preview = (await inject({ method: 'GET', url: '/api/v1/preview', headers: h() })).json();
    expect(preview.changed).toBe(false);
  });

  it('keeps each revision what it applied while the desired forwards change afterwards (they change in place)', async () => {
    const post = (id: string, port: number, apply: boolean) =>
      inject({
        method: 'POST',
        url: `/api/v1/forwards${apply ? '?apply=true' : ''}`,
        headers: h(),
        payload: { id, name: id, publicPorts: String(port), target: '192.168.1.7' },
      });
    const full = await inject({ method: 'POST', url: '/api/v1/apply', headers: h(), payload: {} });
    const fullRev = full.json().revision.id as number;
    const a = await post('keep-a', 18201, true);
    expect(a.headers['x-gatehouse-apply']).toBe('delta');
    const b = await post('keep-b', 18202, true);
    expect(b.headers['x-gatehouse-apply']).toBe('delta');
    // Saved, not applied: in the desired model only.
    expect((await post('keep-c', 18203, false)).statusCode).toBe(201);
    const ids = async (rev: number | string) =>
      (
        (await inject({ method: 'GET', url: `/api/v1/revisions/${rev}`, headers: h() })).json().model
          .forwards as Array<{
          id: string;
        }>
      )
        .map((f) => f.id)
        .filter((id) => id.startsWith('keep-'));
    expect(await ids(fullRev)).toEqual([]);
    expect(await ids(a.headers['x-gatehouse-revision'] as string)).toEqual(['keep-a']);
    expect(await ids(b.headers['x-gatehouse-revision'] as string)).toEqual(['keep-a', 'keep-b']);
    const preview = (await inject({ method: 'GET', url: '/api/v1/preview', headers: h() })).json();
    expect(preview.diff).toMatch(/^\+.*forward keep-c/m);
    // keep-b's line differs only by the comma keep-c puts after it.
    expect(preview.diff).not.toMatch(/^[+-].*forward keep-a/m);
    // A rollback to the full apply loads what it recorded: none of the three.
    const back = await inject({
      method: 'POST',
      url: `/api/v1/revisions/${fullRev}/rollback`,
      headers: h(),
      payload: {},
    });
    expect(back.statusCode).toBe(200);
    expect(ns.exec('nft', ['list', 'map', 'ip', 'gatehouse', 'forward_tcp_same_port'])).not.toMatch(/1820[123]/);
    for (const id of ['keep-a', 'keep-b', 'keep-c'])
      await inject({ method: 'DELETE', url: `/api/v1/forwards/${id}`, headers: h() });
  });

  it('pages the forwards with a total', async () => {
    const r = await inject({ method: 'GET', url: '/api/v1/forwards?offset=0&limit=1', headers: h() });
    expect(r.statusCode).toBe(200);
    expect(r.json().items).toHaveLength(1);
    expect(r.json().total).toBeGreaterThanOrEqual(1);
  });
});

describe('audit log and API description', () => {
  it('records who changed what', async () => {
    const r = await inject({ method: 'GET', url: '/api/v1/audit?limit=200', headers: bearer(viewerToken) });
    expect(r.statusCode).toBe(200);
    const actions = (r.json().items as Array<{ action: string; actor: string }>).map((a) => `${a.actor}:${a.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'admin:apply',
        'admin (token t-admin):forward.create',
        'admin:login',
        'admin:token.create',
      ]),
    );
    expect(actions.some((a) => a.endsWith(':login.failed'))).toBe(true);
    expect(actions.some((a) => a.endsWith(':auto-rollback'))).toBe(true);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const r = await inject({ method: 'GET', url: '/api/v1/openapi.json', headers: bearer(viewerToken) });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/config',
      '/api/v1/forwards/{id}',
      '/api/v1/apply',
      '/api/v1/conntrack',
      '/api/v1/events',
      '/api/v1/status',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    const body = doc.paths['/api/v1/forwards'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body)).toMatch(/publicPorts/);
    expect((await inject({ method: 'GET', url: '/api/docs/', headers: bearer(viewerToken) })).statusCode).toBe(200);
  });

  it('gives unknown API paths a JSON 404', async () => {
    const r = await inject({ method: 'GET', url: '/api/v1/nothing-here', headers: bearer(viewerToken) });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: 'not_found' });
  });
});
