/** The HA pair page's strings (en). Spread into en.ts like gateway-en.ts. */
export const pairEn = {
  pair: {
    title: 'Pair',
    notConfigured:
      'This gateway is not part of a pair. A pair of gateways shares its addresses through keepalived and its connections through conntrackd: see docs/ha.md.',
    nodeUnknown: 'This panel does not know which node of the pair it runs on (GATEHOUSE_HA_NODE).',
    thisNode: 'This is node {{node}}; its peer is {{peer}}.',
    instances: 'Virtual addresses (VRRP)',
    instance: 'Segment',
    interface: 'Interface',
    address: 'Virtual address',
    routerId: 'Router id',
    state: 'This node',
    segment: { wan: 'WAN', lan: 'LAN' },
    vrrp: { master: 'MASTER (holds it)', backup: 'BACKUP' },
    sync: 'Connection sync (conntrackd)',
    syncDown: 'conntrackd does not answer: {{error}}',
    stats: {
      internal: "This node's connections",
      external: "The peer's connections, ready for a takeover",
      failed: 'Peer connections that failed to apply',
      linkErrors: 'Sync link errors',
      lost: 'Sync messages lost',
      malformed: 'Malformed sync messages',
    },
    lastPrimary: 'Last takeover: {{at}}.',
    lastBulk: 'Last bulk sync sent: {{at}}.',
    never: 'never',
    unknown: 'unknown',
  },
};
