/**
 * Every route through app.inject, against a throwaway network namespace (nft
 * runs for real there, never on the host): validation, authentication and
 * roles, CSRF, ETags, applies and their conflicts, revisions. The route table's
 * role checks, users and tokens are in api-roles.test.ts; one-forward delta
 * applies in api-deltas.test.ts.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FTP_FORWARD } from './api-routes.js';
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
  type Session,
  sleep,
  type TestApp,
  waitFor,
} from './helpers.js';

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
