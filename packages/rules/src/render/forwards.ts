/**
 * Port forwards compile to two interval maps keyed by
 * `meta l4proto . ip saddr . th dport`, so a packet costs one lookup per map
 * whatever the number of forwards:
 *
 * - forward_keep_port maps to an address only: DNAT keeps the destination
 *   port, which is how one element covers a whole range (the seed's 1-1023).
 * - forward_new_port maps to address . port, for a different target port; a
 *   shifted range is expanded port by port because an nft map value cannot
 *   express "the same offset" for a range.
 *
 * Each element carries a comment naming its forward and a counter, which is
 * where per-forward packet/byte figures come from.
 */
import { type GatewayForward, type GatewayModel, type PortForward, protocolsOf } from '../model.js';
import { formatRange, portRanges } from '../ports.js';
import { comment, compareIpv4, ifnames, q } from './format.js';

export const KEEP_PORT_MAP = 'forward_keep_port';
export const NEW_PORT_MAP = 'forward_new_port';
const ANY_SOURCE = '0.0.0.0/0';

export interface MapElement {
  key: string;
  value: string;
  forwardId: string;
}

export function forwardComment(f: Pick<PortForward, 'id'>): string {
  return `forward ${f.id}`;
}

/** The map elements of one forward, in a stable order. Disabled forwards have none. */
export function forwardElements(f: PortForward): { keep: MapElement[]; shift: MapElement[] } {
  const keep: MapElement[] = [];
  const shift: MapElement[] = [];
  if (!f.enabled) return { keep, shift };
  const ranges = portRanges(f.publicPorts);
  const sources = f.allowedSources.length > 0 ? [...f.allowedSources].sort(compareIpv4) : [ANY_SOURCE];
  const first = ranges[0];
  const shifted = f.targetPort !== undefined && first !== undefined && f.targetPort !== first.from;
  for (const proto of protocolsOf(f.protocol)) {
    for (const src of sources) {
      if (!shifted) {
        for (const r of ranges)
          keep.push({ key: `${proto} . ${src} . ${formatRange(r)}`, value: f.target, forwardId: f.id });
        continue;
      }
      const r = first as NonNullable<typeof first>;
      const offset = (f.targetPort as number) - r.from;
      for (let p = r.from; p <= r.to; p++) {
        shift.push({ key: `${proto} . ${src} . ${p}`, value: `${f.target} . ${p + offset}`, forwardId: f.id });
      }
    }
  }
  return { keep, shift };
}

export function renderElement(e: MapElement): string {
  return `${e.key} ${comment(forwardComment({ id: e.forwardId }))} : ${e.value}`;
}

export function renderForwardMaps(model: GatewayModel): string[] {
  const keep: MapElement[] = [];
  const shift: MapElement[] = [];
  for (const f of model.forwards) {
    const els = forwardElements(f);
    keep.push(...els.keep);
    shift.push(...els.shift);
  }
  return [
    ...renderMap(KEEP_PORT_MAP, 'ipv4_addr', keep, 'port forwards that keep the destination port'),
    '',
    ...renderMap(NEW_PORT_MAP, 'ipv4_addr . inet_service', shift, 'port forwards to another port'),
  ];
}

function renderMap(name: string, valueType: string, elements: MapElement[], what: string): string[] {
  const lines = [
    `map ${name} {`,
    `\ttype inet_proto . ipv4_addr . inet_service : ${valueType}`,
    '\tflags interval',
    '\tcounter',
    `\t${comment(what)}`,
  ];
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
  const wan = ifnames([model.interfaces.wan]);
  // `meta l4proto { tcp, udp }` is the dependency nft needs before a port can appear in a NAT target.
  return [
    `iifname ${wan} meta l4proto { tcp, udp } dnat ip to meta l4proto . ip saddr . th dport map @${KEEP_PORT_MAP} ${comment('port forwards: same port')}`,
    `iifname ${wan} meta l4proto { tcp, udp } dnat ip to meta l4proto . ip saddr . th dport map @${NEW_PORT_MAP} ${comment('port forwards: other port')}`,
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
