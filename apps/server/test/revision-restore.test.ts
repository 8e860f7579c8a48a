/**
 * "Restore" for revisions that did not stay loaded (POST /revisions/:id/restore),
 * in a namespace of our own: a revision nft rejected and one rolled back
 * unconfirmed put their model back as the desired state (nothing loaded, the
 * live table untouched), then it can be fixed and applied; a revision that
 * applied fine is rolled back to instead (409).
 */
import { LAB_ADDR } from '@gatehouse/lab';
import { createRunner, type Runner } from '@gatehouse/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectApi, type Json } from './api-call.js';
import { bearer, createNetns, createToken, LAB_MODEL, login, makeApp, type Netns, type TestApp } from './helpers.js';

let ns: Netns;
let t: TestApp;
/** The next `nft -f` fails with this stderr, after nft would have started (so the revision keeps its model, as with a real refusal). */
let failNextLoad: string | null = null;
let admin: string;
let viewer: string;

const api = (method: string, url: string, payload?: unknown, token = admin, headers: Record<string, string> = {}) =>
  injectApi(t.app, method, url, { ...bearer(token), ...headers }, payload);

const table = () => ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
const forward = (id: string, port: string) => ({ id, name: id, publicPorts: port, target: LAB_ADDR.server });

beforeAll(async () => {
  ns = createNetns();
  const real = createRunner({ netns: ns.name });
  const runner: Runner = {
    netns: ns.name,
    async run(command, args, opts) {
      if (command === 'nft' && args.includes('-f') && failNextLoad !== null) {
        const stderr = failNextLoad;
        failNextLoad = null;
        opts?.onSpawn?.();
        return { command, args, exitCode: 1, stdout: '', stderr, durationMs: 1 };
      }
      return real.run(command, args, opts);
    },
    stream: (command, args, handlers) => real.stream(command, args, handlers),
  };
  t = await makeApp(ns.name, {}, runner);
  const session = await login(t.app);
  admin = await createToken(t.app, session, 'admin');
  viewer = await createToken(t.app, session, 'viewer', 'v');
  const cfg = await api('GET', '/config');
  const put = await api('PUT', '/config?apply=true', { ...LAB_MODEL, forwards: [forward('ssh', '22')] }, admin, {
    'if-match': cfg.etag,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}, 30_000);

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('restoring a revision that did not stay loaded', () => {
  it('a revision nft rejected: its model is the desired state again, the live table untouched', async () => {
    const good = await api('GET', '/revisions?limit=1');
    const liveBefore = await table();
    await api('POST', '/forwards', forward('web', '8080'));
    failNextLoad = '/dev/stdin:9:3-20: Error: Could not process rule: No such file or directory';
    const failed = await api('POST', '/apply', {});
    expect(failed.status).toBe(422);
    const rejected = (await api('GET', '/revisions?limit=1')).body.items[0];
    expect(rejected).toMatchObject({ status: 'failed' });
    // The rejected change is discarded; later the operator wants it back to fix it.
    expect((await api('POST', '/pending/discard', {})).status).toBe(200);
    expect((await api('GET', '/pending')).body.changed).toBe(false);

    expect((await api('POST', `/revisions/${rejected.id}/restore`, {}, viewer)).status).toBe(403);
    const cfg = await api('GET', '/config');
    const stale = await api('POST', `/revisions/${rejected.id}/restore`, {}, admin, { 'if-match': '"v1"' });
    expect(stale.status, JSON.stringify(stale.body)).toBe(412);
    const r = await api('POST', `/revisions/${rejected.id}/restore`, {}, admin, { 'if-match': cfg.etag });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.etag).toBe(`"v${r.body.version}"`);
    expect(r.body.sentences.map((s: Json) => s.code)).toEqual(['forward-added']);
    expect((await api('GET', '/forwards/web')).status).toBe(200);
    expect((await api('GET', '/pending')).body.changed).toBe(true);
    // Nothing was loaded: the live table and the active revision are as before.
    expect(await table()).toBe(liveBefore);
    expect((await api('GET', '/revisions?limit=1')).body.items[0].id).toBe(rejected.id);
    expect(good.body.items[0].active).toBe(true);
    // Fixed (here: nft accepts it now) and applied anew.
    const again = await api('POST', '/apply', {});
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(await table()).toMatch(/8080/);
  });

  it('a provisional revision rolled back unconfirmed is restored the same way', async () => {
    await api('POST', '/forwards', forward('mail', '2525'));
    const provisional = await api('POST', '/apply', { confirmWithinSeconds: 60 });
    expect(provisional.status, JSON.stringify(provisional.body)).toBe(200);
    expect((await api('POST', '/apply/rollback-now', {})).status).toBe(200);
    const undone = (await api('GET', `/revisions/${provisional.body.revision.id}`)).body;
    expect(undone.status).toBe('rolled-back');
    expect(await table()).not.toMatch(/2525/);
    await api('POST', '/pending/discard', {});
    const r = await api('POST', `/revisions/${undone.id}/restore`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await api('GET', '/forwards/mail')).status).toBe(200);
    expect(await table()).not.toMatch(/2525/);
  });

  it('a revision that applied fine is rolled back to, not restored; an unknown one is 404', async () => {
    const items = (await api('GET', '/revisions?limit=20')).body.items as Json[];
    const confirmed = items.find((i) => i.status === 'confirmed' || i.status === 'superseded');
    const r = await api('POST', `/revisions/${confirmed.id}/restore`, {});
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'not_rejected', params: { id: confirmed.id } });
    expect((await api('POST', '/revisions/99999/restore', {})).status).toBe(404);
  });
});
