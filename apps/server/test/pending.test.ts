/**
 * Pending changes and their repair through the API (routes/pending.ts), in a
 * namespace of our own: the plain-words summary, discard, roll back now,
 * drift restore and comparing a revision with the live one. Each kernel claim
 * is read back with nft.
 */
import { LAB_ADDR } from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectApi, type Json } from './api-call.js';
import { bearer, createNetns, createToken, LAB_MODEL, login, makeApp, type Netns, type TestApp } from './helpers.js';

let ns: Netns;
let t: TestApp;
let admin: string;
let viewer: string;

const api = (method: string, url: string, payload?: unknown, token = admin, headers: Record<string, string> = {}) =>
  injectApi(t.app, method, url, { ...bearer(token), ...headers }, payload);

/** Our table as nft lists it; '' when there is none. */
async function table(): Promise<string> {
  try {
    return ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
  } catch {
    return '';
  }
}
const web = { id: 'web', name: 'web', publicPorts: '8080', target: LAB_ADDR.server, targetPort: 80 };
const ssh = { id: 'ssh', name: 'ssh', publicPorts: '22', target: LAB_ADDR.server };

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name);
  const session = await login(t.app);
  admin = await createToken(t.app, session, 'admin');
  viewer = await createToken(t.app, session, 'viewer', 'v');
  const cfg = await api('GET', '/config');
  const put = await api('PUT', '/config?apply=true', { ...LAB_MODEL, forwards: [ssh] }, admin, {
    'if-match': cfg.etag,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}, 30_000);

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('pending changes', () => {
  it('GET /pending says nothing when the desired model is the applied one', async () => {
    const r = await api('GET', '/pending', undefined, viewer);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ changed: false, sentences: [], lastRejected: null });
  });

  it('an added forward shows in plain words; a viewer reads it but cannot discard', async () => {
    expect((await api('POST', '/forwards', web)).status).toBe(201);
    const r = await api('GET', '/pending', undefined, viewer);
    expect(r.body.changed).toBe(true);
    expect(r.body.sentences.map((s: Json) => s.text)).toEqual(['forward web added: tcp 8080 -> 192.168.1.2:80']);
    expect(r.body.sentences[0]).toMatchObject({ code: 'forward-added', params: { id: 'web' } });
    const denied = await api('POST', '/pending/discard', {}, viewer);
    expect(denied.status).toBe(403);
  });

  it('bad input is a field-level 400, never a 5xx', async () => {
    const r = await api('POST', '/pending/discard', { comment: 'x'.repeat(300) });
    expect(r.status).toBe(400);
    expect(r.body.problems[0].path).toContain('comment');
    expect((await api('GET', '/revisions/abc/compare')).status).toBe(400);
    expect((await api('GET', '/revisions/999999/compare')).status).toBe(404);
    const stale = await api('POST', '/pending/discard', {}, admin, { 'if-match': '"v1"' });
    expect(stale.status).toBe(412);
  });

  it('discard puts the applied model back as a new version; the kernel is untouched', async () => {
    const before = await api('GET', '/config');
    const kernel = await table();
    const r = await api('POST', '/pending/discard', {}, admin, { 'if-match': before.etag });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.changed).toBe(true);
    expect(r.etag).not.toBe(before.etag);
    const after = await api('GET', '/config');
    expect(after.body.forwards.map((f: Json) => f.id)).toEqual(['ssh']);
    expect((await api('GET', '/pending')).body.changed).toBe(false);
    expect(await table()).toBe(kernel);
    // Nothing left: a second discard changes nothing.
    expect((await api('POST', '/pending/discard')).body.changed).toBe(false);
  });
});

describe('roll back now', () => {
  it('refuses with 409 when nothing is provisional', async () => {
    const r = await api('POST', '/apply/rollback-now', {});
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('nothing_to_roll_back');
  });

  it('undoes a provisional apply at once; the change stays desired and is named as rejected', async () => {
    expect((await api('POST', '/forwards', web)).status).toBe(201);
    const applied = await api('POST', '/apply', { confirmWithinSeconds: 300 });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const provisional = applied.body.revision.id;
    expect(await table()).toContain('8080');
    expect((await api('POST', '/apply/rollback-now', {}, viewer)).status).toBe(403);

    const r = await api('POST', '/apply/rollback-now', {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.restoredFrom).toBe(applied.body.pending.previousRevisionId);
    expect(await table()).not.toContain('8080');
    expect((await api('GET', '/apply/pending')).body.pending).toBeNull();
    expect((await api(`GET`, `/revisions/${provisional}`)).body.status).toBe('rolled-back');

    const p = await api('GET', '/pending');
    expect(p.body.changed).toBe(true);
    expect(p.body.lastRejected).toMatchObject({ revisionId: provisional, kind: 'rollback' });
  });

  it('compares the rejected revision with the live one: what restoring it would change', async () => {
    const list = await api('GET', '/revisions?limit=5');
    const rejected = list.body.items.find((r: Json) => r.status === 'rolled-back');
    const c = await api('GET', `/revisions/${rejected.id}/compare`, undefined, viewer);
    expect(c.status).toBe(200);
    expect(c.body.currentRevisionId).toBe(list.body.items[0].id);
    expect(c.body.sentences.map((s: Json) => s.code)).toEqual(['forward-added']);
    expect(c.body.diff).toMatch(/^\+.*8080/m);
    expect(c.body.restorable).toBe(true);
    // The live revision against itself: nothing.
    const self = await api('GET', `/revisions/${list.body.items[0].id}/compare`);
    expect(self.body).toMatchObject({ diff: '', sentences: [] });
    await api('POST', '/pending/discard');
  });
});

describe('drift restore', () => {
  it('loads the active revision again after a hand change; viewers may not', async () => {
    const before = await table();
    expect(before).toContain('ssh');
    await ns.exec('nft', ['delete', 'table', 'ip', 'gatehouse']);
    expect(await table()).toBe('');
    expect((await api('POST', '/drift/restore', {}, viewer)).status).toBe(403);
    const r = await api('POST', '/drift/restore', {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await table()).toBe(before);
    expect(r.body.revisionId).not.toBeNull();
  });
});
