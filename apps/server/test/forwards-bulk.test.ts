/**
 * Bulk actions, import and hit totals of the forward list, through
 * app.inject against a throwaway network namespace (nft runs there for real).
 */
import { createRunner } from '@gatehouse/rules';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  controllableRunner,
  createNetns,
  createToken,
  LAB_MODEL,
  login,
  makeApp,
  type Netns,
  type Session,
  type TestApp,
} from './helpers.js';

const FORWARDS = [
  { id: 'web', name: 'Web', publicPorts: '80', target: '192.168.1.2' },
  { id: 'mail', name: 'Mail', publicPorts: '25', target: '192.168.1.2' },
  { id: 'dns', name: 'DNS', protocol: 'udp', publicPorts: '53', target: '192.168.1.3' },
];

let ns: Netns;
let t: TestApp;
let admin: Session;
let viewerToken: string;
let ctl: ReturnType<typeof controllableRunner>['control'];

beforeAll(async () => {
  ns = createNetns();
  const c = controllableRunner(ns.name);
  ctl = c.control;
  t = await makeApp(ns.name, {}, c.runner);
  admin = await login(t.app);
  viewerToken = await createToken(t.app, admin, 'viewer');
});

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

const inject = (opts: InjectOptions) => t.app.inject(opts);

async function reset(forwards: Array<Record<string, unknown>> = FORWARDS): Promise<string> {
  const cur = await inject({ method: 'GET', url: '/api/v1/config', headers: admin.headers });
  const r = await inject({
    method: 'PUT',
    url: '/api/v1/config',
    headers: { ...admin.headers, 'if-match': String(cur.headers.etag) },
    payload: { ...LAB_MODEL, forwards },
  });
  expect(r.statusCode).toBe(200);
  return String(r.headers.etag);
}

async function forwards(): Promise<Array<{ id: string; name: string; enabled: boolean }>> {
  const r = await inject({ method: 'GET', url: '/api/v1/forwards', headers: admin.headers });
  return r.json().items;
}

const bulk = (payload: Record<string, unknown>, headers: Record<string, string> = {}, query = '') =>
  inject({ method: 'POST', url: `/api/v1/forwards/bulk${query}`, headers: { ...admin.headers, ...headers }, payload });

async function kernelTable(): Promise<string> {
  const r = await createRunner({ netns: ns.name }).run('nft', ['list', 'table', 'ip', 'gatehouse'], { reject: false });
  return r.stdout;
}

describe('POST /forwards/bulk', () => {
  it('disables, enables and deletes many forwards, one new version each', async () => {
    const etag = await reset();
    const off = await bulk({ action: 'disable', ids: ['web', 'dns'] }, { 'if-match': etag });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toEqual({ action: 'disable', changed: 2, total: 3 });
    expect(off.headers.etag).toBe(`"v${Number(/\d+/.exec(etag)?.[0]) + 1}"`);
    expect((await forwards()).map((f) => [f.id, f.enabled])).toEqual([
      ['web', false],
      ['mail', true],
      ['dns', false],
    ]);
    const on = await bulk({ action: 'enable', ids: ['web', 'mail'] });
    expect(on.json()).toMatchObject({ changed: 1 });
    expect((await forwards()).map((f) => f.enabled)).toEqual([true, true, false]);
    const del = await bulk({ action: 'delete', ids: ['mail', 'dns'] });
    expect(del.json()).toEqual({ action: 'delete', changed: 2, total: 1 });
    expect((await forwards()).map((f) => f.id)).toEqual(['web']);
  });

  it('refuses a stale ETag with 412 and changes nothing', async () => {
    const etag = await reset();
    await bulk({ action: 'disable', ids: ['web'] });
    const r = await bulk({ action: 'delete', ids: ['mail'] }, { 'if-match': etag });
    expect(r.statusCode).toBe(412);
    expect((await forwards()).map((f) => f.id)).toEqual(['web', 'mail', 'dns']);
  });

  it('names unknown and repeated ids by their place in the request, never a 5xx', async () => {
    await reset();
    const r = await bulk({ action: 'delete', ids: ['web', 'nope', 'web'] });
    expect(r.statusCode).toBe(400);
    expect(r.json().problems).toEqual([
      expect.objectContaining({ path: 'body.ids.1', message: 'no forward "nope"' }),
      expect.objectContaining({ path: 'body.ids.2', message: '"web" is named twice' }),
    ]);
    expect((await forwards()).length).toBe(3);
    const bad = await bulk({ action: 'explode', ids: [] });
    expect(bad.statusCode).toBe(400);
    const paths = (bad.json().problems as Array<{ path: string }>).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['body.action', 'body.ids']));
    const long = await bulk({ action: 'delete', ids: ['x'.repeat(41)] });
    expect(long.statusCode).toBe(400);
    expect(long.json().problems[0].path).toBe('body.ids.0');
  });

  it('enabling a forward that now overlaps another names it by its id', async () => {
    await reset([
      { id: 'a', name: 'A', publicPorts: '80', target: '192.168.1.2' },
      { id: 'b', name: 'B', publicPorts: '80', target: '192.168.1.3', enabled: false },
    ]);
    const r = await bulk({ action: 'enable', ids: ['b'] });
    expect(r.statusCode).toBe(400);
    const problems = r.json().problems as Array<{ path: string }>;
    expect(problems.some((p) => p.path === 'body.ids.0')).toBe(true);
  });

  it('needs an admin: a viewer is refused, no credentials are 401', async () => {
    await reset();
    const anon = await inject({
      method: 'POST',
      url: '/api/v1/forwards/bulk',
      payload: { action: 'delete', ids: ['web'] },
    });
    expect(anon.statusCode).toBe(401);
    const viewer = await inject({
      method: 'POST',
      url: '/api/v1/forwards/bulk',
      headers: bearer(viewerToken),
      payload: { action: 'delete', ids: ['web'] },
    });
    expect(viewer.statusCode).toBe(403);
    expect((await forwards()).length).toBe(3);
  });

  it('?apply=true applies it at once, and undoes it as a new version when nft refuses', async () => {
    await reset();
    const r = await bulk({ action: 'disable', ids: ['web'] }, {}, '?apply=true');
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-gatehouse-revision']).toBeDefined();
    const table = await kernelTable();
    expect(table).toContain('forward mail');
    expect(table).not.toContain('forward web');

    ctl.failCheckWith = 'Error: Could not process rule: No such file or directory';
    const failed = await bulk({ action: 'disable', ids: ['mail'] }, {}, '?apply=true');
    expect(failed.statusCode).toBeGreaterThanOrEqual(400);
    expect(failed.statusCode).toBeLessThan(600);
    expect((await forwards()).find((f) => f.id === 'mail')?.enabled).toBe(true);
    expect(await kernelTable()).toContain('forward mail');
  });
});

describe('POST /forwards/import', () => {
  const post = (payload: Record<string, unknown>) =>
    inject({ method: 'POST', url: '/api/v1/forwards/import', headers: admin.headers, payload });

  it('merges by id: replaces the same ids, adds the others', async () => {
    await reset();
    const r = await post({
      mode: 'merge',
      forwards: [
        { id: 'mail', name: 'Mail 2', publicPorts: '587', target: '192.168.1.2' },
        { id: 'ssh', name: 'SSH', publicPorts: '2200', target: '192.168.1.2', targetPort: 22 },
      ],
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ added: 1, replaced: 1, removed: 0, total: 4 });
    const list = await forwards();
    expect(list.map((f) => f.id)).toEqual(['web', 'mail', 'dns', 'ssh']);
    expect(list[1]?.name).toBe('Mail 2');
  });

  it('replaces the list when asked to', async () => {
    await reset();
    const r = await post({ mode: 'replace', forwards: [FORWARDS[2]] });
    expect(r.json()).toEqual({ added: 0, replaced: 1, removed: 2, total: 1 });
    expect((await forwards()).map((f) => f.id)).toEqual(['dns']);
  });

  it('validates the result as a whole and names the imported entry', async () => {
    await reset();
    const overlap = await post({
      mode: 'merge',
      forwards: [{ id: 'www', name: 'WWW', publicPorts: '80', target: '192.168.1.9' }],
    });
    expect(overlap.statusCode).toBe(400);
    const paths = (overlap.json().problems as Array<{ path: string }>).map((p) => p.path);
    expect(paths.some((p) => p.startsWith('body.forwards.0'))).toBe(true);
    const field = await post({
      mode: 'merge',
      forwards: [{ id: 'ウェブ', name: 'x', publicPorts: '99999', target: 'a' }],
    });
    expect(field.statusCode).toBe(400);
    const fp = (field.json().problems as Array<{ path: string }>).map((p) => p.path);
    expect(fp).toEqual(expect.arrayContaining(['body.forwards.0.id', 'body.forwards.0.publicPorts']));
    const mode = await post({ mode: 'append', forwards: [] });
    expect(mode.statusCode).toBe(400);
    expect(mode.json().problems[0].path).toBe('body.mode');
    expect((await forwards()).length).toBe(3);
  });

  it('needs an admin', async () => {
    const viewer = await inject({
      method: 'POST',
      url: '/api/v1/forwards/import',
      headers: bearer(viewerToken),
      payload: { mode: 'replace', forwards: [] },
    });
    expect(viewer.statusCode).toBe(403);
  });
});

describe('GET /forwards/hits', () => {
  it('lists a total and its since per applied forward, for viewers too', async () => {
    await reset();
    const applied = await inject({ method: 'POST', url: '/api/v1/apply', headers: admin.headers, payload: {} });
    expect(applied.statusCode).toBe(200);
    const r = await inject({ method: 'GET', url: '/api/v1/forwards/hits', headers: bearer(viewerToken) });
    expect(r.statusCode).toBe(200);
    const items = r.json().items as Array<{ forwardId: string; packets: number; since: string }>;
    expect(items.map((i) => i.forwardId).sort()).toEqual(['dns', 'mail', 'web']);
    expect(items.every((i) => i.packets === 0 && !Number.isNaN(Date.parse(i.since)))).toBe(true);
    const anon = await inject({ method: 'GET', url: '/api/v1/forwards/hits' });
    expect(anon.statusCode).toBe(401);
  });
});
