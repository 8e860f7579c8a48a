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
    heldByHand:
      'This node gave up the virtual addresses by hand (Fail over): its keepalived stays stopped, across applies too, until Resume. {{peer}} holds them meanwhile.',
    degraded: {
      title: 'Degraded: the peer {{peer}} cannot be reached',
      explain:
        'The virtual addresses and the synced connections still fail over as keepalived and conntrackd allow, but a change can no longer go to both nodes: every revision is applied to both or to neither.',
      override:
        'Applying now needs the override "Apply on this node only". The peer then keeps its older revision until it is back and a revision is applied again.',
      outOfSyncTitle: 'Degraded: {{peer}} does not run this node’s revision',
      outOfSync:
        'The two nodes hold different revisions, for example after an apply on this node only while {{peer}} was unreachable. Its panel answers again: the next apply puts both nodes on the same revision.',
    },
    peer: {
      title: 'The peer, {{peer}}',
      unknownState: 'The state of {{peer}} is not known yet.',
      reachable: 'Its panel answers',
      yes: 'yes',
      no: 'no',
      revision: 'Its active revision',
      noRevision: 'none',
      inSync: 'Same revision as this node',
      inSyncYes: 'in sync',
      inSyncNo: 'not in sync',
    },
    actions: {
      title: 'Fail over by hand',
      failover: 'Fail over to {{peer}}',
      failoverQuestion:
        'This node gives up the virtual addresses (its keepalived stops): {{peer}} takes them, and connections continue on {{peer}}. Fail over?',
      failoverConfirm: 'Yes, fail over',
      failoverDone: 'This node gave up the virtual addresses; {{peer}} takes over in a few seconds.',
      resume: 'Resume',
      resumeQuestion:
        'This node starts keepalived again and takes part in the pair: with the higher priority it takes the virtual addresses back. Resume?',
      resumeConfirm: 'Yes, resume',
      resumeDone: 'keepalived runs again on this node.',
      resumeNothing: 'keepalived was not held down on this node: nothing to resume.',
      failoverStillHeld:
        'keepalived stopped on this node, but it still held the virtual address of {{segments}} when the wait ended: check {{peer}} on its own Pair page.',
      notMaster: 'This node holds no virtual address: there is nothing to fail over from here.',
    },
  },
  /** An apply of a pair revision that did not reach both nodes (Apply, rollback, roll back now). */
  pairApply: {
    thePeer: 'the peer',
    aNode: 'A node',
    degradedTitle: {
      apply: 'Not applied: the peer {{peer}} cannot be reached.',
      confirm: 'Not confirmed: the peer {{peer}} cannot be reached.',
      rollback: 'Not rolled back: the peer {{peer}} cannot be reached.',
    },
    degradedExplain:
      'This gateway is one of a pair, and a change goes to both nodes or to neither; nothing was changed. You can make it on this node only: {{peer}} keeps its older revision until it is back and you apply again.',
    peerDownBefore: 'The peer {{peer}} cannot be reached: an apply now asks first, and then goes to this node only.',
    thisNodeOnly: {
      apply: 'Apply on this node only',
      confirm: 'Keep on this node only',
      rollback: 'Roll back on this node only',
    },
    refusedAt: {
      check: '{{node}} refused this revision when it was checked.',
      apply: '{{node}} refused this revision when it was applied.',
      confirm: '{{node}} refused to confirm this revision.',
      rollback: '{{node}} refused to roll this revision back.',
    },
    outcome: {
      nothingChanged: 'Nothing changed on either node.',
      rolledBackHere:
        'This node had applied it and went back to its previous revision: nothing changed on either node.',
      notRolledBack:
        'This node could not go back to its previous revision by itself: compare the two nodes on the Pair page and in History.',
      stillProvisional:
        'The revision is still provisional on this node: it rolls back at its deadline unless confirmed.',
      notUndone: 'Nothing was rolled back: the provisional revision still waits for confirmation.',
    },
  },
  /** Which nodes of a pair hold a revision (History) and which node a table shows (Connections, Expectations). */
  pairNodes: {
    column: 'Nodes',
    notPair: '—',
    thisNodeOnly: 'this node only',
    onlyOn: '{{node}} only',
    from: 'from {{node}} #{{id}}',
    fromNode: 'from {{node}}',
    holdsLabel: 'Held by {{nodes}}',
    node: 'Node',
    nodeForm: 'Which node’s table',
    thisNode: 'This node ({{node}})',
    polled:
      "The table of {{node}} is read from its panel every few seconds, not streamed: this node's live stream does not carry it.",
  },
};
