/**
 * The importer's notes: each has a group (carried over, a harmless default of
 * the source tool, or a change for traffic that needs the operator's
 * decision), a stable code with its parameters for clients that translate,
 * and the English text.
 */

export type NoteGroup = 'carried' | 'harmless' | 'decision';

export interface ImportNote {
  group: NoteGroup;
  code: ImportNoteCode;
  params: Record<string, string | number>;
  text: string;
  /** The rule or table it is about ("inet fw4 dstnat_wan handle 12"), when there is one. */
  where?: string;
}

const NOTES = {
  // carried
  'forward.carried': ['carried', 'forward {name}: {proto} {ports} to {target}'],
  'gateway_forward.carried': ['carried', 'gateway forward: {proto} {port} to the gateway port {localPort}'],
  'masquerade.carried': ['carried', 'masquerade: {which}'],
  'helper.carried': ['carried', 'FTP helper on control port(s) {ports}'],
  'tftp_helper.carried': ['carried', 'TFTP helper on port(s) {ports}'],
  'passive_only.carried': ['carried', 'passive-only FTP (active data connections dropped)'],
  'reflection.carried': [
    'carried',
    'reflection (NAT loopback) for {proto} {port} to {target}: forward {name} is reflected',
  ],
  'filter.carried': ['carried', 'forward filter: policy {policy}, LAN to WAN {lanToWan}'],
  'interfaces.from_ruleset': ['carried', 'interfaces from the ruleset: WAN {wan}, LAN {lan}'],
  // harmless
  'default.rule': ['harmless', '{tool}: {what} (Gatehouse does the same, or it does not change forwarded traffic)'],
  'chain.local_traffic': [
    'harmless',
    "{tool}: the gateway's own {hook} filtering ({rules} rule(s), policy {policy}) is not carried over; Gatehouse manages forwarding and NAT only",
  ],
  'docker.left_alone': [
    'harmless',
    "table {table} holds Docker's chains ({chains}): Docker manages it; Gatehouse leaves it alone and will not retire it",
  ],
  'ipv6.skipped': ['harmless', 'an IPv6-only rule; Gatehouse manages IPv4 NAT'],
  // decision
  'rule.not_modelled': ['decision', 'a {hook} rule Gatehouse does not model ({what}); not carried over'],
  'rule.unreadable': ['decision', 'a rule with a match the importer cannot read ({what}); not carried over'],
  'dnat.no_port': ['decision', 'a DNAT without a TCP/UDP port match; not carried over'],
  'dnat.range_to_port': ['decision', 'a port list DNATed to one other port; not carried over'],
  'dnat.gateway_range': ['decision', 'a port range to the gateway itself; Gatehouse takes single ports there'],
  'dnat.daddr_widened': [
    'decision',
    'forward {name} matched only connections to {daddr}; Gatehouse forwards the port on every address of the WAN interface',
  ],
  'reflection.dropped': [
    'decision',
    'reflection (NAT loopback) for {proto} {port}: LAN clients using the public address will no longer reach {target}',
  ],
  'snat.as_masquerade': ['decision', 'snat to {addr} becomes masquerade (the address of the outgoing interface)'],
  'helper.not_ftp': [
    'decision',
    'a {type} conntrack helper; Gatehouse manages the FTP and TFTP helpers only; not carried over',
  ],
  'helper.lan_clients': [
    'decision',
    'the {type} helper for connections from {iif} (LAN clients to outside servers) is not carried over: Gatehouse helps forwarded servers only, so active FTP from LAN clients through the masquerade may stop working',
  ],
  'helper.port_not_forwarded': [
    'decision',
    'the FTP helper on port {port} has no forward to a server on that port; left out',
  ],
  'helper.before_conntrack': [
    'decision',
    'helper assignment at priority {prio}, before conntrack: it has no effect today; Gatehouse assigns it after DNAT, so FTP will start being helped',
  ],
  'helper.unused_object': ['harmless', 'ct helper {name} ({type}) is defined but no rule assigns it'],
  'interfaces.guessed_lan': [
    'decision',
    'the LAN interface could not be read from the ruleset; guessed {lan}, check it',
  ],
  'interfaces.guessed_wan': [
    'decision',
    'the WAN interface could not be read from the ruleset; guessed {wan}, check it',
  ],
  'interfaces.missing': ['decision', 'interface {name} (from the ruleset) does not exist on this gateway'],
  'forward.dropped_invalid': ['decision', 'forward {name} was left out: {reason}'],
  'filter.rule_dropped': [
    'decision',
    'forward filter rule not carried over ({what}); with Gatehouse that traffic is {fate}',
  ],
  'table.shared_with_docker': [
    'decision',
    "rules in {table} were imported, but the table also holds Docker's chains: it is not retired, so remove those rules by hand after adopting",
  ],
  'xt.no_details': [
    'decision',
    'iptables-nft rule with xt expression(s) {what}: pass the text listing (nft -a list ruleset) and iptables-nft-save to read it',
  ],
  'listing.cut': ['decision', 'the ruleset was not read whole: {why}'],
} as const satisfies Record<string, readonly [NoteGroup, string]>;

export type ImportNoteCode = keyof typeof NOTES;

export function note(code: ImportNoteCode, params: Record<string, string | number> = {}, where?: string): ImportNote {
  const [group, template] = NOTES[code];
  const text = template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
  return { group, code, params, text: where ? `${where}: ${text}` : text, ...(where ? { where } : {}) };
}

export const IMPORT_NOTE_CODES = Object.keys(NOTES) as ImportNoteCode[];
