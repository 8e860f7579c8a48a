/**
 * One change, two nodes (issue #16), on the apply paths beside POST /apply:
 * two panels of one pair (gw-a, gw-b), each a server in this process on
 * 127.0.0.1 (the peer calls go over loopback and nowhere else) with its own
 * network namespace for its nft.
 *
 *   - B up: a pair apply through A lands on both; the metrics say degraded 0,
 *     peer reachable 1, in sync 1. B's kernel refusing the revision at its
 *     apply (an `owner` table of the name it uses, held by an `nft -i` of this
 *     test, appears in B while A loads it) puts A back and is a `pair` event
 *     peer_refused (node gw-b, phase apply, rolled back) on A's event hub;
 *     refusing it at the check (the owner table there before) changes
 *     nothing and is a peer_refused event (phase check) and audit entry.
 *   - B gone: a bulk forward change with ?apply=true, an import adopted with
 *     ?apply=true and the gateway settings with ?apply=true are 409
 *     pair_degraded, nothing applied and the change undone; with
 *     &degraded=true each is applied on A only (revision nodes [gw-a], A's
 *     table changed, B's not) and is a `pair` event degraded_apply. The
 *     metrics follow (an apply forgets their cached reading of the peer):
 *     degraded 1, reachable 0, in sync 0. Before A is a pair node it has no
 *     pair series at all.
 *
 * One setup; 4 tests in ~5-9 s (~25-50 s with start-up on a busy box).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PairEvent } from '../src/schemas/pair-events.js';
import type { HubMessage } from '../src/services/events.js';
import { bearer, LAB_MODEL, waitFor } from './helpers.js';
import { NftGate, OwnerTables, type PairTestNode, pairSection, startPairNode, stopPairNodes } from './pair-nodes.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

const TOKEN = 'pair-paths-test-token-8e2f6a0c4b1d3e5f7a9c';

type Node = PairTestNode;
let a: Node;
let b: Node;
/** A's nft -f waits at this gate when armed (between the peer's check and its apply). */
const gate = new NftGate();
const owners = new OwnerTables();
/** The `pair` events A's hub published. */
const events: unknown[] = [];

const FORWARD = { id: 'web', name: 'web', protocol: 'tcp', publicPorts: '8080', target: '192.168.1.2' };

function model(o: { table?: string; sshPort?: number } = {}) {
  return {
    ...LAB_MODEL,
    table: o.table ?? 'gatehouse',
    gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: o.sshPort ?? 2222, localPort: 22 }],
    forwards: [FORWARD],
    ha: pairSection(a, b, [81, 82], TOKEN),
  };
}

async function api(n: Node, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = {}) {
  const r = await n.t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...bearer(n.admin), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  const json = String(r.headers['content-type'] ?? '').includes('json');
  return {
    status: r.statusCode,
    text: r.body,
    body: (json ? r.json() : null) as Json,
    etag: String(r.headers.etag ?? ''),
    revision: Number(r.headers['x-gatehouse-revision'] ?? Number.NaN),
  };
}

async function putConfig(m: unknown) {
  const cfg = await api(a, 'GET', '/config');
  const put = await api(a, 'PUT', '/config', m, { 'if-match': cfg.etag });
  expect(put.status, put.text).toBe(200);
}

const table = (n: Node, name = 'gatehouse') => n.ns.exec('nft', ['list', 'table', 'ip', name]);
const nodesOf = (id: number) => a.t.app.gateway.revision(id)?.nodes;
const pairEvents = (kind: string) =>
  events.map((e) => PairEvent.parse(e)).filter((e): e is PairEvent => e.kind === kind);
const metric = async (name: string) => {
  const r = await api(a, 'GET', '/metrics');
  return new RegExp(`^${name}\\{node="gw-a"\\} (\\d+)$`, 'm').exec(r.text)?.[1];
};

/** An `owner` table in B's namespace, held by this test: the kernel lets no one else touch it. */
const holdOwnerTable = (name: string) => owners.hold(b, name);

beforeAll(async () => {
  a = await startPairNode('gw-a', TOKEN, (netns) => gate.runner(netns));
  b = await startPairNode('gw-b', TOKEN);
  a.t.app.hub.subscribe((m: HubMessage) => {
    if (m.event === 'pair') events.push(m.data);
  });
}, 60_000);

afterAll(async () => {
  owners.releaseAll();
  await stopPairNodes(a, b);
});

describe('with the peer up', () => {
  it('its refusal at the apply puts A back and is a peer_refused event; the metrics say in sync', async () => {
    // Not a pair node yet (nothing applied names the pair): no pair series at all.
    expect((await api(a, 'GET', '/metrics')).text).not.toMatch(/^gatehouse_pair_(degraded|peer_reachable|in_sync)\{/m);
    await putConfig(model());
    const first = await api(a, 'POST', '/apply', {});
    expect(first.status, first.text).toBe(200);
    expect(first.body.revision.nodes).toEqual(['gw-a', 'gw-b']);
    expect(await metric('gatehouse_pair_degraded')).toBe('0');
    expect(await metric('gatehouse_pair_peer_reachable')).toBe('1');
    expect(await metric('gatehouse_pair_in_sync')).toBe('1');
    expect(pairEvents('degraded_apply')).toEqual([]);

    // B's check passes; while A loads the revision, B's namespace gets an owner table of its name.
    const before = a.ns.exec('nft', ['list', 'ruleset']);
    await putConfig(model({ table: 'ghp', sshPort: 2223 }));
    const { reached, open: release } = gate.arm();
    const applying = api(a, 'POST', '/apply', {});
    await reached;
    const drop = await holdOwnerTable('ghp');
    release();
    const refused = await applying;
    drop();
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body).toMatchObject({ error: 'pair_peer_refused', node: 'gw-b', phase: 'apply', rolledBack: true });
    expect(a.ns.exec('nft', ['list', 'ruleset'])).toBe(before);
    const [event] = pairEvents('peer_refused');
    expect(event).toMatchObject({ kind: 'peer_refused', node: 'gw-b', phase: 'apply', rolledBack: true });
    expect(event && 'reason' in event ? event.reason : '').not.toBe('');
    await putConfig(model());
  }, 20_000);

  it('its refusal at the check changes nothing and is a peer_refused event and an audit entry too', async () => {
    const drop = await holdOwnerTable('ghq');
    try {
      const before = a.ns.exec('nft', ['list', 'ruleset']);
      await putConfig(model({ table: 'ghq' }));
      const refused = await api(a, 'POST', '/apply', {});
      expect(refused.status, refused.text).toBe(409);
      expect(refused.body).toMatchObject({ error: 'pair_peer_refused', node: 'gw-b', phase: 'check' });
      expect(a.ns.exec('nft', ['list', 'ruleset'])).toBe(before);
      expect(pairEvents('peer_refused').at(-1)).toMatchObject({
        node: 'gw-b',
        phase: 'check',
        rolledBack: false,
        revisionId: null,
      });
      const audit = await api(a, 'GET', '/audit?action=pair.peer_refused');
      expect(audit.body.items.map((e: Json) => e.detail?.phase)).toContain('check');
    } finally {
      drop();
      await putConfig(model());
    }
  }, 20_000);
});

describe('with the peer gone', () => {
  beforeAll(() => {
    b.t.app.server.close();
    b.t.app.server.closeAllConnections();
  });

  it('bulk forwards and gateway settings with ?apply=true: 409 pair_degraded and undone; with degraded=true on A only', async () => {
    const beforeA = table(a);
    const beforeB = table(b);
    const refused = await api(a, 'POST', '/forwards/bulk?apply=true', { action: 'disable', ids: ['web'] });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body).toMatchObject({ error: 'pair_degraded', peer: 'gw-b' });
    expect(a.t.app.gateway.desired().model.forwards[0]?.enabled).toBe(true);
    expect(table(a)).toBe(beforeA);

    const forced = await api(a, 'POST', '/forwards/bulk?apply=true&degraded=true', { action: 'disable', ids: ['web'] });
    expect(forced.status, forced.text).toBe(200);
    expect(nodesOf(forced.revision)).toEqual(['gw-a']);
    expect(table(a)).not.toMatch(/8080/);
    expect(table(b)).toBe(beforeB);
    expect(table(b)).toMatch(/8080/);
    const [event] = pairEvents('degraded_apply');
    expect(event).toMatchObject({ node: 'gw-a', peer: 'gw-b', phase: 'apply', revisionId: forced.revision });

    // The settings route goes through desired-apply.ts (as the gateway forward routes do).
    const settings = await api(a, 'GET', '/gateway-settings');
    const masquerade = { ...settings.body.masquerade, lanToWan: !settings.body.masquerade.lanToWan };
    const body = { ...settings.body, masquerade };
    const no = await api(a, 'PUT', '/gateway-settings?apply=true', body, { 'if-match': settings.etag });
    expect(no.status, no.text).toBe(409);
    expect(no.body.error).toBe('pair_degraded');
    expect(a.t.app.gateway.desired().model.masquerade).toEqual(settings.body.masquerade);
    const again = await api(a, 'GET', '/gateway-settings');
    const yes = await api(a, 'PUT', '/gateway-settings?apply=true&degraded=true', body, { 'if-match': again.etag });
    expect(yes.status, yes.text).toBe(200);
    expect(nodesOf(yes.revision)).toEqual(['gw-a']);
    expect(pairEvents('degraded_apply')).toHaveLength(2);
  }, 20_000);

  it('import adopt with ?apply=true: 409 pair_degraded and undone; with degraded=true on A only; the metrics say degraded', async () => {
    const adopt = async (query: string) => {
      const proposal = await api(a, 'GET', '/import/proposal');
      expect(proposal.status, proposal.text).toBe(200);
      return api(
        a,
        'POST',
        `/import/adopt${query}`,
        { model: model({ sshPort: 2224 }), retire: [] },
        {
          'if-match': proposal.etag,
        },
      );
    };
    const activeBefore = a.t.app.gateway.activeRevision()?.id;
    const refused = await adopt('?apply=true');
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body).toMatchObject({ error: 'pair_degraded', peer: 'gw-b' });
    expect(a.t.app.gateway.activeRevision()?.id).toBe(activeBefore);
    expect(a.t.app.gateway.desired().model.gatewayForwards[0]?.publicPort).toBe(2222);

    const forced = await adopt('?apply=true&degraded=true');
    expect(forced.status, forced.text).toBe(200);
    expect(nodesOf(forced.body.revision)).toEqual(['gw-a']);
    expect(table(a)).toMatch(/2224/);
    expect(table(b)).not.toMatch(/2224/);
    expect(pairEvents('degraded_apply').at(-1)).toMatchObject({ revisionId: forced.body.revision });

    // The metrics read the peer at most once per 5 s, and again after an apply.
    await waitFor('gatehouse_pair_degraded 1', async () => (await metric('gatehouse_pair_degraded')) === '1', 7000);
    expect(await metric('gatehouse_pair_peer_reachable')).toBe('0');
    expect(await metric('gatehouse_pair_in_sync')).toBe('0');
  }, 20_000);
});
