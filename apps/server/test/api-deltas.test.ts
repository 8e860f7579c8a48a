/**
 * One-forward changes (?apply=true) applied as nft element deltas, each a
 * revision of its own, through app.inject against a throwaway network
 * namespace (nft runs for real there, never on the host). Split from
 * api.test.ts; the set-up leaves the model where api.test.ts's earlier blocks
 * left it: the lab interfaces and the FTP forward.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FTP_FORWARD } from './api-routes.js';
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

let ns: Netns;
let t: TestApp;
let adminToken: string;

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name, {}, controllableRunner(ns.name).runner);
  const admin = await login(t.app);
  adminToken = await createToken(t.app, admin, 'admin');
  const etag = String(
    (await inject({ method: 'GET', url: '/api/v1/config', headers: bearer(adminToken) })).headers.etag,
  );
  const config = await inject({
    method: 'PUT',
    url: '/api/v1/config',
    headers: { ...bearer(adminToken), 'if-match': etag },
    payload: LAB_MODEL,
  });
  if (config.statusCode !== 200) throw new Error(`set-up: PUT /config ${config.statusCode} ${config.body}`);
  const ftp = await inject({
    method: 'POST',
    url: '/api/v1/forwards',
    headers: bearer(adminToken),
    payload: FTP_FORWARD,
  });
  if (ftp.statusCode !== 201) throw new Error(`set-up: POST /forwards ${ftp.statusCode} ${ftp.body}`);
});

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

const inject = (opts: InjectOptions) => t.app.inject(opts);

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
