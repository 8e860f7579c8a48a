/**
 * The route table (api-routes.ts) against the app: every route listed with
 * the role it needs, refused without credentials and to the wrong role; then
 * users and tokens. Through app.inject, against a throwaway network namespace
 * (nft runs for real there, never on the host). Split from api.test.ts.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from './api-routes.js';
import { type RegisteredRoute, registeredRoutes, routeOf } from './fuzz-routes.js';
import {
  bearer,
  controllableRunner,
  createNetns,
  createToken,
  login,
  makeApp,
  type Netns,
  OTHER_PASSWORD,
  type Session,
  type TestApp,
  USER_PASSWORD,
} from './helpers.js';

let ns: Netns;
let t: TestApp;
let admin: Session;
let viewerToken: string;
let adminToken: string;

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name, {}, controllableRunner(ns.name).runner);
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
