/**
 * Issue #10 (6b): a change sent with ?apply=true whose apply fails leaves no
 * trace in the desired state: GET /config answers with the body as before, under
 * a new ETag (neither the one before nor the failed change's),
 * and a later, unrelated change applies. nft's rejection is provoked through
 * the test runner (the next `nft -f` fails), in a namespace of our own.
 */
import { LAB_ADDR } from '@gatehouse/lab';
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
  type TestApp,
} from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

let ns: Netns;
let t: TestApp;
let token: string;
let control: ReturnType<typeof controllableRunner>['control'];

const NFT_SAYS = '/dev/stdin:1:1-5: Error: Could not process rule: Operation not supported\n';

async function api(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const r = await t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...bearer(token), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, body: r.body ? (r.json() as Json) : null, etag: String(r.headers.etag ?? '') };
}

async function desired() {
  const r = await api('GET', '/config');
  expect(r.status).toBe(200);
  return { body: r.body, etag: r.etag };
}

/** The desired state after a failed ?apply=true: content as before, ETag new (not the failed change's). */
async function expectReverted(before: { body: Json; etag: string }) {
  const now = await desired();
  expect(now.body).toEqual(before.body);
  expect(now.etag).not.toBe(before.etag);
  const v = (e: string) => Number(/\d+/.exec(e)?.[0]);
  // before -> the failed change (before + 1) -> the revert (before + 2).
  expect(v(now.etag)).toBe(v(before.etag) + 2);
  return now;
}

async function tableListing(): Promise<string> {
  return ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
}

const web = { id: 'web', name: 'web', publicPorts: '80', target: LAB_ADDR.server };
const mail = { id: 'mail', name: 'mail', publicPorts: '25', target: LAB_ADDR.server };

beforeAll(async () => {
  ns = createNetns();
  const c = controllableRunner(ns.name);
  control = c.control;
  t = await makeApp(ns.name, {}, c.runner);
  token = await createToken(t.app, await login(t.app), 'admin');
  const cfg = await desired();
  const put = await api('PUT', '/config?apply=true', { ...LAB_MODEL, forwards: [web] }, { 'if-match': cfg.etag });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}, 30_000);

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('a failed ?apply=true undoes its change', () => {
  it('POST /forwards?apply=true rejected by nft: 422, desired state and ETag as before, kernel untouched', async () => {
    const before = await desired();
    const kernel = await tableListing();
    control.failCheckWith = NFT_SAYS;
    const r = await api('POST', '/forwards?apply=true', mail, { 'if-match': before.etag });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.error).toBe('nft_rejected');
    await expectReverted(before);
    expect(await tableListing()).toBe(kernel);
    expect((await api('GET', '/forwards/mail')).status).toBe(404);
  });

  it('a later unrelated change applies, without the rejected one', async () => {
    const before = await desired();
    const r = await api(
      'POST',
      '/forwards?apply=true',
      { id: 'dns', name: 'dns', publicPorts: '53', protocol: 'udp', target: LAB_ADDR.server },
      {
        'if-match': before.etag,
      },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const kernel = await tableListing();
    expect(kernel).toContain('forward dns');
    expect(kernel).not.toContain('forward mail');
    const after = await desired();
    expect(after.body.forwards.map((f: Json) => f.id)).toEqual(['web', 'dns']);
  });

  it('PUT and DELETE of a forward rejected by nft: the forward keeps its body and position', async () => {
    const before = await desired();
    control.failCheckWith = NFT_SAYS;
    const put = await api('PUT', '/forwards/web?apply=true', { ...web, publicPorts: '8081' });
    expect(put.status, JSON.stringify(put.body)).toBe(422);
    const reverted = await expectReverted(before);
    control.failCheckWith = NFT_SAYS;
    const del = await api('DELETE', '/forwards/web?apply=true');
    expect(del.status, JSON.stringify(del.body)).toBe(422);
    await expectReverted(reverted);
  });

  it('PUT /config?apply=true rejected by nft: the whole model and its ETag come back', async () => {
    const before = await desired();
    control.failCheckWith = NFT_SAYS;
    const r = await api(
      'PUT',
      '/config?apply=true',
      { ...before.body, forwards: [...before.body.forwards, mail] },
      { 'if-match': before.etag },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    const reverted = await expectReverted(before);
    // The ETag it holds now names content it did not send: it must read again.
    const stale = await api('PUT', '/config', before.body, { 'if-match': before.etag });
    expect(stale.status).toBe(412);
    const again = await api(
      'PUT',
      '/config?apply=true',
      { ...before.body, masquerade: { forwardedServers: true, lanToWan: false } },
      { 'if-match': reverted.etag },
    );
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(await tableListing()).not.toContain('masquerade: LAN to WAN');
    expect((await desired()).body.forwards.map((f: Json) => f.id)).toEqual(['web', 'dns']);
  });

  it('PUT /ftp?apply=true rejected by nft: the policy comes back', async () => {
    const before = await desired();
    control.failCheckWith = NFT_SAYS;
    const r = await api('PUT', '/ftp?apply=true', { enabled: true, controlPorts: [80] }, { 'if-match': before.etag });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    await expectReverted(before);
  });

  it('without ?apply the change stays (nothing was applied, nothing failed)', async () => {
    const before = await desired();
    const r = await api('POST', '/forwards', mail, { 'if-match': before.etag });
    expect(r.status).toBe(201);
    expect((await desired()).etag).not.toBe(before.etag);
  });
});
