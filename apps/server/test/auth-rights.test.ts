/**
 * Rights of accounts and tokens (issue #10): a token never has more rights
 * than its owner has now; demoting, disabling, deleting and new passwords
 * cap or revoke what the user handed out; password changes need a session
 * and are throttled; logins are throttled by failures per address and per
 * username without locking the owner out; one password policy everywhere;
 * ids are never reused; anonymous bodies are small.
 */
import Database from 'better-sqlite3';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerConfig } from '../src/config.js';
import { Store } from '../src/store/store.js';
import {
  ADMIN_PASSWORD,
  bearer,
  createNetns,
  createToken,
  login,
  makeApp,
  type Netns,
  OTHER_PASSWORD,
  type Session,
  type TestApp,
  tempDir,
  USER_PASSWORD,
} from './helpers.js';

let ns: Netns;
let t: TestApp;
let admin: Session;

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name);
  admin = await login(t.app);
});

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

const inject = (opts: InjectOptions) => t.app.inject(opts);

async function createUser(username: string, role: 'admin' | 'viewer', password = USER_PASSWORD): Promise<number> {
  const r = await inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: admin.headers,
    payload: { username, password, role },
  });
  expect(r.statusCode, r.body).toBe(201);
  return (r.json() as { id: number }).id;
}

const patchUser = (id: number, payload: object) =>
  inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers: admin.headers, payload });

/** An admin-only read and a viewer read, with a token. */
const canAdmin = async (token: string) =>
  (await inject({ method: 'GET', url: '/api/v1/users', headers: bearer(token) })).statusCode;
const canView = async (token: string) =>
  (await inject({ method: 'GET', url: '/api/v1/config', headers: bearer(token) })).statusCode;

async function auditActions(): Promise<Array<{ action: string; target: string; detail: Record<string, unknown> }>> {
  const r = await inject({ method: 'GET', url: '/api/v1/audit?limit=500', headers: admin.headers });
  return r.json().items;
}

function loginFrom(app: FastifyInstance, address: string, username: string, password: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: address,
    payload: { username, password },
  });
}

describe('tokens act with the lower of their role and their owner’s current role', () => {
  it('caps the tokens of a demoted admin, and restores them on promotion only up to their own role', async () => {
    const id = await createUser('dora', 'admin');
    const dora = await login(t.app, 'dora', USER_PASSWORD);
    const adminToken = await createToken(t.app, dora, 'admin', 'dora-admin');
    const viewerToken = await createToken(t.app, dora, 'viewer', 'dora-viewer');
    expect(await canAdmin(adminToken)).toBe(200);

    expect((await patchUser(id, { role: 'viewer' })).statusCode).toBe(200);
    expect(await canAdmin(adminToken)).toBe(403);
    expect(await canView(adminToken)).toBe(200);
    const me = await inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(adminToken) });
    expect(me.json()).toMatchObject({ username: 'dora', role: 'viewer', via: 'token' });
    const listed = (await inject({ method: 'GET', url: '/api/v1/tokens', headers: admin.headers })).json()
      .items as Array<{ name: string; role: string; effectiveRole: string }>;
    expect(listed.find((x) => x.name === 'dora-admin')).toMatchObject({ role: 'admin', effectiveRole: 'viewer' });

    expect((await patchUser(id, { role: 'admin' })).statusCode).toBe(200);
    expect(await canAdmin(adminToken)).toBe(200);
    expect(await canAdmin(viewerToken)).toBe(403);
    expect(await canView(viewerToken)).toBe(200);
  });
});

describe('disabled users', () => {
  it('cannot log in, and their sessions and tokens stop working; enabling lets them log in again', async () => {
    const id = await createUser('dan', 'admin');
    const dan = await login(t.app, 'dan', USER_PASSWORD);
    const token = await createToken(t.app, dan, 'viewer', 'dan-token');
    expect(await canView(token)).toBe(200);

    const r = await patchUser(id, { disabled: true });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ username: 'dan', disabled: true });
    expect(await canView(token)).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: dan.cookie } })).statusCode).toBe(
      401,
    );
    const refused = await loginFrom(t.app, '192.0.2.50', 'dan', USER_PASSWORD);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'account_disabled' });

    expect((await patchUser(id, { disabled: false })).statusCode).toBe(200);
    await login(t.app, 'dan', USER_PASSWORD);
    // Revoked, not merely suspended: enabling the user does not bring the token back.
    expect(await canView(token)).toBe(401);
  });

  it('refuses to disable the last admin', async () => {
    const solo = await makeApp(ns.name);
    try {
      const s = await login(solo.app);
      const users = (await solo.app.inject({ method: 'GET', url: '/api/v1/users', headers: s.headers })).json()
        .items as Array<{ id: number }>;
      const r = await solo.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${users[0]?.id}`,
        headers: s.headers,
        payload: { disabled: true },
      });
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ error: 'last_admin' });
    } finally {
      await solo.close();
    }
  });
});

describe('password changes', () => {
  it('need a session, not a token', async () => {
    await createUser('tess', 'admin');
    const tess = await login(t.app, 'tess', USER_PASSWORD);
    const token = await createToken(t.app, tess, 'viewer', 'tess-viewer');
    const r = await inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(token),
      payload: { currentPassword: USER_PASSWORD, newPassword: OTHER_PASSWORD },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ error: 'session_required' });
    // The password is unchanged.
    await login(t.app, 'tess', USER_PASSWORD);
  });

  it('revoke the user’s tokens and end their other sessions, keep this one, and are audited', async () => {
    await createUser('pia', 'admin');
    const pia = await login(t.app, 'pia', USER_PASSWORD);
    const other = await login(t.app, 'pia', USER_PASSWORD);
    const token = await createToken(t.app, pia, 'viewer', 'pia-token');
    const r = await inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: pia.headers,
      payload: { currentPassword: USER_PASSWORD, newPassword: OTHER_PASSWORD },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(await canView(token)).toBe(401);
    expect(
      (await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: other.cookie } })).statusCode,
    ).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: pia.cookie } })).statusCode).toBe(
      200,
    );
    const entry = (await auditActions()).find((a) => a.action === 'user.password' && a.target === 'user:pia');
    expect(entry?.detail).toMatchObject({ revokedTokens: 1, endedSessions: 1 });
  });

  it('are throttled after repeated wrong current passwords (429, audited), failures audited too', async () => {
    await createUser('gus', 'viewer');
    const gus = await login(t.app, 'gus', USER_PASSWORD);
    const attempt = (currentPassword: string) =>
      inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: gus.headers,
        payload: { currentPassword, newPassword: OTHER_PASSWORD },
      });
    for (let i = 0; i < 5; i++) {
      const r = await attempt(`wrong-guess-${i}`);
      expect(r.statusCode).toBe(400);
      expect(r.json().problems).toContainEqual(expect.objectContaining({ path: 'body.currentPassword' }));
    }
    // Now even the right current password is refused: the guessing is throttled.
    const r = await attempt(USER_PASSWORD);
    expect(r.statusCode).toBe(429);
    expect(r.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    const actions = (await auditActions()).filter((a) => a.target === 'user:gus').map((a) => a.action);
    expect(actions.filter((a) => a === 'user.password.failed')).toHaveLength(5);
    expect(actions).toContain('user.password.throttled');
    expect(actions).not.toContain('user.password');
  });

  it('by an admin (reset) revoke the user’s tokens and end their sessions', async () => {
    const id = await createUser('rob', 'admin');
    const rob = await login(t.app, 'rob', USER_PASSWORD);
    const token = await createToken(t.app, rob, 'admin', 'rob-token');
    expect((await patchUser(id, { password: OTHER_PASSWORD })).statusCode).toBe(200);
    expect(await canView(token)).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: rob.cookie } })).statusCode).toBe(
      401,
    );
    await login(t.app, 'rob', OTHER_PASSWORD);
  });

  it('a deleted user’s tokens are gone with them', async () => {
    const id = await createUser('del', 'admin');
    const del = await login(t.app, 'del', USER_PASSWORD);
    const token = await createToken(t.app, del, 'admin', 'del-token');
    expect(await canAdmin(token)).toBe(200);
    expect((await inject({ method: 'DELETE', url: `/api/v1/users/${id}`, headers: admin.headers })).statusCode).toBe(
      200,
    );
    expect(await canView(token)).toBe(401);
    const listed = (await inject({ method: 'GET', url: '/api/v1/tokens', headers: admin.headers })).json()
      .items as Array<{ name: string }>;
    expect(listed.map((x) => x.name)).not.toContain('del-token');
  });
});

describe('login throttling', () => {
  let th: TestApp;
  beforeAll(async () => {
    th = await makeApp(ns.name, { loginRateLimit: 3 });
    const s = await login(th.app);
    const r = await th.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: s.headers,
      payload: { username: 'vic', password: USER_PASSWORD, role: 'viewer' },
    });
    expect(r.statusCode).toBe(201);
  });
  afterAll(async () => {
    await th?.close();
  });

  it('throttles an address that keeps failing (even the right password), audited, while a clean address logs in', async () => {
    const attacker = '203.0.113.7';
    for (let i = 0; i < 3; i++) expect((await loginFrom(th.app, attacker, 'admin', `guess-${i}`)).statusCode).toBe(401);
    const refused = await loginFrom(th.app, attacker, 'admin', ADMIN_PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'rate_limited', retryAfterSeconds: expect.any(Number) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another username from the same address: the address itself is throttled.
    expect((await loginFrom(th.app, attacker, 'vic', USER_PASSWORD)).statusCode).toBe(429);
    // The admin at their desk is not locked out.
    expect((await loginFrom(th.app, '198.51.100.1', 'admin', ADMIN_PASSWORD)).statusCode).toBe(200);
    const s = await login(th.app);
    const audit = (await th.app.inject({ method: 'GET', url: '/api/v1/audit?limit=500', headers: s.headers })).json()
      .items as Array<{ action: string; detail: { ip?: string; scope?: string } }>;
    const throttled = audit.filter((a) => a.action === 'login.throttled' && a.detail.ip === attacker);
    // Audited once per throttled stretch, not once per refused request.
    expect(throttled).toHaveLength(1);
    expect(throttled[0]?.detail.scope).toBe('address');
  });

  it('throttles guessing of a username from the addresses that failed, not from a clean one', async () => {
    const addresses = ['203.0.113.21', '203.0.113.22', '203.0.113.23'];
    // One failure each: no address reaches its own limit, but the username does.
    for (const a of addresses) expect((await loginFrom(th.app, a, 'vic', 'not-the-password')).statusCode).toBe(401);
    for (const a of addresses) {
      const r = await loginFrom(th.app, a, 'vic', USER_PASSWORD);
      expect(r.statusCode).toBe(429);
      expect(r.json()).toMatchObject({ error: 'rate_limited' });
    }
    // Those addresses may still log in as someone else: it is this username that is protected.
    expect((await loginFrom(th.app, addresses[0] as string, 'admin', ADMIN_PASSWORD)).statusCode).toBe(200);
    // And the owner, from an address that has not failed, gets in.
    expect((await loginFrom(th.app, '198.51.100.2', 'vic', USER_PASSWORD)).statusCode).toBe(200);
  });

  it('never counts a successful login', async () => {
    const office = '198.51.100.3';
    for (let i = 0; i < 8; i++) expect((await loginFrom(th.app, office, 'vic', USER_PASSWORD)).statusCode).toBe(200);
  });
});

describe('password policy', () => {
  const weak: Array<[string, string, RegExp]> = [
    ['repeated', 'aaaaaaaaaaaa', /too easy to guess.*Repeated/],
    ['eleven characters', 'Xq7#vL9!pR2', /at least 12/],
    ['the username inside', 'Walt-Harbor-53-kiln', /username/],
    ['a NUL', 'Lantern-quietly\u0000-87', /control characters/],
    ['too long', `${'Lantern-quietly-87-orbit-'.repeat(11)}`, /at most 256/],
    ['a common word pattern', 'password1234', /too easy to guess/],
  ];

  it.each(weak)('refuses a new user’s password with %s (body.password)', async (_what, password, message) => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { username: 'walt', password, role: 'viewer' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().problems).toContainEqual(
      expect.objectContaining({ path: 'body.password', message: expect.stringMatching(message) }),
    );
  });

  it('refuses a weak admin reset (body.password) and a weak own change (body.newPassword); accepts strong ones', async () => {
    const id = await createUser('zoe', 'viewer');
    const reset = await patchUser(id, { password: 'zoe-is-great-1' });
    expect(reset.statusCode).toBe(400);
    expect(reset.json().problems).toContainEqual(
      expect.objectContaining({ path: 'body.password', message: expect.stringMatching(/username/) }),
    );
    const zoe = await login(t.app, 'zoe', USER_PASSWORD);
    const change = (newPassword: string) =>
      inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: zoe.headers,
        payload: { currentPassword: USER_PASSWORD, newPassword },
      });
    const weakChange = await change('qwertyuiop123');
    expect(weakChange.statusCode).toBe(400);
    expect(weakChange.json().problems).toContainEqual({
      path: 'body.newPassword',
      message: expect.stringMatching(/too easy to guess/),
      code: 'password.weak',
      params: { score: expect.any(Number), needs: 3 },
    });
    expect((await change(OTHER_PASSWORD)).statusCode).toBe(200);
  });

  it('applies to the first admin’s password, saying why', () => {
    for (const [password, why] of [
      ['short-pw', /at least 12/],
      ['admin-password-for-tests', /username/],
      ['aaaaaaaaaaaaaaaa', /too easy to guess/],
    ] as const) {
      const r = ServerConfig.safeParse({ adminPassword: password });
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => i.message).join('\n')).toMatch(why);
    }
    expect(ServerConfig.safeParse({ adminPassword: ADMIN_PASSWORD }).success).toBe(true);
  });
});

describe('ids are never reused', () => {
  it('gives a new user and a new token ids above those of deleted ones', async () => {
    const id = await createUser('ida', 'admin');
    const ida = await login(t.app, 'ida', USER_PASSWORD);
    await createToken(t.app, ida, 'viewer', 'ida-token');
    const tokens = (await inject({ method: 'GET', url: '/api/v1/tokens', headers: admin.headers })).json()
      .items as Array<{ id: number; name: string }>;
    const tokenId = tokens.find((x) => x.name === 'ida-token')?.id as number;
    expect((await inject({ method: 'DELETE', url: `/api/v1/users/${id}`, headers: admin.headers })).statusCode).toBe(
      200,
    );
    const next = await createUser('ida', 'viewer');
    expect(next).toBeGreaterThan(id);
    const created = await inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin.headers,
      payload: { name: 'after-ida', role: 'viewer' },
    });
    expect(created.json().id).toBeGreaterThan(tokenId);
  });

  it('migrates an older store to AUTOINCREMENT keeping users, sessions and tokens', () => {
    const dir = tempDir();
    try {
      const old = new Database(`${dir.path}/gatehouse.db`);
      old.exec(`
        CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')), created_at TEXT NOT NULL);
        CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          csrf TEXT NOT NULL, expires_at INTEGER NOT NULL);
        CREATE TABLE tokens (id INTEGER PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
          role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')), user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT);
        CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
          target TEXT NOT NULL, detail TEXT NOT NULL);
        INSERT INTO users VALUES (3, 'admin', 'scrypt$x', 'admin', '2024-01-01T00:00:00Z');
        INSERT INTO sessions VALUES ('h1', 3, 'c', ${Date.now() + 3_600_000});
        INSERT INTO tokens VALUES (4, 'kept', 'th4', 'gh_x', 'admin', 3, '2024-01-01T00:00:00Z', NULL, NULL);
        INSERT INTO audit VALUES (1, '2024-01-01T00:00:00Z', 'admin', 'token.create', 'token:9', '{}');
      `);
      old.close();
      const store = new Store(dir.path);
      try {
        const accounts = store.accounts;
        expect(accounts.getUser(3)).toMatchObject({ username: 'admin', role: 'admin', disabled: false });
        expect(accounts.findSession('h1')).toMatchObject({ userId: 3, username: 'admin' });
        expect(accounts.findActiveToken('th4')).toMatchObject({ id: 4, name: 'kept', effectiveRole: 'admin' });
        // Token 9 existed once (the audit log names it): the next one is 10.
        expect(
          accounts.createToken({ name: 'n', tokenHash: 'th-new', prefix: 'gh_y', role: 'viewer', userId: 3 }),
        ).toBe(10);
        const u = accounts.createUser('next', 'scrypt$y', 'viewer');
        accounts.deleteUser(u.id);
        expect(accounts.createUser('again', 'scrypt$z', 'viewer').id).toBe(u.id + 1);
        expect(store.integrityCheck()).toBe('ok');
      } finally {
        store.close();
      }
      // Opening a migrated store again changes nothing.
      const again = new Store(dir.path);
      expect(again.accounts.getToken(4)?.name).toBe('kept');
      again.close();
    } finally {
      dir.remove();
    }
  });
});

describe('auth request limits', () => {
  it('answers a login body over 16 KiB with 413 and a clear error, not a 5xx', async () => {
    const r = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'x'.repeat(20 * 1024) },
    });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ error: 'body_too_large', message: expect.stringMatching(/16384 bytes/) });
  });

  it('limits the length of every string in the auth bodies (field errors)', async () => {
    const long = 'a'.repeat(2000);
    const cases: Array<[InjectOptions, string]> = [
      [{ method: 'POST', url: '/api/v1/auth/login', payload: { username: long, password: 'x' } }, 'body.username'],
      [{ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: long } }, 'body.password'],
      [
        { method: 'POST', url: '/api/v1/tokens', headers: admin.headers, payload: { name: long, role: 'viewer' } },
        'body.name',
      ],
      [
        {
          method: 'POST',
          url: '/api/v1/auth/password',
          headers: admin.headers,
          payload: { currentPassword: long, newPassword: OTHER_PASSWORD },
        },
        'body.currentPassword',
      ],
    ];
    for (const [req, path] of cases) {
      const r = await inject(req);
      expect(r.statusCode, path).toBe(400);
      expect(r.json().problems).toContainEqual(expect.objectContaining({ path }));
    }
  });
});
