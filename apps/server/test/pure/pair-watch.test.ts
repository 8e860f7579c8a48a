/** The pair watch: a failover and rising sync counters become pair events and audit entries; nothing else does. */
import { describe, expect, it } from 'vitest';
import type { ConntrackdStats, PairStatus } from '../../src/schemas/pair.js';
import { PairWatch } from '../../src/services/ha/pair-watch.js';

const cache = (failed = 0) => ({
  active: 3,
  created: 5,
  createdFailed: failed,
  updated: 0,
  updatedFailed: 0,
  destroyed: 0,
  destroyedFailed: 0,
});
const stats = (lost = 0, failed = 0): ConntrackdStats => ({
  internal: cache(),
  external: cache(failed),
  link: {
    device: 'eth2',
    bytesSent: 1,
    bytesReceived: 1,
    packetsSent: 1,
    packetsReceived: 1,
    sendErrors: 0,
    receiveErrors: 0,
  },
  messages: { malformed: 0, lost },
});
const reading = (wan: 'master' | 'backup', sync: ConntrackdStats | null): PairStatus => ({
  configured: true,
  node: 'gw-b',
  peer: 'gw-a',
  instances: [
    { name: 'wan', interface: 'eth0', address: '192.0.2.200', routerId: 51, state: wan },
    { name: 'lan', interface: 'eth1', address: '192.168.1.1', routerId: 52, state: 'backup' },
  ],
  sync: sync ? { ok: true, stats: sync } : { ok: false, error: 'connect: No such file or directory' },
  lastPrimaryAt: null,
  lastBulkSyncAt: null,
});

function watch(readings: PairStatus[]) {
  const events: unknown[] = [];
  const audit: string[] = [];
  const w = new PairWatch({
    read: async () => readings.shift() as PairStatus,
    hub: { publish: (_name, data) => events.push(data) },
    audit: { record: (_actor, action, target) => audit.push(`${action} ${target}`) },
    log: { warn: () => {} },
  });
  return { w, events, audit };
}

describe('pair watch', () => {
  it('a node that becomes MASTER, then BACKUP: one event and one audit entry each; the first reading none', async () => {
    const { w, events, audit } = watch([
      reading('master', stats()),
      reading('master', stats()),
      reading('backup', stats()),
      reading('master', stats()),
    ]);
    for (let i = 0; i < 4; i++) await w.tick();
    expect(audit).toEqual(['pair.backup vrrp:wan', 'pair.master vrrp:wan']);
    expect(events[1]).toEqual({
      kind: 'failover',
      node: 'gw-b',
      instance: 'wan',
      address: '192.0.2.200',
      state: 'master',
    });
  });

  it('rising error counters and conntrackd going silent are sync errors; steady counters are not', async () => {
    const { w, events, audit } = watch([
      reading('backup', stats(2, 1)),
      reading('backup', stats(2, 1)),
      reading('backup', stats(5, 1)),
      reading('backup', stats(5, 4)),
      reading('backup', null),
      reading('backup', null),
    ]);
    for (let i = 0; i < 6; i++) await w.tick();
    expect(audit).toEqual([
      'pair.sync_errors conntrackd',
      'pair.sync_errors conntrackd',
      'pair.sync_errors conntrackd',
    ]);
    expect(events).toEqual([
      { kind: 'sync_errors', node: 'gw-b', increase: { lost: 3 } },
      { kind: 'sync_errors', node: 'gw-b', increase: { externalFailed: 3 } },
      { kind: 'sync_errors', node: 'gw-b', error: 'connect: No such file or directory' },
    ]);
  });
});
