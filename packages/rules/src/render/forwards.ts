/**
 * Port forwards compile to nft maps, so a packet costs a fixed number of
 * lookups whatever the number of forwards:
 *
 * - forward_{tcp,udp}_same_port: single `th dport` -> address (a hash map).
 * - forward_{tcp,udp}_same_range: port range -> address (an interval map). DNAT
 *   keeps the destination port, which is how one element covers a whole range
 *   (the seed's 1-1023).
 * - forward_{tcp,udp}_new_port: port -> address . port, for a different target
 *   port; a shifted range is expanded port by port because a map value cannot
 *   express "the same offset" for a range.
 * - forward_src_{same,new}_port: the same for forwards limited to source
 *   prefixes, keyed `meta l4proto . ip saddr . th dport`.
 *
 * The split is about load time, measured on nftables 1.0.6 / Linux 6.18:
 * single-field interval maps (rbtree) and hash maps load 10,000 elements in
 * ~0.1 s, while a concatenated interval key (pipapo) needs ~0.8 s and 100,000
 * elements took 78 s. So only source-restricted forwards pay for the
 * concatenation. Even a single-field interval map costs more than a hash map
 * (10,000 single ports: ~115 ms against ~88 ms for the whole script, the
 * one-rule-per-forward equivalent being ~305 ms), and most forwards are one
 * port, so single ports go to hash maps and only real ranges to interval
 * maps. Element comments and counters cost next to nothing in a hash map.
 *
 * Each element carries a comment naming its forward and a counter, which is
 * where per-forward packet/byte figures come from.
 *
 * An FTPS forward's passive range (ftps.ts) is the forward's own too: same-port
 * elements to the same server, never shifted, source-limited like its ports.
 * NAT reflection (render/reflection.ts) looks the same maps up from the LAN,
 * and adds its port sets after them.
 */
import { ftpsPassiveRanges } from '../ftps.js';
import { type GatewayForward, type GatewayModel, type PortForward, protocolsOf } from '../model.js';
import { formatRange, type PortRange, portRanges } from '../ports.js';
import { comment, compareIpv4, ifnames, q } from './format.js';
import { renderReflectionRules, renderReflectionSets } from './reflection.js';

export type ForwardMapName =
  | 'forward_tcp_same_port'
  | 'forward_tcp_same_range'
  | 'forward_tcp_new_port'
  | 'forward_udp_same_port'
  | 'forward_udp_same_range'
  | 'forward_udp_new_port'
  | 'forward_src_same_port'
  | 'forward_src_new_port';

interface MapSpec {
  name: ForwardMapName;
  key: string;
  value: string;
  interval: boolean;
  what: string;
}

/** Declaration order is output order. */
export const FORWARD_MAPS: readonly MapSpec[] = [
  {
    name: 'forward_src_same_port',
    key: 'inet_proto . ipv4_addr . inet_service',
    value: 'ipv4_addr',
    interval: true,
    what: 'source-limited port forwards, same port',
  },
  {
    name: 'forward_src_new_port',
    key: 'inet_proto . ipv4_addr . inet_service',
    value: 'ipv4_addr . inet_service',
    interval: true,
    what: 'source-limited port forwards, other port',
  },
  {
    name: 'forward_tcp_same_port',
    key: 'inet_service',
    value: 'ipv4_addr',
    interval: false,
    what: 'tcp port forwards, same port',
  },
  {
    name: 'forward_tcp_same_range',
    key: 'inet_service',
    value: 'ipv4_addr',
    interval: true,
    what: 'tcp port forwards, same port range',
  },
  {
    name: 'forward_tcp_new_port',
    key: 'inet_service',
    value: 'ipv4_addr . inet_service',
    interval: false,
    what: 'tcp port forwards, other port',
  },
  {
    name: 'forward_udp_same_port',
    key: 'inet_service',
    value: 'ipv4_addr',
    interval: false,
    what: 'udp port forwards, same port',
  },
  {
    name: 'forward_udp_same_range',
    key: 'inet_service',
    value: 'ipv4_addr',
    interval: true,
    what: 'udp port forwards, same port range',
  },
  {
    name: 'forward_udp_new_port',
    key: 'inet_service',
    value: 'ipv4_addr . inet_service',
    interval: false,
    what: 'udp port forwards, other port',
  },
];

export interface MapElement {
  map: ForwardMapName;
  key: string;
  value: string;
  forwardId: string;
}

export function forwardComment(f: Pick<PortForward, 'id'>): string {
  return `forward ${f.id}`;
}

/** The map elements of one forward, in a stable order. Disabled forwards have none. */
export function forwardElements(f: PortForward): MapElement[] {
  const out: MapElement[] = [];
  if (!f.enabled) return out;
  const ranges = portRanges(f.publicPorts);
  const first = ranges[0];
  const shifted = f.targetPort !== undefined && first !== undefined && f.targetPort !== first.from;
  const limited = f.allowedSources.length > 0;
  const sources = [...f.allowedSources].sort(compareIpv4);
  for (const proto of protocolsOf(f.protocol)) {
    const keys = (port: string) => (limited ? sources.map((src) => `${proto} . ${src} . ${port}`) : [port]);
    const samePorts = (list: readonly PortRange[]) => {
      for (const r of list) {
        const map: ForwardMapName = limited
          ? 'forward_src_same_port'
          : r.from === r.to
            ? `forward_${proto}_same_port`
            : `forward_${proto}_same_range`;
        for (const key of keys(formatRange(r))) out.push({ map, key, value: f.target, forwardId: f.id });
      }
    };
    // An FTPS forward's passive range goes to the same server on the same ports, never shifted (ftps.ts).
    const passive = proto === 'tcp' ? ftpsPassiveRanges(f) : [];
    if (!shifted) {
      samePorts(ranges);
      samePorts(passive);
      continue;
    }
    const map: ForwardMapName = limited ? 'forward_src_new_port' : `forward_${proto}_new_port`;
    const r = first as NonNullable<typeof first>;
    const offset = (f.targetPort as number) - r.from;
    for (let p = r.from; p <= r.to; p++) {
      for (const key of keys(String(p))) out.push({ map, key, value: `${f.target} . ${p + offset}`, forwardId: f.id });
    }
    samePorts(passive);
  }
  return out;
}

export function renderElement(e: Pick<MapElement, 'key' | 'value' | 'forwardId'>): string {
  return `${e.key} ${comment(forwardComment({ id: e.forwardId }))} : ${e.value}`;
}

export function renderForwardMaps(model: GatewayModel): string[] {
  const byMap = new Map<ForwardMapName, MapElement[]>(FORWARD_MAPS.map((m) => [m.name, []]));
  for (const f of model.forwards) {
    for (const e of forwardElements(f)) byMap.get(e.map)?.push(e);
  }
  const lines: string[] = [];
  FORWARD_MAPS.forEach((spec, i) => {
    if (i > 0) lines.push('');
    lines.push(...renderMap(spec, byMap.get(spec.name) ?? []));
  });
  lines.push(...renderReflectionSets(model));
  return lines;
}

function renderMap(spec: MapSpec, elements: MapElement[]): string[] {
  const lines = [`map ${spec.name} {`, `\ttype ${spec.key} : ${spec.value}`];
  if (spec.interval) lines.push('\tflags interval');
  lines.push('\tcounter', `\t${comment(spec.what)}`);
  if (elements.length > 0) {
    // One element per line so nft's error pointer names a single forward.
    lines.push('\telements = {');
    elements.forEach((e, i) => {
      lines.push(`\t\t${renderElement(e)}${i < elements.length - 1 ? ',' : ''}`);
    });
    lines.push('\t}');
  }
  lines.push('}');
  return lines;
}

export function renderForwardRules(model: GatewayModel): string[] {
  const wan = `iifname ${ifnames([model.interfaces.wan])}`;
  // `meta l4proto { tcp, udp }` is the dependency nft needs before a port can appear in a NAT target.
  const src = 'meta l4proto { tcp, udp } dnat ip to meta l4proto . ip saddr . th dport map';
  return [
    `${wan} ${src} @forward_src_same_port ${comment('port forwards: source-limited, same port')}`,
    `${wan} ${src} @forward_src_new_port ${comment('port forwards: source-limited, other port')}`,
    `${wan} dnat ip to tcp dport map @forward_tcp_same_port ${comment('port forwards: tcp, same port')}`,
    `${wan} dnat ip to tcp dport map @forward_tcp_same_range ${comment('port forwards: tcp, same port range')}`,
    `${wan} dnat ip to tcp dport map @forward_tcp_new_port ${comment('port forwards: tcp, other port')}`,
    `${wan} dnat ip to udp dport map @forward_udp_same_port ${comment('port forwards: udp, same port')}`,
    `${wan} dnat ip to udp dport map @forward_udp_same_range ${comment('port forwards: udp, same port range')}`,
    `${wan} dnat ip to udp dport map @forward_udp_new_port ${comment('port forwards: udp, other port')}`,
    ...renderReflectionRules(model),
  ];
}

export function gatewayForwardComment(g: Pick<GatewayForward, 'id'>): string {
  return `gateway forward ${g.id}`;
}

/**
 * Forwards to the gateway itself are few and each is its own rule, first in
 * the chain: `redirect` sends the packet to the gateway's own address on the
 * interface it arrived on (the brief's `dnat to :22`).
 */
export function renderGatewayForwardRules(model: GatewayModel): string[] {
  const wan = ifnames([model.interfaces.wan]);
  const lines: string[] = [];
  for (const g of model.gatewayForwards) {
    if (!g.enabled) continue;
    const src =
      g.allowedSources.length > 0
        ? ` ip saddr ${g.allowedSources.length === 1 ? g.allowedSources[0] : `{ ${[...g.allowedSources].sort(compareIpv4).join(', ')} }`}`
        : '';
    for (const proto of protocolsOf(g.protocol)) {
      lines.push(
        `iifname ${wan}${src} ${proto} dport ${g.publicPort} redirect to :${g.localPort} ${comment(gatewayForwardComment(g))}`,
      );
    }
  }
  return lines;
}

export { q };
