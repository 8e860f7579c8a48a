/**
 * Drift repaired by adoption, in the lab: a forward added by hand with
 * `nft add element` inside the gateway's namespace is seen as drift, read back
 * as a forward (GET /drift/adoption), adopted into the desired model (POST
 * /drift/adopt), applied, and a real client on the public side then reaches
 * the server through it (and could not before). A hand change the model
 * cannot say is refused with the rule named.
 */
import { createLab, LAB_ADDR, LAB_BANNER, type Lab, tcpBanner } from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createToken, LAB_MODEL, login, makeApp, type TestApp, waitFor } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

let lab: Lab;
let t: TestApp;
let admin: string;

async function api(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const r = await t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...bearer(admin), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, body: r.body ? (r.json() as Json) : null, etag: String(r.headers.etag ?? '') };
}

const nft = (...args: string[]) => lab.exec('gateway', 'nft', args);
const drift = () => api('GET', '/status').then((r) => r.body.drift.state as string);
/** The public side reaching the server's ssh stand-in on public port 2200. */
const reach2200 = () => tcpBanner(lab, { port: 2200, timeoutMs: 1500 });

beforeAll(async () => {
  lab = await createLab();
  t = await makeApp(lab.ns.gateway, { driftIntervalMs: 300 });
  admin = await createToken(t.app, await login(t.app), 'admin');
  const cfg = await api('GET', '/config');
  const model = { ...LAB_MODEL, forwards: [{ id: 'ftp', name: 'FTP', publicPorts: '21', target: LAB_ADDR.server }] };
  const put = await api('PUT', '/config?apply=true', model, { 'if-match': cfg.etag });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await lab?.destroy();
});

describe('adopting a hand change', () => {
  it('a forward added by hand is adopted into the model, applied, and carries real traffic', async () => {
    expect((await reach2200()).ok).toBe(false);
    await nft('add', 'element', 'ip', 'gatehouse', 'forward_tcp_new_port', `{ 2200 : ${LAB_ADDR.server} . 22 }`);
    await waitFor('drift', async () => (await drift()) === 'drifted');

    const preview = await api('GET', '/drift/adoption');
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ changed: true, adoptable: true, unexpressible: [], replacesPending: false });
    expect(preview.body.sentences).toEqual([
      {
        code: 'forward-added',
        params: { id: 'hand-tcp-2200', rule: `tcp 2200 -> ${LAB_ADDR.server}:22` },
        text: `forward hand-tcp-2200 added: tcp 2200 -> ${LAB_ADDR.server}:22`,
      },
    ]);

    // An old ETag is refused: the desired model moved on.
    expect((await api('POST', '/drift/adopt', {}, { 'if-match': '"v1"' })).status).toBe(412);
    const adopted = await api('POST', '/drift/adopt', {}, { 'if-match': preview.etag });
    expect(adopted.status, JSON.stringify(adopted.body)).toBe(200);
    expect(adopted.etag).toBe(`"v${adopted.body.version}"`);
    const pending = await api('GET', '/pending');
    expect(pending.body.changed).toBe(true);
    expect(pending.body.sentences.map((s: Json) => s.code)).toEqual(['forward-added']);
    expect((await api('GET', '/forwards/hand-tcp-2200')).body).toMatchObject({
      publicPorts: '2200',
      target: LAB_ADDR.server,
      targetPort: 22,
    });

    const applied = await api('POST', '/apply', { comment: 'adopted by hand change' });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    await waitFor('in sync', async () => (await drift()) === 'in-sync');
    const r = await reach2200();
    expect(r.ok, r.error).toBe(true);
    expect(r.banner).toBe(LAB_BANNER.server);
  }, 60_000);

  it('a hand change the model cannot say is refused, naming the rule; nothing is stored', async () => {
    const before = await api('GET', '/config');
    await nft(
      'add',
      'rule',
      'ip',
      'gatehouse',
      'dnat_prerouting',
      'tcp',
      'dport',
      '2300',
      'dnat',
      'to',
      `${LAB_ADDR.server}:22`,
    );
    await waitFor('drift', async () => (await drift()) === 'drifted');
    const preview = await api('GET', '/drift/adoption');
    expect(preview.body.adoptable).toBe(false);
    expect(preview.body.unexpressible).toEqual([
      {
        code: 'adopt.rule',
        params: { chain: 'dnat_prerouting', rule: `tcp dport 2300 dnat to ${LAB_ADDR.server}:22` },
        text: `rule in chain dnat_prerouting: tcp dport 2300 dnat to ${LAB_ADDR.server}:22`,
      },
    ]);
    const refused = await api('POST', '/drift/adopt', {}, { 'if-match': before.etag });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('drift_not_adoptable');
    expect(refused.body.message).toContain('this hand change cannot be adopted: rule in chain dnat_prerouting');
    expect(refused.body.problems[0]).toMatchObject({ code: 'adopt.rule', params: { chain: 'dnat_prerouting' } });
    expect((await api('GET', '/config')).etag).toBe(before.etag);
    // Restore is the repair left: the rule is gone again.
    expect((await api('POST', '/drift/restore', {})).status).toBe(200);
    await waitFor('in sync', async () => (await drift()) === 'in-sync');
    expect(
      (await lab.exec('gateway', 'nft', ['list', 'chain', 'ip', 'gatehouse', 'dnat_prerouting'])).stdout,
    ).not.toMatch(/2300/);
  }, 60_000);

  it('with nothing changed by hand there is nothing to adopt', async () => {
    const preview = await api('GET', '/drift/adoption');
    expect(preview.body).toMatchObject({ changed: false, adoptable: true, sentences: [] });
    expect((await api('POST', '/drift/adopt', {})).body.error).toBe('nothing_to_adopt');
  });
});
