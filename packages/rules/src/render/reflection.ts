/**
 * NAT reflection (hairpin), rendered: what lets a LAN client that connects
 * to the gateway's public address reach the forwarded server.
 *
 * - DNAT on the LAN interfaces for the public address, looking up the very
 *   same forward maps as the WAN rules (so a forward's ports, target, shift,
 *   source limits and FTPS passive range apply alike). Which forwards are
 *   reflected is a port set: with the global switch on, every forward but
 *   those in `unreflected_<proto>_ports` (their own `reflection: false`);
 *   with it off, only those in `reflected_<proto>_ports`.
 * - SNAT: the server would answer a LAN client directly (same segment), the
 *   client would drop a reply from an address it never called, so reflected
 *   flows are masqueraded to the gateway's LAN address. Postrouting cannot
 *   tell them apart by itself: it has no input interface (`iifname` is empty
 *   there) and the kernel refuses `fib` in postrouting (EOPNOTSUPP, Linux
 *   6.18). So the DNAT rule labels the flow (conntrack label bit 127, ours:
 *   labels only ever add bits, unlike a ct mark another tool may set whole)
 *   and the SNAT rule matches the label.
 * - Helpers: the helper chains match `iifname <wan>`; reflected control
 *   connections arrive on the LAN, so a chain of their own assigns each
 *   enabled kind's helper there too (render/helpers.ts' assignment rule for
 *   the LAN interfaces), at the same priority 10 after DNAT.
 * - Forward filter: when a filter chain exists (policy drop, passive-only),
 *   reflected flows (LAN in, LAN out, DNATed) are accepted first; passive-only
 *   is about public clients.
 */

import { ftpsPassiveRanges } from '../ftps.js';
import { HELPER_KIND_SPECS } from '../helper-kinds.js';
import type { GatewayModel, PortForward } from '../model.js';
import { formatRange, type PortRange, portRangesOrNone } from '../ports.js';
import { reflectionFlagMatters, reflectionGlobal, reflectionInUse } from '../reflection.js';
import { anonSet, comment, compareIpv4, ifnames } from './format.js';
import { forwardComment } from './forwards.js';
import { sourceNat } from './ha-nat.js';
import { enabledHelperKinds, renderHelperAssignment } from './helpers.js';

export const REFLECTION_CHAIN = 'reflection_helpers';

/** The conntrack label bit marking a reflected flow (`ct label set 127`; conntrack -L shows it with -o labels). */
export const REFLECTION_LABEL = 127;

type Proto = 'tcp' | 'udp';
const PROTOS: readonly Proto[] = ['tcp', 'udp'];

type Mode = { kind: 'all' } | { kind: 'only' | 'except'; sets: Record<Proto, string[]> };

/** Ports of a forward's own set elements: its public ports and, for TCP, its FTPS passive range. */
function ownRanges(f: PortForward, proto: Proto): PortRange[] {
  if (f.protocol !== 'both' && f.protocol !== proto) return [];
  const ranges = portRangesOrNone(f.publicPorts);
  return proto === 'tcp' ? [...ranges, ...ftpsPassiveRanges(f)] : ranges;
}

function setName(kind: 'only' | 'except', proto: Proto): string {
  return kind === 'only' ? `reflected_${proto}_ports` : `unreflected_${proto}_ports`;
}

/** Elements `<range> comment "forward <id>"` of each protocol's set, in forward order. */
function mode(model: GatewayModel): Mode {
  const global = reflectionGlobal(model);
  const sets: Record<Proto, string[]> = { tcp: [], udp: [] };
  let any = false;
  for (const f of model.forwards) {
    if (!f.enabled || !reflectionFlagMatters(model, f)) continue;
    any = true;
    for (const proto of PROTOS) {
      for (const r of ownRanges(f, proto)) sets[proto].push(`${formatRange(r)} ${comment(forwardComment(f))}`);
    }
  }
  if (global && !any) return { kind: 'all' };
  return { kind: global ? 'except' : 'only', sets };
}

/** The reflection port sets, each preceded by a blank line (none when reflection is off or global with no exception). */
export function renderReflectionSets(model: GatewayModel): string[] {
  if (!reflectionInUse(model)) return [];
  const m = mode(model);
  if (m.kind === 'all') return [];
  const lines: string[] = [];
  for (const proto of PROTOS) {
    const elements = m.sets[proto];
    lines.push(
      '',
      `set ${setName(m.kind, proto)} {`,
      '\ttype inet_service',
      '\tflags interval',
      `\t${comment(m.kind === 'only' ? `${proto} ports of forwards reflected on their own` : `${proto} ports of forwards not reflected`)}`,
    );
    if (elements.length > 0) {
      lines.push('\telements = {');
      elements.forEach((e, i) => {
        lines.push(`\t\t${e}${i < elements.length - 1 ? ',' : ''}`);
      });
      lines.push('\t}');
    }
    lines.push('}');
  }
  return lines;
}

/** How a LAN packet is recognised as sent to the gateway's public address. */
export function publicAddressMatch(model: GatewayModel): string {
  const addresses = [...(model.reflection?.publicAddresses ?? [])].sort(compareIpv4);
  // Empty: any address of the gateway that is not on the interface the client came in on
  // (the WAN's, DHCP or not; never the LAN address the client reaches the panel on).
  return addresses.length > 0 ? `ip daddr ${anonSet(addresses)}` : 'fib daddr type local fib daddr . iif type != local';
}

/** The DNAT rules for reflected flows, after the WAN ones in dnat_prerouting. */
export function renderReflectionRules(model: GatewayModel): string[] {
  if (!reflectionInUse(model)) return [];
  const m = mode(model);
  const lead = `iifname ${ifnames(model.interfaces.lan)} ${publicAddressMatch(model)}`;
  const ports = (proto: Proto) =>
    m.kind === 'all' ? '' : ` ${proto} dport ${m.kind === 'only' ? '' : '!= '}@${setName(m.kind, proto)}`;
  // The label comes before dnat (a NAT statement ends the rule); a lookup that misses leaves a
  // label on a flow that is not DNATed, which the SNAT rule's `ct status dnat` ignores.
  const label = `ct label set ${REFLECTION_LABEL}`;
  const src = `${label} dnat ip to meta l4proto . ip saddr . th dport map`;
  const lines: string[] = [];
  for (const [map, what] of [
    ['forward_src_same_port', 'source-limited, same port'],
    ['forward_src_new_port', 'source-limited, other port'],
  ] as const) {
    if (m.kind === 'all') {
      lines.push(`${lead} meta l4proto { tcp, udp } ${src} @${map} ${comment(`reflection: ${what}`)}`);
    } else {
      for (const proto of PROTOS) {
        lines.push(`${lead}${ports(proto)} ${src} @${map} ${comment(`reflection: ${what}, ${proto}`)}`);
      }
    }
  }
  for (const proto of PROTOS) {
    for (const [kind, what] of [
      ['same_port', 'same port'],
      ['same_range', 'same port range'],
      ['new_port', 'other port'],
    ] as const) {
      lines.push(
        `${lead}${ports(proto)} ${label} dnat ip to ${proto} dport map @forward_${proto}_${kind} ${comment(`reflection: ${proto}, ${what}`)}`,
      );
    }
  }
  return lines;
}

/** The SNAT rule for reflected flows, first in snat_postrouting (to the LAN virtual address on an HA pair). */
export function renderReflectionMasquerade(model: GatewayModel): string[] {
  if (!reflectionInUse(model)) return [];
  const lan = ifnames(model.interfaces.lan);
  return [
    `oifname ${lan} ct label ${REFLECTION_LABEL} ct status dnat ${sourceNat(model, 'lan')} ${comment('reflection: LAN clients of the public address see the gateway as peer')}`,
  ];
}

/** The chain assigning each enabled helper to reflected flows (LAN in), preceded by a blank line; none if not needed. */
export function renderReflectionHelperChain(
  model: GatewayModel,
  chain: (name: string, hook: string[], rules: string[]) => string[],
): string[] {
  if (!reflectionInUse(model)) return [];
  const rules = enabledHelperKinds(model).flatMap((kind) =>
    renderHelperAssignment(model, kind, {
      interfaces: model.interfaces.lan,
      what: `reflected ${HELPER_KIND_SPECS[kind].inspects}`,
    }),
  );
  if (rules.length === 0) return [];
  return ['', ...chain(REFLECTION_CHAIN, ['type filter hook prerouting priority 10; policy accept;'], rules)];
}

/** First rule of the forward filter chain (when there is one): reflected flows pass. */
export function renderReflectionFilterRules(model: GatewayModel): string[] {
  if (!reflectionInUse(model)) return [];
  const lan = ifnames(model.interfaces.lan);
  return [
    `iifname ${lan} oifname ${lan} ct status dnat accept ${comment('reflection: LAN clients reaching forwarded servers')}`,
  ];
}
