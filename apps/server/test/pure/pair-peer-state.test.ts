/**
 * How GET /pair reads the peer's answer to GET /peer/state (PairApply.peerState),
 * with the peer client stubbed (the real exchange is pair-apply.test.ts):
 * in sync when either node's active revision is a copy of the other's (also
 * through a restore of it), not when it holds another; a peer that answers
 * but refuses is reachable with its reason; one that does not answer is not.
 */
import type { GatewayModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { PairApply } from '../../src/services/ha/pair-apply.js';
import { PeerUnreachable, type peerRequest } from '../../src/services/ha/peer-client.js';
import type { RevisionSummary } from '../../src/store/store.js';

const TOKEN = 'pair-peer-state-token-0123456789abcdef01';
const model = {
  ha: {
    nodes: [
      { name: 'gw-a', apiUrl: 'http://127.0.0.1:1', syncAddress: '10.9.0.1', priority: 150 },
      { name: 'gw-b', apiUrl: 'http://127.0.0.1:2', syncAddress: '10.9.0.2', priority: 100 },
    ],
    peerToken: TOKEN,
  },
} as unknown as GatewayModel;

const revision = (r: Partial<RevisionSummary>): RevisionSummary =>
  ({ id: 10, restoredFrom: null, origin: null, nodes: ['gw-a', 'gw-b'], ...r }) as RevisionSummary;

function pairWith(answer: Awaited<ReturnType<typeof peerRequest>> | Error): PairApply {
  const request = (async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof peerRequest;
  const log = { info() {}, warn() {}, error() {}, debug() {} };
  return new PairApply({ self: 'gw-a', log, audit() {}, setNodes() {}, activeModel: () => model, request });
}

const state = (activeRevisionId: number, activeOrigin: { node: string; revisionId: number } | null) => ({
  status: 200,
  body: { node: 'gw-b', activeRevisionId, activeOrigin, pending: false, desiredVersion: 3 },
});

describe('the peer state GET /pair shows', () => {
  it('is in sync when the peer holds a copy of this node’s revision, or of what it restored', async () => {
    const copy = await pairWith(state(4, { node: 'gw-a', revisionId: 10 })).peerState(revision({}));
    expect(copy).toEqual({ reachable: true, error: null, activeRevisionId: 4, inSync: true });
    const restored = await pairWith(state(4, { node: 'gw-a', revisionId: 8 })).peerState(revision({ restoredFrom: 8 }));
    expect(restored?.inSync).toBe(true);
  });

  it('is in sync when this node holds a copy of the peer’s revision', async () => {
    const r = await pairWith(state(4, null)).peerState(revision({ origin: { node: 'gw-b', revisionId: 4 } }));
    expect(r?.inSync).toBe(true);
  });

  it('is not in sync when the peer holds another revision', async () => {
    const r = await pairWith(state(5, { node: 'gw-a', revisionId: 9 })).peerState(revision({}));
    expect(r).toEqual({ reachable: true, error: null, activeRevisionId: 5, inSync: false });
  });

  it('a peer that refuses is reachable, with its reason; one that does not answer is not', async () => {
    const refusing = await pairWith({ status: 401, body: { error: 'unauthenticated', message: 'no' } }).peerState(
      revision({}),
    );
    expect(refusing).toEqual({ reachable: true, error: 'no', activeRevisionId: null, inSync: false });
    const gone = await pairWith(new PeerUnreachable('gw-b', 'ECONNREFUSED')).peerState(revision({}));
    expect(gone).toEqual({ reachable: false, error: 'ECONNREFUSED', activeRevisionId: null, inSync: false });
  });

  it('is null when this node is not in the pair of its active model', async () => {
    const p = new PairApply({
      self: 'gw-z',
      log: { info() {}, warn() {}, error() {}, debug() {} },
      audit() {},
      setNodes() {},
      activeModel: () => model,
    });
    expect(await p.peerState(revision({}))).toBeNull();
  });
});
