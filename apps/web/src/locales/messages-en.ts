/**
 * What the server and the model say, by code: `problem.<code>` for a field
 * problem (the model's own codes and zod's built-in ones, see
 * @gatehouse/rules issues.ts), `serverError.<code>` for an error body's
 * `error`. Parameters are the ones the server sends in `params`. A unit test
 * collects every code from the rules package and the server's source and
 * fails on one missing here or in messages-ja.ts.
 */
export const messagesEn = {
  problem: {
    invalid: 'This value is not valid.',
    required: 'This is required.',
    invalid_type: 'Expected a value of type {{expected}}.',
    too_long: 'At most {{maximum}} characters.',
    too_short: 'At least {{minimum}} characters.',
    too_many: 'At most {{maximum}} entries.',
    too_few: 'At least {{minimum}} entries.',
    too_big: 'At most {{maximum}}.',
    too_small: 'At least {{minimum}}.',
    invalid_ipv4: 'Expected an IPv4 address such as 192.168.1.2.',
    invalid_cidr: 'Expected an IPv4 prefix such as 203.0.113.0/24.',
    invalid_format: 'The format is not valid.',
    invalid_value: 'Choose one of: {{values}}.',
    unrecognized_keys: 'Unknown fields: {{keys}}.',
    invalid_cursor: 'The list position is no longer valid; reload the list.',
    lockout: 'This change would cut off the connection you are using to reach the panel.',
    adopt: {
      rule: 'A rule the model cannot say, in chain {{chain}}: {{rule}}',
      element: 'A map element the model cannot say, in {{map}}: {{element}}',
      object: '{{kind}} {{name}} is not one the model declares.',
      missing: 'The model would add what the live table lacks: {{what}}',
      invalid: 'The model read from the table would be invalid: {{path}}: {{message}}',
    },
    ports: {
      format: 'Use a port (80), a range (8000-8100) or a comma-separated list of them.',
      out_of_range: 'Port {{port}} is outside 1-65535.',
      backwards: 'The range {{from}}-{{to}} runs backwards.',
      overlap_in_list: '{{a}} and {{b}} overlap within the list.',
    },
    sources: {
      same: '{{prefix}} is the same source as {{other}}, listed before; list each source once.',
      within: '{{prefix}} lies within {{other}}, listed before; list each source once.',
      covers: '{{prefix}} covers {{other}}, listed before; list each source once.',
      map_budget:
        'This forward would need {{elements, number}} source-limited map elements (at most {{max, number}}); use fewer sources or ports, or a prefix covering several sources.',
      map_budget_total:
        'Source-limited forwards would need {{elements, number}} map elements in all (at most {{max, number}}); use fewer sources or ports.',
    },
    target_port: {
      needs_single_range: 'A different target port needs a single public port or one range, not a list.',
      past_65535: 'The shifted range {{from}}-{{to}} runs past 65535.',
    },
    public_ports: {
      shift_too_wide: 'A shifted range may span at most {{max}} ports; keep the same ports or split it.',
    },
    interfaces: {
      lan_is_wan: '{{name}} is already the WAN interface.',
      lan_twice: '{{name}} is listed twice.',
    },
    interface: {
      dot: '"." and ".." are not interface names.',
      format: 'Interface names use letters, digits and . _ - @ + only.',
    },
    id: {
      format: 'Use 1-40 lowercase letters, digits and dashes, starting with a letter or digit.',
      taken_by_forward: 'The id "{{id}}" is already used by the forward "{{name}}".',
      taken_by_gateway_forward: 'The id "{{id}}" is already used by the gateway forward "{{name}}".',
      fixed: 'The id cannot change (it is {{id}}).',
    },
    table: {
      format: 'Use 1-32 lowercase letters, digits and underscores, starting with a letter.',
      keyword: 'This is an nftables keyword; choose another name.',
    },
    prefix: {
      format: 'Expected an IPv4 address or prefix such as 203.0.113.0/24.',
      host_bits: 'Host bits are set after the prefix length; use the network address (e.g. 203.0.113.0/24).',
    },
    text: {
      forbidden_chars: 'Quotes, backslashes and control characters are not allowed.',
    },
    ftp: {
      control_port_twice: 'A control port is listed twice.',
      passive_only_needs_helper: 'Passive-only needs the FTP helper switched on.',
      passive_only_with_ftps:
        'Passive-only cannot be used with the FTPS forward "{{name}}": the helper cannot read its encrypted control channel, so its data connections are never related and passive-only would block none of them.',
      port_not_exposed: 'No enabled TCP forward exposes port {{port}} on any server.',
      port_not_exposed_on: 'No enabled TCP forward exposes port {{port}} on {{servers}}.',
      server_not_forwarded: 'No enabled TCP forward targets {{server}}.',
    },
    tftp: {
      port_twice: 'A port is listed twice.',
      port_not_exposed: 'No enabled UDP forward exposes port {{port}} on any server.',
      port_not_exposed_on: 'No enabled UDP forward exposes port {{port}} on {{servers}}.',
      server_not_forwarded: 'No enabled UDP forward targets {{server}}.',
    },
    ftps: {
      passive_one_range: "State the server's passive range as one port or one range, such as 40000-40009.",
      needs_tcp: 'FTPS runs over TCP: set the protocol to tcp (or both).',
      passive_overlaps_own: "The passive range overlaps this forward's own public port(s) {{ports}}.",
      passive_shadows_gateway_forward:
        'Port {{port}} is the gateway\'s own forward "{{name}}"; the passive range would shadow it.',
      passive_overlap: 'tcp port(s) {{ports}} are already forwarded by "{{other}}".',
      passive_only_on:
        "Switch FTP passive-only off first: the helper cannot read an encrypted control channel, so passive-only would block none of this forward's data connections.",
    },
    reflection: {
      address_twice: '{{address}} is listed twice.',
    },
    gateway_forward: {
      port_taken: 'Port {{port}} is already used by the gateway forward "{{other}}".',
    },
    forward: {
      shadows_gateway_forward:
        'Port {{port}} is the gateway\'s own forward "{{name}}"; forwarding it away would shadow it.',
      ports_overlap: '{{proto}} port(s) {{ports}} already forwarded by "{{other}}".',
      ports_in_ftps_range: 'tcp port(s) {{ports}} are the FTPS passive range of "{{other}}".',
      unknown: 'There is no forward "{{id}}".',
    },
    ids: {
      twice: '"{{id}}" is named twice.',
    },
    pair: {
      unknown_node: 'No node of the pair is called {{node}}; the pair has {{known}}.',
    },
    ha: {
      address_format: 'Expected an address with its prefix length, such as 192.0.2.2/24.',
      secret_chars: 'Use printable characters without spaces.',
      same_name: 'The two nodes need different names.',
      same_priority: 'The two nodes need different priorities.',
      same_sync_address: 'The two nodes need different sync addresses.',
      same_api: 'The two nodes need different addresses.',
      same_router_id: 'WAN and LAN need different VRRP router ids.',
      sync_interface_taken: '{{name}} already carries WAN or LAN traffic; the sync link needs its own interface.',
      peer_token_short: 'A peer token is at least {{minimum}} characters.',
      secret_masked: 'This secret was shown masked and none is stored; enter the secret itself.',
    },
    password: {
      wrong: 'Wrong password.',
      control_chars: 'Control characters (NUL, newline, tab, ...) are not allowed.',
      contains_username: 'The password must not be or contain the username.',
      weak: 'Too easy to guess (strength {{score}} of 4, needs {{needs}}).',
    },
    etag: {
      invalid: 'Not a version tag from this server; reload and try again.',
    },
  },
  /** An interface's operational state as the kernel reports it (ip link: UP, DOWN, ...). */
  interfaceState: {
    up: 'up',
    down: 'down',
    unknown: 'unknown',
    lowerlayerdown: 'lower layer down',
    dormant: 'dormant',
    notpresent: 'not present',
    testing: 'testing',
  },
  /** A lockout reason by the object responsible (the server's reason is English prose). */
  lockoutReason: {
    forward: 'The forward "{{id}}" would stop your connection from reaching the panel.',
    gateway_forward: 'The gateway forward "{{id}}" would stop your connection from reaching the panel.',
    interfaces: 'Changing the WAN interface would stop your connection from reaching the panel.',
    other: 'This apply would stop your connection from reaching the panel.',
  },
  serverError: {
    validation: 'Some fields are not valid.',
    bad_request: 'The request is not valid.',
    invalid_json: 'The request is not valid JSON.',
    unauthenticated: 'Sign in again.',
    bad_credentials: 'Unknown user or wrong password.',
    account_disabled: 'This account is disabled; an admin can enable it again.',
    session_required: 'This needs a sign-in session, not an API token.',
    csrf: 'The page is out of date; reload it and try again.',
    forbidden: 'Your role does not allow this.',
    not_found: 'Not found.',
    method_not_allowed: 'The server does not allow this here.',
    not_acceptable: 'The server cannot answer in a form this page reads.',
    request_timeout: 'The request took too long.',
    conflict: 'Someone changed this in the meantime. Reload and try again.',
    exists: 'This already exists.',
    last_admin: 'This is the last admin; make someone else admin first.',
    token_active: 'This token still works: revoke it before removing it.',
    lockout: 'This apply would cut off the connection you are using.',
    panel_connection: 'This is a connection to the panel itself: killing it would cut off the browser using it.',
    apply_in_progress: 'Another apply or rollback is running; try again when it has finished.',
    peer_not_allowed: 'The pair’s peer token is only for the peer routes.',
    pair_degraded:
      'The peer {{peer}} cannot be reached, so the pair is degraded. Apply on this node only, or bring the peer back first.',
    pair_peer_refused: 'Node {{node}} refused the revision, so neither node changed: {{reason}}',
    peer_refused: 'Node {{node}} refused the revision: {{reason}}',
    peer_unreachable: 'The peer {{node}} cannot be reached: its table cannot be shown now.',
    not_master: 'This node holds no virtual address: there is nothing to fail over.',
    not_pair_node:
      'This panel is not a node of the applied pair (GATEHOUSE_HA_NODE, and a pair naming it in the applied revision).',
    ha_engines_off:
      'Gatehouse does not run keepalived on this node (GATEHOUSE_HA_ENGINES=off): fail over with keepalived itself.',
    ha_engine_failed: 'Could not {{action}} keepalived: {{detail}}',
    nothing_to_confirm: 'No provisional apply is waiting for confirmation.',
    import_own_table: 'Table {{table}} is Gatehouse’s own table; it is never retired.',
    import_table_not_read: 'Table {{table}} is not one the import read; only those may be retired.',
    import_table_kept: 'Table {{table}} is managed by another tool and stays; it cannot be retired.',
    import_table_gone: 'Table {{table}} is no longer on the gateway. Read the ruleset again.',
    import_table_not_restorable:
      'Table {{table}} cannot be saved in a form nft loads back, so a rollback could not restore it. Keep it, and remove it by hand after confirming.',
    import_invalid_proposal: 'The proposal is not a valid model; fix it before adopting.',
    confirm_needs_new_connection: 'Confirm over a new connection: this one was opened before the apply.',
    nothing_applied: 'Nothing has been applied yet.',
    nothing_to_roll_back: 'There is nothing to roll back to.',
    not_restorable: 'This revision holds no gateway model to restore.',
    drift_not_adoptable:
      'This hand change cannot be adopted: the model cannot say all of it. Restore the applied revision instead.',
    nothing_to_adopt: 'The live table is what the applied revision loaded: there is nothing to adopt.',
    table_missing: 'The table is gone from the kernel: restore the applied revision instead.',
    not_rejected: 'Revision {{id}} applied fine: roll back to it instead.',
    pending_confirmation: 'A provisional apply is waiting for confirmation; confirm it or let it roll back first.',
    precondition_failed: 'Someone changed the configuration in the meantime; reload it and try again.',
    precondition_required: 'Reload the page and try again.',
    length_required: 'The request has no length.',
    body_too_large: 'The request is too large.',
    uri_too_long: 'The address is too long.',
    bad_url: 'The address is not valid.',
    invalid_content_length: 'The request length is not valid.',
    unsupported_media_type: 'The request is in a format the server does not accept.',
    unprocessable: 'The server could not process this.',
    rate_limited: 'Too many attempts; wait a moment and try again.',
    headers_too_large: 'The request headers are too large.',
    nft_rejected: 'nft rejected the rule set; nothing was changed.',
    nft_failed: 'Could not read the live rule set.',
    command_failed: 'A system command failed; the server log has the details.',
    stored_model_invalid: 'The stored gateway model no longer validates; the server log has the details.',
    internal: 'Internal error; the server log has the details.',
  },
};
