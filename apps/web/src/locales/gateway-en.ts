/**
 * The Gateway page's strings (en): gateway forwards, traffic settings and interface roles.
 * Spread into en.ts like messages-en.ts.
 */
export const gatewayEn = {
  gateway: {
    title: 'Gateway',
    intro:
      'The rest of the gateway: ports forwarded to the gateway itself, what is masqueraded, what the forward filter lets through, and which interface is which. Changes go to the desired state; the Apply page makes them live.',
    savedHint: 'Saved to the desired state. Apply to make it live.',
    toApply: 'Review and apply',
    field: {
      id: 'Identifier',
      idHelp: 'Lowercase letters, digits and dashes; it names the rules on the gateway.',
      name: 'Name',
      enabled: 'Enabled',
      protocol: 'Protocol',
      publicPort: 'Public port',
      publicPortHelp: 'The port on the gateway’s public (WAN) address, e.g. 2222.',
      localPort: 'Port on the gateway',
      localPortHelp: 'Where the service listens on the gateway itself, e.g. 22 for ssh.',
      allowedSources: 'Allowed sources',
      comment: 'Comment',
    },
    forwards: {
      title: 'Gateway forwards',
      intro:
        'Public ports forwarded to a service on the gateway itself: the way back in from outside, e.g. public 2222 to ssh on 22.',
      add: 'Add gateway forward',
      newTitle: 'New gateway forward',
      editTitle: 'Edit gateway forward “{{name}}”',
      empty: 'No gateway forwards: nothing on the gateway itself is reachable through a public port.',
      tableLabel: 'Gateway forwards',
      toggle: 'Enable gateway forward {{name}}',
      editLabel: 'Edit gateway forward {{name}}',
      deleteLabel: 'Delete gateway forward {{name}}',
      deleteConfirm: 'Delete gateway forward “{{name}}”? This takes effect at the next apply.',
    },
    traffic: {
      title: 'Masquerade and forward filter',
      masquerade: 'Masquerade (source NAT)',
      forwardedServers: 'Forwarded servers see the gateway as their peer',
      forwardedServersHelp:
        'Connections that come in through a port forward reach the server from the gateway’s LAN address. Needed when the servers have no route back to the public side (their default route is not this gateway); the servers then no longer see the real client address.',
      lanToWan: 'LAN traffic leaves with the gateway’s public address',
      lanToWanHelp:
        'Machines on the LAN reach the internet behind the gateway’s WAN address. Turn it off only if the LAN uses public addresses routed to this gateway.',
      filter: 'Forward filter',
      policy: 'Traffic the gateway forwards',
      policy_accept: 'Forward everything',
      policy_acceptHelp: 'Forwarded traffic is not filtered (beyond FTP passive-only).',
      policy_drop: 'Forward only what is allowed',
      policy_dropHelp:
        'Only replies and related traffic, port-forwarded connections and (if allowed below) LAN-to-WAN traffic pass; everything else is dropped.',
      allowLanToWan: 'Allow LAN to WAN',
      allowLanToWanHelp:
        'With “forward only what is allowed”, machines on the LAN may open connections to the internet. Has no effect while everything is forwarded.',
      save: 'Save masquerade and filter',
    },
    roles: {
      title: 'Interface roles',
      intro:
        'The WAN interface faces the public side; LAN interfaces face the private servers. Pick them from the gateway’s live interfaces, or type the name of one that is not up yet.',
      tableLabel: 'Interfaces and their roles',
      none: 'No interfaces reported.',
      interface: 'Interface',
      state: 'State',
      addresses: 'Addresses',
      role: 'Role',
      roleOf: 'Role of {{name}}',
      role_wan: 'WAN (public)',
      role_lan: 'LAN (private)',
      role_none: 'Not used',
      notPresent: 'not present',
      typed: 'Interface not up yet',
      typedRole: 'Its role',
      connectedVia: 'You are connected through {{name}} ({{address}}).',
      warningTitle: 'You are connected through {{name}}: its role changes from {{from}} to {{to}}.',
      warningBody:
        'After the apply the gateway treats your connection to {{address}} by the new role and you may lose the panel. The apply is checked for this and rolls back unless your browser confirms it over a new connection.',
      save: 'Save interface roles',
      reset: 'Undo changes',
    },
  },
};
