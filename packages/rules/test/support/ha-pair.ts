/** The lab pair's `ha` section and per-node contexts, shared by the HA config tests. */
import { type HaNodeContext, HaSection } from '../../src/ha/index.js';

export const LAB_PAIR = HaSection.parse({
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
});

export function pairContext(node: 'gw-a' | 'gw-b', dir: string): HaNodeContext {
  return {
    node,
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    paths: {
      notify: `${dir}/ha-notify`,
      conntrackdConfig: `${dir}/conntrackd-${node}.conf`,
      conntrackdSocket: `${dir}/conntrackd-${node}.ctl`,
      conntrackdLock: `${dir}/conntrackd-${node}.lock`,
      conntrackdLog: `${dir}/conntrackd-${node}.log`,
    },
    ownAddresses: node === 'gw-a' ? ['192.0.2.3', '192.168.1.253'] : ['192.0.2.4', '192.168.1.254'],
  };
}
