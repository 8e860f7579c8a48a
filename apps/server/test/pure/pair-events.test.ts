/**
 * The pair events a pair apply's audit entries make (services/ha/pair-events.ts),
 * checked against their schema, and the peer-state cache behind the pair
 * metrics: one read per 5 s however often it is asked, shared while under
 * way. <1 s.
 */
import { describe, expect, it } from 'vitest';
import { PairEvent } from '../../src/schemas/pair-events.js';
import type { HubMessage } from '../../src/services/events.js';
import { auditAndPublish, pairEventOf } from '../../src/services/ha/pair-events.js';
import { PairWatch } from '../../src/services/ha/pair-watch.js';
import { PeerStateCache } from '../../src/services/ha/peer-state-cache.js';

describe('pair events from the audit', () => {
  it('a degraded apply, confirm and rollback and a refusal are published; other entries are only recorded', () => {
    const recorded: string[] = [];
    const sent: HubMessage[] = [];
    const audit = auditAndPublish(
      { record: (_actor, action) => recorded.push(action) },
      { publish: (event, data) => sent.push({ event, data }) },
      'gw-a',
    );
    audit('admin', 'pair.degraded_apply', 'revision:7', { peer: 'gw-b', error: 'connect ECONNREFUSED' });
    audit('admin', 'pair.degraded_confirm', 'revision:7', { peer: 'gw-b', error: 'timeout' });
    audit('admin', 'pair.peer_refused', 'revision:8', {
      node: 'gw-b',
      phase: 'apply',
      reason: 'EPERM',
      rolledBack: true,
    });
    audit('admin', 'config.replace', 'config', {});
    expect(recorded).toEqual(['pair.degraded_apply', 'pair.degraded_confirm', 'pair.peer_refused', 'config.replace']);
    expect(sent.map((m) => m.event)).toEqual(['pair', 'pair', 'pair']);
    const [apply, confirm, refused] = sent.map((m) => PairEvent.parse(m.data));
    expect(apply).toEqual({
      kind: 'degraded_apply',
      node: 'gw-a',
      peer: 'gw-b',
      phase: 'apply',
      reason: 'connect ECONNREFUSED',
      revisionId: 7,
      actor: 'admin',
    });
    expect(confirm).toMatchObject({ kind: 'degraded_apply', phase: 'confirm' });
    expect(refused).toEqual({
      kind: 'peer_refused',
      node: 'gw-b',
      phase: 'apply',
      reason: 'EPERM',
      rolledBack: true,
      revisionId: 8,
      actor: 'admin',
    });
    expect(pairEventOf('gw-a', 'admin', 'pair.failover', 'node:gw-a', {})).toBeNull();
  });
});

describe('the pair events schema', () => {
  it("holds what the pair's watch publishes (a failover, sync errors)", async () => {
    const cache = {
      active: 1,
      created: 1,
      createdFailed: 0,
      updated: 0,
      updatedFailed: 0,
      destroyed: 0,
      destroyedFailed: 0,
    };
    const stats = (lost: number) => ({
      internal: cache,
      external: cache,
      link: {
        device: 'eth2',
        bytesSent: 0,
        bytesReceived: 0,
        packetsSent: 0,
        packetsReceived: 0,
        sendErrors: 0,
        receiveErrors: 0,
      },
      messages: { malformed: 0, lost },
    });
    const reading = (state: 'master' | 'backup', lost: number) => ({
      configured: true as const,
      node: 'gw-a',
      peer: 'gw-b',
      instances: [{ name: 'wan' as const, interface: 'eth0', address: '192.0.2.2', routerId: 51, state }],
      sync: { ok: true as const, stats: stats(lost) },
      lastPrimaryAt: null,
      lastBulkSyncAt: null,
    });
    const readings = [reading('backup', 0), reading('master', 2)];
    const sent: unknown[] = [];
    const watch = new PairWatch({
      read: async () => readings.shift() ?? reading('master', 2),
      hub: { publish: (_e, data) => sent.push(data) },
      audit: { record: () => undefined },
      log: { warn: () => undefined },
    });
    await watch.tick();
    await watch.tick();
    expect(sent.map((d) => PairEvent.parse(d).kind)).toEqual(['failover', 'sync_errors']);
  });
});

describe('PeerStateCache', () => {
  it('reads once per ttl, shares a read under way, and reads again after the ttl', async () => {
    let now = 0;
    let reads = 0;
    const cache = new PeerStateCache(
      async () => {
        reads++;
        return { reachable: reads === 1, error: null, activeRevisionId: null, inSync: false };
      },
      5000,
      () => now,
    );
    const [x, y] = await Promise.all([cache.get(), cache.get()]);
    expect(reads).toBe(1);
    expect(x).toBe(y);
    now = 4999;
    expect((await cache.get())?.reachable).toBe(true);
    expect(reads).toBe(1);
    now = 5000;
    expect((await cache.get())?.reachable).toBe(false);
    expect(reads).toBe(2);
    cache.invalidate();
    await cache.get();
    expect(reads).toBe(3);
  });
});
