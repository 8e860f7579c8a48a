/**
 * One change, two nodes (issue #16): two panels of one pair, each a server in
 * this process listening on 127.0.0.1 (a random port; the peer calls go over
 * loopback and nowhere else) with its own network namespace for its nft
 * (GATEHOUSE_HA_NODE gw-a / gw-b, engines off). The peer's check refuses a
 * bad body by field (400) and a bad model by reason (422 peer_refused: not
 * valid, not naming it, a masked secret). Every revision applied
 * through gw-a is on both nodes or on neither:
 *
 *   - an apply through A lands on both (the two tables list identically),
 *     history on both names both nodes, B's copy its origin;
 *   - a revision B's kernel refuses at the check changes neither node: B's
 *     namespace holds an `owner` table of the name the revision uses (held by
 *     an `nft -i` process of the test; the kernel answers EPERM to anyone
 *     else). At the apply: the owner table appears in B while A loads the
 *     revision (A's runner waits at its `nft -f` for the test; B's refusal is
 *     the kernel's), and A is put back byte for byte. Without the owner
 *     table, the same revision lands on both. A's own kernel refusing (the
 *     owner table in A's namespace) changes nothing on B, and names gw-a;
 *   - provisional on both, confirmed on both through A, rolled back now on
 *     both through A; unconfirmed, rolled back on both at the deadline; while one is provisional B refuses
 *     another at the check;
 *   - Peer authentication: wrong token 401, a rotated token reaches B with
 *     the one B holds and is then accepted; the peer token on an admin route
 *     403 peer_not_allowed, an API token on /peer/* 403, a node without a
 *     pair model accepts the bootstrap token only;
 *   - B unreachable: 409 pair_degraded, nothing applied (nor confirmed);
 *     with degraded=true on A only (history nodes [gw-a], GET /pair degraded).
 *
 * One setup; 12 tests in ~17 s (6 of them the provisional deadline waited
 * for), ~25 s with start-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, LAB_MODEL, waitFor } from './helpers.js';
import { NftGate, OwnerTables, type PairTestNode, pairSection, startPairNode, stopPairNodes } from './pair-nodes.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

const TOKEN = 'pair-apply-test-token-5d1c9e7b3a2f4e6d8c0b';
const OTHER_TOKEN = 'not-the-pair-token-0a9b8c7d6e5f4a3b2c1d';

type Node = PairTestNode;
let a: Node;
let b: Node;
/** A's nft -f waits at this gate when armed (the window between the peer's check and its apply). */
const gate = new NftGate();
const owners = new OwnerTables();

function model(o: { table?: string; sshPort?: number; peerToken?: string } = {}) {
  return {
    ...LAB_MODEL,
    table: o.table ?? 'gatehouse',
    gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: o.sshPort ?? 2222, localPort: 22 }],
    ha: pairSection(a, b, [71, 72], o.peerToken ?? TOKEN),
  };
}

async function api(n: Node, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = {}) {
  const r = await n.t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...bearer(n.admin), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, text: r.body, body: r.json() as Json, etag: String(r.headers.etag ?? '') };
}

const peer = (n: Node, method: 'GET' | 'POST', url: string, token = TOKEN) =>
  n.t.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Peer ${token}` } });

/** Makes `m` A's desired model and applies it through A (the query: e.g. ?degraded=true). */
async function applyThroughA(m: unknown, query = '', body: object = {}) {
  const cfg = await api(a, 'GET', '/config');
  const put = await api(a, 'PUT', '/config', m, { 'if-match': cfg.etag });
  expect(put.status, put.text).toBe(200);
  return api(a, 'POST', `/apply${query}`, body);
}

const ruleset = (n: Node) => n.ns.exec('nft', ['list', 'ruleset']);
const table = (n: Node, name = 'gatehouse') => n.ns.exec('nft', ['list', 'table', 'ip', name]);
const active = (n: Node) => n.t.app.gateway.activeRevision();
const top = async (n: Node) => (await api(n, 'GET', '/revisions?limit=1')).body.items[0];

/** An `owner` table in a node's namespace, held by this test: the kernel lets no one else touch it. */
const holdOwnerTable = (name: string, n: Node = b) => owners.hold(n, name);

beforeAll(async () => {
  a = await startPairNode('gw-a', TOKEN, (netns) => gate.runner(netns));
  b = await startPairNode('gw-b', TOKEN);
}, 60_000);

afterAll(async () => {
  owners.releaseAll();
  await stopPairNodes(a, b);
});

describe('peer authentication', () => {
  it('a node without a pair model accepts the bootstrap token only', async () => {
    expect(b.t.app.gateway.desired().model.ha).toBeUndefined();
    expect((await peer(b, 'GET', '/peer/state')).statusCode).toBe(200);
    const wrong = await peer(b, 'GET', '/peer/state', OTHER_TOKEN);
    expect(wrong.statusCode).toBe(401);
  });

  it('the peer token opens the peer routes only; users do not get them', async () => {
    const onAdmin = await peer(b, 'POST', '/apply');
    expect(onAdmin.statusCode).toBe(403);
    expect(onAdmin.json().error).toBe('peer_not_allowed');
    const onRead = await peer(b, 'GET', '/config');
    expect(onRead.statusCode).toBe(403);
    expect(onRead.json().error).toBe('peer_not_allowed');
    const asUser = await api(b, 'GET', '/peer/state');
    expect(asUser.status).toBe(403);
    expect(asUser.body.error).toBe('forbidden');
    const anonymous = await b.t.app.inject({ method: 'GET', url: '/api/v1/peer/state' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("the peer's check", () => {
  const check = (body: unknown) =>
    b.t.app.inject({
      method: 'POST',
      url: '/api/v1/peer/check',
      headers: { authorization: `Peer ${TOKEN}` },
      payload: body as object,
    });
  const origin = { node: 'gw-a', revisionId: null };

  it('refuses bad bodies and models by field and reason, never a 5xx; takes a good one', async () => {
    const noOrigin = await check({ model: model(), actor: 'admin' });
    expect(noOrigin.statusCode).toBe(400);
    expect(noOrigin.json().problems).toContainEqual(expect.objectContaining({ path: 'body.origin' }));
    const invalid = await check({ model: { table: 'x y' }, origin, actor: 'admin' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({ error: 'peer_refused', node: 'gw-b' });
    expect(invalid.json().reason).toMatch(/does not validate/);
    const other = model();
    other.ha.nodes[1] = { ...other.ha.nodes[1], name: 'gw-c' } as (typeof other.ha.nodes)[1];
    const notNamed = await check({ model: other, origin, actor: 'admin' });
    expect(notNamed.statusCode).toBe(422);
    expect(notNamed.json().reason).toMatch(/does not name this node/);
    const masked = model({ peerToken: '********' });
    const maskedReply = await check({ model: masked, origin, actor: 'admin' });
    expect(maskedReply.statusCode).toBe(422);
    expect(maskedReply.json().reason).toMatch(/masked/);
    const good = await check({ model: model(), origin, actor: 'admin' });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toMatchObject({ ok: true, node: 'gw-b' });
  });
});

describe('one change, two nodes', () => {
  it('an apply through A lands on both nodes, recorded with both and with its origin', async () => {
    expect(() => table(b)).toThrow(); // nothing on B before
    const r = await applyThroughA(model());
    expect(r.status, r.text).toBe(200);
    expect(r.body.revision.nodes).toEqual(['gw-a', 'gw-b']);
    expect(table(b)).toBe(table(a));
    const onA = await top(a);
    const onB = await top(b);
    expect(onA).toMatchObject({ id: r.body.revision.id, nodes: ['gw-a', 'gw-b'], origin: null, active: true });
    expect(onB).toMatchObject({ nodes: ['gw-a', 'gw-b'], origin: { node: 'gw-a', revisionId: onA.id }, active: true });
    expect(onB.author).toBe(`${onA.author} via gw-a`);
    // B's desired model is the revision's (its peer token now opens B's peer routes)
    expect(b.t.app.gateway.desired().model.ha?.peerToken).toBe(TOKEN);
    const pair = await api(a, 'GET', '/pair');
    expect(pair.body).toMatchObject({ degraded: false, peerState: { reachable: true, inSync: true } });
    expect(pair.body.peerState.activeRevisionId).toBe(onB.id);
  });

  it("a new peer token reaches B with the token B holds; then B accepts the model's token, not the bootstrap alone", async () => {
    const rotated = 'rotated-pair-token-7e6d5c4b3a29181716151413';
    expect((await peer(b, 'GET', '/peer/state', rotated)).statusCode).toBe(401);
    const r = await applyThroughA(model({ peerToken: rotated }));
    expect(r.status, r.text).toBe(200);
    expect((await peer(b, 'GET', '/peer/state', rotated)).statusCode).toBe(200);
    expect((await peer(b, 'GET', '/peer/state', OTHER_TOKEN)).statusCode).toBe(401);
    const back = await applyThroughA(model());
    expect(back.status, back.text).toBe(200);
    expect(back.body.revision.nodes).toEqual(['gw-a', 'gw-b']);
  });

  it("a revision B's kernel refuses at the check changes neither node, and says which node and why", async () => {
    const beforeA = ruleset(a);
    const beforeB = table(b);
    const [revA, revB] = [active(a)?.id, active(b)?.id];
    const release = await holdOwnerTable('gh2');
    try {
      const r = await applyThroughA(model({ table: 'gh2' }));
      expect(r.status, r.text).toBe(409);
      expect(r.body).toMatchObject({ error: 'pair_peer_refused', node: 'gw-b', phase: 'check', rolledBack: false });
      expect(r.body.reason).toMatch(/Operation not permitted/);
    } finally {
      release();
    }
    expect(ruleset(a)).toBe(beforeA);
    expect(table(b)).toBe(beforeB);
    expect([active(a)?.id, active(b)?.id]).toEqual([revA, revB]);
  });

  it("a revision B's kernel refuses at its apply leaves A on its previous ruleset and B unchanged", async () => {
    const beforeA = ruleset(a);
    const beforeB = table(b);
    const [revA, revB] = [active(a)?.id, active(b)?.id];
    let release: () => void = () => undefined;
    const { reached, open } = gate.arm();
    try {
      const applying = applyThroughA(model({ table: 'gh2' }));
      await reached; // B has checked it; A is about to load it
      release = await holdOwnerTable('gh2');
      open();
      const r = await applying;
      expect(r.status, r.text).toBe(409);
      expect(r.body).toMatchObject({ error: 'pair_peer_refused', node: 'gw-b', phase: 'apply', rolledBack: true });
      expect(r.body.reason).toMatch(/Operation not permitted/);
    } finally {
      gate.disarm();
      open();
      release();
    }
    expect(ruleset(a)).toBe(beforeA);
    expect(table(b)).toBe(beforeB);
    expect(active(b)?.id).toBe(revB);
    const history = (await api(a, 'GET', '/revisions?limit=2')).body.items;
    expect(history[1]).toMatchObject({ status: 'rolled-back' });
    // The restored parent is what both nodes hold.
    expect(history[0]).toMatchObject({ restoredFrom: revA, active: true, nodes: ['gw-a', 'gw-b'] });
    expect((await api(a, 'GET', '/pair')).body.peerState).toMatchObject({ inSync: true, activeRevisionId: revB });
    // The other way: with nothing holding the name in B, the same revision lands on both.
    await waitFor('the owner table gone', async () => !b.ns.exec('nft', ['list', 'tables']).includes('gh2'));
    const ok = await api(a, 'POST', '/apply', {});
    expect(ok.status, ok.text).toBe(200);
    expect(table(b, 'gh2')).toBe(table(a, 'gh2'));
    expect(() => table(b)).toThrow(); // the renamed table replaced the old one on both
  });

  it("A's own kernel refusing changes nothing anywhere, and the error names A", async () => {
    const before = table(b, 'gh2');
    const revB = active(b)?.id;
    const release = await holdOwnerTable('gh3', a);
    try {
      const r = await applyThroughA(model({ table: 'gh3' }));
      expect(r.status, r.text).toBe(422);
      expect(r.body).toMatchObject({ error: 'nft_rejected', node: 'gw-a' });
    } finally {
      release();
    }
    expect(table(b, 'gh2')).toBe(before);
    expect(active(b)?.id).toBe(revB);
    expect(() => table(b, 'gh3')).toThrow();
  });

  it('roll back now through A undoes the provisional apply on both', async () => {
    const before = table(a, 'gh2');
    const r = await applyThroughA(model({ table: 'gh2', sshPort: 2227 }), '', { confirmWithinSeconds: 30 });
    expect(r.status, r.text).toBe(200);
    expect(table(b, 'gh2')).toMatch(/2227/);
    const undo = await api(a, 'POST', '/apply/rollback-now', {});
    expect(undo.status, undo.text).toBe(200);
    expect([a.t.app.gateway.pending(), b.t.app.gateway.pending()]).toEqual([null, null]);
    expect(table(a, 'gh2')).toBe(before);
    expect(table(b, 'gh2')).toBe(before);
    // Each node's restore holds the revision both held before: in sync.
    expect((await api(a, 'GET', '/pair')).body).toMatchObject({ degraded: false, peerState: { inSync: true } });
  });

  it('a provisional apply is provisional on both; confirmed through A, confirmed on both', async () => {
    const r = await applyThroughA(model({ table: 'gh2', sshPort: 2223 }), '', { confirmWithinSeconds: 30 });
    expect(r.status, r.text).toBe(200);
    expect(r.body.pending).not.toBeNull();
    expect(b.t.app.gateway.pending()?.revisionId).toBe(active(b)?.id);
    // While it waits, B refuses another revision at the check.
    const another = await applyThroughA(model({ table: 'gh2', sshPort: 2224 }));
    expect(another.status, another.text).toBe(409);
    expect(another.body).toMatchObject({ error: 'pair_peer_refused', node: 'gw-b', phase: 'check' });
    expect(another.body.reason).toMatch(/provisional/);
    const c = await api(a, 'POST', '/apply/confirm');
    expect(c.status, c.text).toBe(200);
    expect(a.t.app.gateway.pending()).toBeNull();
    expect(b.t.app.gateway.pending()).toBeNull();
    expect((await top(b)).status).toBe('confirmed');
    expect(table(b, 'gh2')).toBe(table(a, 'gh2'));
    expect(table(a, 'gh2')).toMatch(/2223/);
  });

  it('an unconfirmed provisional apply rolls back on both at its deadline', async () => {
    const beforeA = table(a, 'gh2');
    const [revA, revB] = [active(a)?.id, active(b)?.id];
    const r = await applyThroughA(model({ table: 'gh2', sshPort: 2225 }), '', { confirmWithinSeconds: 5 });
    expect(r.status, r.text).toBe(200);
    expect(table(a, 'gh2')).toMatch(/2225/);
    expect(table(b, 'gh2')).toMatch(/2225/);
    await waitFor(
      'both rolled back',
      async () => a.t.app.gateway.pending() === null && b.t.app.gateway.pending() === null,
      12_000,
    );
    expect(table(a, 'gh2')).toBe(beforeA);
    expect(table(b, 'gh2')).toBe(beforeA);
    expect(active(a)?.restoredFrom).toBe(revA);
    expect(active(b)?.restoredFrom).toBe(revB);
  }, 20_000);

  it('with the peer unreachable: 409 pair_degraded and nothing applied; with degraded=true on A only', async () => {
    // A provisional revision of both, then B goes away: confirming needs the override too.
    const provisional = await applyThroughA(model({ table: 'gh2', sshPort: 2228 }), '', { confirmWithinSeconds: 60 });
    expect(provisional.status, provisional.text).toBe(200);
    b.t.app.server.close();
    b.t.app.server.closeAllConnections();
    const refused = await api(a, 'POST', '/apply/confirm');
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body).toMatchObject({ error: 'pair_degraded', peer: 'gw-b', detail: expect.any(String) });
    expect(a.t.app.gateway.pending()).not.toBeNull();
    const confirmed = await api(a, 'POST', '/apply/confirm?degraded=true');
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(a.t.app.gateway.pending()).toBeNull();
    const before = ruleset(a);
    const revA = active(a)?.id;
    const r = await applyThroughA(model({ table: 'gh2', sshPort: 2226 }));
    expect(r.status, r.text).toBe(409);
    expect(r.body).toMatchObject({ error: 'pair_degraded', peer: 'gw-b' });
    expect(ruleset(a)).toBe(before);
    expect(active(a)?.id).toBe(revA);
    const forced = await api(a, 'POST', '/apply?degraded=true', {});
    expect(forced.status, forced.text).toBe(200);
    expect(forced.body.revision.nodes).toEqual(['gw-a']);
    expect(table(a, 'gh2')).toMatch(/2226/);
    expect(table(b, 'gh2')).not.toMatch(/2226/);
    expect((await top(a)).nodes).toEqual(['gw-a']);
    const pair = await api(a, 'GET', '/pair');
    expect(pair.body).toMatchObject({ degraded: true, peerState: { reachable: false, inSync: false } });
  });
});
