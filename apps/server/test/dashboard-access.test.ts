/**
 * Dashboard history and the admin's daily access work (issue #12): the
 * chart's history is bounded and ordered; the audit log filters, pages and
 * exports CSV that a spreadsheet cannot run, and viewers get login entries
 * without the client address; tokens expire and revoked or expired ones can
 * be removed; an admin resets another user's password.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { csvField } from '../src/lib/csv.js';
import { MetricsHistory } from '../src/services/metrics-history.js';
import {
  bearer,
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

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name);
  admin = await login(t.app);
  viewerToken = await createToken(t.app, admin, 'viewer', 'wall');
});

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

afterEach(() => {
  vi.useRealTimers();
});

const inject = (opts: InjectOptions) => t.app.inject(opts);

interface Entry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

const audit = async (query: string, headers: Record<string, string> = admin.headers) => {
  const r = await inject({ method: 'GET', url: `/api/v1/audit${query}`, headers });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { items: Entry[]; nextCursor: number | null };
};

/** A failed login from `address`, as the audit log records it. */
const failLogin = (username: string, address: string) =>
  inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: address,
    payload: { username, password: 'not-the-password' },
  });

describe('dashboard history', () => {
  it('keeps at most `capacity` samples, oldest first, and never goes back in time', () => {
    let flows = 0;
    const h = new MetricsHistory(() => ({ flows, expectations: flows * 2 }), { intervalMs: 1000, capacity: 3 });
    for (let at = 1000; at <= 5000; at += 1000) {
      flows = at / 1000;
      h.sample(at);
    }
    expect(h.samples()).toEqual([
      { at: 3000, flows: 3, expectations: 6 },
      { at: 4000, flows: 4, expectations: 8 },
      { at: 5000, flows: 5, expectations: 10 },
    ]);
    expect(h.samples(3500).map((s) => s.at)).toEqual([4000, 5000]);
    // A clock stepped back replaces the newest sample's figures instead of adding one out of order.
    flows = 9;
    h.sample(2000);
    expect(h.samples().map((s) => [s.at, s.flows])).toEqual([
      [3000, 3],
      [4000, 4],
      [5000, 9],
    ]);
  });

  it('serves the server-side samples to a viewer, ordered, and refuses strangers and bad input', async () => {
    const r = await inject({ method: 'GET', url: '/api/v1/status/history', headers: bearer(viewerToken) });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as { intervalMs: number; capacity: number; samples: Array<{ at: number; flows: number }> };
    expect(body.intervalMs).toBeGreaterThan(0);
    expect(body.capacity).toBeGreaterThan(0);
    // Sampled from the moment the server was ready.
    expect(body.samples.length).toBeGreaterThanOrEqual(1);
    const ats = body.samples.map((s) => s.at);
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
    const later = await inject({
      method: 'GET',
      url: `/api/v1/status/history?since=${Date.now() + 60_000}`,
      headers: bearer(viewerToken),
    });
    expect((later.json() as { samples: unknown[] }).samples).toEqual([]);
    expect((await inject({ method: 'GET', url: '/api/v1/status/history' })).statusCode).toBe(401);
    const bad = await inject({ method: 'GET', url: '/api/v1/status/history?since=yesterday', headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems[0].path).toContain('since');
  });
});

describe('audit log', () => {
  it('filters by action family, actor, target and time, and pages within a filter', async () => {
    const start = new Date().toISOString();
    for (const name of ['ana', 'bob', 'cyd']) {
      const r = await inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin.headers,
        payload: { username: `aud-${name}`, password: USER_PASSWORD, role: 'viewer' },
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    expect((await failLogin('aud-ana', '192.0.2.50')).statusCode).toBe(401);

    const logins = await audit('?action=login&limit=500');
    expect(logins.items.length).toBeGreaterThan(0);
    expect(logins.items.every((e) => e.action === 'login' || e.action.startsWith('login.'))).toBe(true);
    expect(logins.items.some((e) => e.action === 'login.failed')).toBe(true);
    // "login" is a family, not a prefix of any text: logout is not in it.
    expect((await audit('?action=log&limit=500')).items).toEqual([]);

    const created = await audit(`?action=user.create&target=aud-&since=${encodeURIComponent(start)}`);
    expect(created.items.map((e) => e.target)).toEqual(['user:aud-cyd', 'user:aud-bob', 'user:aud-ana']);
    expect((await audit('?actor=ADMIN&target=user%3Aaud-bob')).items.map((e) => e.action)).toEqual(['user.create']);
    // LIKE's wildcards are taken literally.
    expect((await audit('?target=%25')).items).toEqual([]);
    expect((await audit(`?action=user.create&until=${encodeURIComponent(start)}&target=aud-`)).items).toEqual([]);

    const first = await audit(`?action=user.create&target=aud-&limit=2`);
    expect(first.items.map((e) => e.target)).toEqual(['user:aud-cyd', 'user:aud-bob']);
    expect(first.nextCursor).toBe(first.items[1]?.id);
    const second = await audit(`?action=user.create&target=aud-&limit=2&before=${first.nextCursor}`);
    expect(second.items.map((e) => e.target)).toEqual(['user:aud-ana']);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses bad filters with a field message, never a 5xx', async () => {
    for (const [query, field] of [
      ['?since=last-week', 'since'],
      [`?actor=${'a'.repeat(65)}`, 'actor'],
      [`?target=${'t'.repeat(257)}`, 'target'],
      ['?limit=0', 'limit'],
    ] as const) {
      const r = await inject({ method: 'GET', url: `/api/v1/audit${query}`, headers: admin.headers });
      expect(r.statusCode, query).toBe(400);
      expect(JSON.stringify(r.json().problems)).toContain(field);
    }
  });

  it('gives viewers login entries without the client address; admins see it', async () => {
    expect((await failLogin('aud-ana', '198.51.100.77')).statusCode).toBe(401);
    const asAdmin = (await audit('?action=login.failed&target=aud-ana')).items;
    expect(asAdmin[0]?.detail).toEqual({ ip: '198.51.100.77' });
    const asViewer = (await audit('?action=login.failed&target=aud-ana', bearer(viewerToken))).items;
    expect(asViewer.length).toBe(asAdmin.length);
    expect(asViewer[0]?.action).toBe('login.failed');
    expect(JSON.stringify(asViewer)).not.toContain('198.51.100.77');
    expect(JSON.stringify(asViewer)).not.toContain('192.0.2.50');
    // Other entries keep their detail for viewers.
    const tokenCreate = (await audit('?action=token.create', bearer(viewerToken))).items[0];
    expect(tokenCreate?.detail).toMatchObject({ name: 'wall', role: 'viewer' });

    const csvViewer = await inject({
      method: 'GET',
      url: '/api/v1/audit.csv?action=login',
      headers: bearer(viewerToken),
    });
    expect(csvViewer.statusCode).toBe(200);
    expect(csvViewer.body).toContain('login.failed');
    expect(csvViewer.body).not.toContain('198.51.100.77');
    const csvAdmin = await inject({ method: 'GET', url: '/api/v1/audit.csv?action=login', headers: admin.headers });
    expect(csvAdmin.body).toContain('198.51.100.77');
  });

  it('exports CSV with a download name, quoting, and formula cells defused', async () => {
    const evil = '=HYPERLINK("http://x.test","a,b")';
    expect((await failLogin(evil, '203.0.113.9')).statusCode).toBe(401);
    expect((await failLogin('@SUM(1)', '203.0.113.9')).statusCode).toBe(401);
    const r = await inject({ method: 'GET', url: '/api/v1/audit.csv?action=login.failed', headers: admin.headers });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="gatehouse-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = r.body.split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,target,detail');
    expect(lines.at(-1)).toBe('');
    // Newest first: the '@' login, then the '=' one; quotes doubled, the formula prefixed with '.
    expect(lines[1]).toMatch(/^\d+,[^,]+,'@SUM\(1\),login\.failed,user:@SUM\(1\),"{""ip"":""203\.0\.113\.9""}"$/);
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x.test"",""a,b"")",login.failed`);
    for (const line of lines.slice(1, -1)) expect(line).not.toMatch(/(^|,)[=+\-@]/);
    // The same filters as the JSON log.
    const limited = await inject({
      method: 'GET',
      url: '/api/v1/audit.csv?action=login.failed&limit=1',
      headers: admin.headers,
    });
    expect(limited.body.split('\r\n')).toHaveLength(3);
    expect((await inject({ method: 'GET', url: '/api/v1/audit.csv' })).statusCode).toBe(401);
  });

  it('escapes every risky leading character and leaves plain text alone', () => {
    expect(csvField('-1+2')).toBe("'-1+2");
    expect(csvField('+cmd')).toBe("'+cmd");
    expect(csvField('\t=x')).toBe("'\t=x");
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });
});

describe('token expiry and removal', () => {
  const tokens = async () =>
    (await inject({ method: 'GET', url: '/api/v1/tokens', headers: admin.headers })).json().items as Array<{
      id: number;
      name: string;
      status: string;
      expiresAt: string | null;
    }>;

  it('refuses an expiry in the past or not a date, with the field named', async () => {
    for (const expiresAt of ['2001-01-01T00:00:00Z', 'tomorrow', 'x'.repeat(300)]) {
      const r = await inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: admin.headers,
        payload: { name: 'old', role: 'viewer', expiresAt },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().problems[0].path).toContain('expiresAt');
    }
  });

  it('refuses a token after its expiry like a revoked one, shows it expired, then removes it', async () => {
    // Seconds away, so that the moment after it falls inside the lookup cache's 5 s: the cache must refuse it too.
    const expiresAt = new Date(Date.now() + 2_000).toISOString();
    const r = await inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin.headers,
      payload: { name: 'temp', role: 'viewer', expiresAt: expiresAt.replace('Z', '+00:00') },
    });
    expect(r.statusCode, r.body).toBe(201);
    const created = r.json() as { id: number; token: string; expiresAt: string; status: string };
    expect(created).toMatchObject({ expiresAt, status: 'active' });
    // Used once before the expiry, so the lookup is cached: the cache must not outlive the expiry.
    expect(
      (await inject({ method: 'GET', url: '/api/v1/status/history', headers: bearer(created.token) })).statusCode,
    ).toBe(200);
    const active = await inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${created.id}?purge=true`,
      headers: admin.headers,
    });
    expect(active.statusCode).toBe(409);
    expect(active.json().error).toBe('token_active');

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(expiresAt) + 500);
    const refused = await inject({ method: 'GET', url: '/api/v1/status/history', headers: bearer(created.token) });
    expect(refused.statusCode).toBe(401);
    expect((await tokens()).find((tk) => tk.id === created.id)?.status).toBe('expired');

    const removed = await inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${created.id}?purge=true`,
      headers: admin.headers,
    });
    expect(removed.statusCode, removed.body).toBe(200);
    vi.useRealTimers();
    expect((await tokens()).some((tk) => tk.id === created.id)).toBe(false);
    expect((await audit(`?action=token.remove&target=token:${created.id}`)).items).toHaveLength(1);
    const again = await inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${created.id}?purge=true`,
      headers: admin.headers,
    });
    expect(again.statusCode).toBe(404);
  });

  it('removes a revoked token; a viewer may not', async () => {
    const token = await createToken(t.app, admin, 'viewer', 'to-remove');
    const id = (await tokens()).find((tk) => tk.name === 'to-remove')?.id as number;
    expect((await inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: admin.headers })).statusCode).toBe(
      200,
    );
    expect((await tokens()).find((tk) => tk.id === id)?.status).toBe('revoked');
    const asViewer = await inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${id}?purge=true`,
      headers: bearer(viewerToken),
    });
    expect(asViewer.statusCode).toBe(403);
    const bad = await inject({ method: 'DELETE', url: `/api/v1/tokens/${id}?purge=yes`, headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect(
      (await inject({ method: 'DELETE', url: `/api/v1/tokens/${id}?purge=true`, headers: admin.headers })).statusCode,
    ).toBe(200);
    expect((await tokens()).some((tk) => tk.id === id)).toBe(false);
    expect((await inject({ method: 'GET', url: '/api/v1/status', headers: bearer(token) })).statusCode).toBe(401);
  });
});

describe('API description', () => {
  it('documents the new routes, the CSV one as text/csv', async () => {
    const r = await inject({ method: 'GET', url: '/api/v1/openapi.json', headers: admin.headers });
    expect(r.statusCode).toBe(200);
    const paths = r.json().paths;
    expect(paths).toHaveProperty(['/api/v1/status/history']);
    expect(Object.keys(paths['/api/v1/audit.csv'].get.responses['200'].content)).toEqual(['text/csv']);
  });
});

describe("an admin resets another user's password", () => {
  it('ends their sessions and tokens; the old password stops working, the new one works; audited', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { username: 'reset-me', password: USER_PASSWORD, role: 'viewer' },
    });
    const id = (created.json() as { id: number }).id;
    const theirs = await login(t.app, 'reset-me', USER_PASSWORD);

    const weak = await inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers: admin.headers,
      payload: { password: 'reset-me-1234567' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().problems[0].path).toBe('body.password');

    const r = await inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers: admin.headers,
      payload: { password: OTHER_PASSWORD },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: theirs.headers })).statusCode).toBe(401);
    expect(
      (
        await inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'reset-me', password: USER_PASSWORD },
        })
      ).statusCode,
    ).toBe(401);
    await login(t.app, 'reset-me', OTHER_PASSWORD);
    const entry = (await audit('?action=user.update&target=user:reset-me')).items[0];
    expect(entry?.detail).toMatchObject({ password: true, endedSessions: 1 });
  });
});
