/**
 * The pair page's figures from what the engines print: conntrackd's
 * statistics (its exact output, captured from conntrackd 1.4.7 in a lab
 * namespace), the notify hook's log, and VRRP state from the addresses a
 * node holds.
 */
import { GatewayModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { parseConntrackdStats } from '../../src/services/ha/conntrackd-stats.js';
import { lastHookTimes, vrrpStates } from '../../src/services/ha/pair-status.js';

const STATS = `cache internal:
current active connections:	           2
connections created:		           5	failed:	           0
connections updated:		          17	failed:	           1
connections destroyed:		           3	failed:	           0

cache external:
current active connections:	           4
connections created:		           6	failed:	           2
connections updated:		           9	failed:	           0
connections destroyed:		           2	failed:	           0

traffic processed:
                   0 Bytes                         0 Pckts

UDP traffic (active device=eth2):
                 144 Bytes sent                  844 Bytes recv
                   9 Pckts sent                   11 Pckts recv
                   0 Error send                    3 Error recv

message tracking:
                   0 Malformed msgs                    7 Lost msgs
`;

describe('conntrackd -s', () => {
  it('reads both caches, the sync link and the message counters', () => {
    const s = parseConntrackdStats(STATS);
    expect(s.internal).toEqual({
      active: 2,
      created: 5,
      createdFailed: 0,
      updated: 17,
      updatedFailed: 1,
      destroyed: 3,
      destroyedFailed: 0,
    });
    expect(s.external.active).toBe(4);
    expect(s.external.createdFailed).toBe(2);
    expect(s.link).toEqual({
      device: 'eth2',
      bytesSent: 144,
      bytesReceived: 844,
      packetsSent: 9,
      packetsReceived: 11,
      sendErrors: 0,
      receiveErrors: 3,
    });
    expect(s.messages).toEqual({ malformed: 0, lost: 7 });
  });

  it('reads a missing figure as null, never as 0', () => {
    const s = parseConntrackdStats('cache internal:\ncurrent active connections:\t 1\n');
    expect(s.internal.active).toBe(1);
    expect(s.internal.created).toBeNull();
    expect(s.external.active).toBeNull();
    expect(s.link.device).toBeNull();
  });
});

describe('the notify hook log', () => {
  it('gives the last takeover and the last successful bulk sync', () => {
    const log = [
      '1796039000.5 primary -c exit=0',
      '1796039000.6 primary -B exit=0',
      '1796039100.0 backup -t exit=0',
      '1796039200.25 primary -c exit=0',
      '1796039200.3 primary -B exit=1',
    ].join('\n');
    expect(lastHookTimes(log)).toEqual({
      lastPrimaryAt: new Date(1796039200250).toISOString(),
      lastBulkSyncAt: new Date(1796039000600).toISOString(),
    });
    expect(lastHookTimes('')).toEqual({ lastPrimaryAt: null, lastBulkSyncAt: null });
  });
});

describe('VRRP state', () => {
  const model = GatewayModel.parse({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    ha: {
      nodes: [
        { name: 'gw-a', apiUrl: 'https://10.9.0.1:8080', syncAddress: '10.9.0.1', priority: 150 },
        { name: 'gw-b', apiUrl: 'https://10.9.0.2:8080', syncAddress: '10.9.0.2', priority: 100 },
      ],
      vrrp: {
        wan: { routerId: 51, address: '192.0.2.2/24' },
        lan: { routerId: 52, address: '192.168.1.1/24' },
        authSecret: 'gh-pair1',
      },
      syncInterface: 'eth2',
      peerToken: 'pair-lab-peer-token-0123456789abcdef',
    },
  });

  it('is master of the instances whose virtual address this node holds', () => {
    const states = vrrpStates(model, [
      { name: 'eth0', state: 'UP', mac: null, addresses: ['192.0.2.3/24', '192.0.2.2/24'] },
      { name: 'eth1', state: 'UP', mac: null, addresses: ['192.168.1.253/24'] },
    ]);
    expect(states.map((s) => [s.name, s.state])).toEqual([
      ['wan', 'master'],
      ['lan', 'backup'],
    ]);
  });

  it('has no instances without a pair', () => {
    expect(vrrpStates(GatewayModel.parse({ interfaces: { wan: 'eth0', lan: ['eth1'] } }), [])).toEqual([]);
  });
});
