/**
 * The CLI on an HA pair node whose peer is unreachable (issue #16): a real
 * server (GATEHOUSE_HA_NODE gw-a) on 127.0.0.1 with its nft in a throwaway
 * namespace, its model naming the peer gw-b at a loopback port nobody
 * listens on. Without --degraded every apply path (apply, forwards add
 * --apply, rollback) exits 1 with pair_degraded said readably (the peer, the
 * override) and nothing is applied; with --degraded it applies on this node
 * alone (the revision's nodes [gw-a]), confirmation by reconnection
 * included, and `gatehouse events` prints its degraded_apply event;
 * rollback-now undoes a provisional one. --degraded without --apply is a usage error. The pair_peer_refused
 * lines and the event lines are pure. ~3 s with start-up.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/client.js';
import { describeEvent } from '../src/commands.js';
import { type CliServer, runGatehouse, startCliServer } from './support.js';

const PASSWORD = 'Gatehouse-pair-cli-Wombat-73';
const TOKEN = 'pair-cli-test-token-2b4d6f8a0c1e3a5b7d9f';
let server: CliServer;

/** A loopback port nobody listens on (bound, then closed): the peer's connections are refused. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.tokens.admin}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API, checked by the assertions
  return { status: r.status, etag: r.headers.get('etag') ?? '', body: (await r.json()) as any };
}

const latest = async () => (await http('GET', '/revisions?limit=1')).body.items[0];
const table = () => server.ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);

beforeAll(async () => {
  server = await startCliServer({
    netnsPrefix: 'gh-cli-pair',
    stateDirPrefix: 'gatehouse-cli-pair-',
    password: PASSWORD,
    tokenNames: { admin: 'cli-pair-admin' },
    config: { haNode: 'gw-a', haPeerToken: TOKEN },
  });
  const peerPort = await closedPort();
  const cfg = await http('GET', '/config');
  const put = await http(
    'PUT',
    '/config',
    {
      table: 'gatehouse',
      interfaces: { wan: 'eth0', lan: ['eth1'] },
      gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
      forwards: [],
      ha: {
        nodes: [
          { name: 'gw-a', apiUrl: 'http://127.0.0.1:1', syncAddress: '10.9.0.1', priority: 150 },
          { name: 'gw-b', apiUrl: `http://127.0.0.1:${peerPort}`, syncAddress: '10.9.0.2', priority: 100 },
        ],
        vrrp: {
          wan: { routerId: 91, address: '192.0.2.2/24' },
          lan: { routerId: 92, address: '192.168.1.1/24' },
          authSecret: 'Vr7pass',
        },
        syncInterface: 'eth2',
        peerToken: TOKEN,
      },
    },
    { 'if-match': cfg.etag },
  );
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('gatehouse on a pair node with its peer unreachable', () => {
  it('apply: pair_degraded said readably and nothing applied; --degraded applies here alone, confirmed by reconnection', async () => {
    const refused = await server.gatehouse(['apply', '--no-confirm']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/HTTP 409, pair_degraded/);
    expect(refused.err).toMatch(/peer: gw-b \(unreachable: .+\)/);
    expect(refused.err).toMatch(/run the command again with --degraded/);
    expect(await latest()).toBeUndefined();
    expect(() => table()).toThrow();

    // gatehouse events, following the stream meanwhile, says so.
    const controller = new AbortController();
    const env = { GATEHOUSE_URL: server.url, GATEHOUSE_TOKEN: server.tokens.admin, XDG_CONFIG_HOME: '/nonexistent' };
    const following = runGatehouse(['events'], env, controller.signal);
    await new Promise((r) => setTimeout(r, 300));
    const forced = await server.gatehouse(['apply', '--degraded']);
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    const events = await following;
    expect(events.out).toMatch(/ pair gw-a applied revision \d+ alone: peer gw-b unreachable \(.+\) \(by admin/);
    expect(forced.code, forced.err).toBe(0);
    expect(forced.out).toMatch(/^confirmed revision \d+ over a new connection/);
    const r = await latest();
    expect(r).toMatchObject({ nodes: ['gw-a'], status: 'confirmed' });
    expect(table()).toMatch(/2222/);
  }, 20_000);

  it('forwards add --apply and rollback: 409 pair_degraded without --degraded, applied alone with it', async () => {
    const usage = await server.gatehouse([
      'forwards',
      'add',
      '--id',
      'web',
      '--ports',
      '8080',
      '--target',
      '192.168.1.2',
      '--degraded',
    ]);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/--degraded needs --apply/);

    const add = ['forwards', 'add', '--id', 'web', '--ports', '8080', '--target', '192.168.1.2', '--apply'];
    const refused = await server.gatehouse(add);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/pair_degraded/);
    expect((await http('GET', '/forwards')).body.items).toEqual([]);
    expect(table()).not.toMatch(/8080/);
    const forced = await server.gatehouse([...add, '--degraded']);
    expect(forced.code, forced.err).toBe(0);
    expect(forced.out).toMatch(/^added forward web \(applied: revision \d+\)/);
    expect(table()).toMatch(/8080/);
    expect(await latest()).toMatchObject({ nodes: ['gw-a'] });

    const first = (await http('GET', '/revisions?limit=10')).body.items.at(-1);
    const back = await server.gatehouse(['rollback', String(first.id), '--no-confirm']);
    expect(back.code).toBe(1);
    expect(back.err).toMatch(/pair_degraded/);
    expect(table()).toMatch(/8080/);
    const forcedBack = await server.gatehouse(['rollback', String(first.id), '--no-confirm', '--degraded']);
    expect(forcedBack.code, forcedBack.err).toBe(0);
    expect(forcedBack.out).toMatch(/^applied revision \d+/);
    expect(table()).not.toMatch(/8080/);
    expect(await latest()).toMatchObject({ nodes: ['gw-a'], restoredFrom: first.id });

    // A provisional revision of this node alone, undone now (rollback-now takes --degraded as confirm does).
    const before = table();
    await server.gatehouse(['forwards', 'add', '--id', 'dns', '--ports', '53', '--target', '192.168.1.2']);
    const provisional = await server.gatehouse(['apply', '--degraded', '--manual-confirm']);
    expect(provisional.code, provisional.err).toBe(0);
    expect(table()).toMatch(/ 53 /);
    const undone = await server.gatehouse(['rollback-now', '--degraded']);
    expect(undone.code, undone.err).toBe(0);
    expect(undone.out).toMatch(/^rolled back now: revision \d+ restores revision \d+/);
    expect(table()).toBe(before);
  }, 20_000);
});

describe('pair refusals and events, said readably (pure)', () => {
  it('pair_peer_refused names the node, the phase, the reason and whether this node was put back', () => {
    const err = new ApiError(
      409,
      {
        error: 'pair_peer_refused',
        message: 'node gw-b refused the revision (apply): nft: Operation not permitted',
        node: 'gw-b',
        phase: 'apply',
        reason: 'nft: Operation not permitted',
        rolledBack: true,
      },
      'x',
    );
    expect(err.describe().split('\n')).toEqual([
      'node gw-b refused the revision (apply): nft: Operation not permitted (HTTP 409, pair_peer_refused)',
      '  node: gw-b',
      '  phase: apply',
      '  reason: nft: Operation not permitted',
      '  this node was put back to its previous revision; nothing changed on either node',
    ]);
  });

  it('gatehouse events prints degraded_apply and peer_refused', () => {
    expect(
      describeEvent('pair', {
        kind: 'degraded_apply',
        node: 'gw-a',
        peer: 'gw-b',
        phase: 'apply',
        reason: 'connect ECONNREFUSED 127.0.0.1:9',
        revisionId: 4,
        actor: 'admin',
      }),
    ).toEqual([
      'pair gw-a applied revision 4 alone: peer gw-b unreachable (connect ECONNREFUSED 127.0.0.1:9) (by admin)',
    ]);
    expect(
      describeEvent('pair', {
        kind: 'peer_refused',
        node: 'gw-b',
        phase: 'apply',
        reason: 'EPERM',
        rolledBack: true,
        revisionId: 5,
        actor: 'admin',
      }),
    ).toEqual(['pair gw-b refused revision 5 (apply): EPERM; this node was put back (by admin)']);
  });
});
