/**
 * What a model's ruleset does with one new connection, found by walking the
 * same objects, in the same order and with the same matches, as the compiled
 * table (packages/rules/src/compile.ts and render/*.ts):
 *
 *   prerouting, priority dstnat (chain dnat_prerouting):
 *     1. gateway forwards, one rule each in model order:
 *        iifname <wan> [ip saddr <allowedSources>] <proto> dport <publicPort> redirect to :<localPort>
 *     2. port forwards, source-limited maps first (forward_src_*), then the
 *        plain tcp/udp maps: iifname <wan> dnat to <target>[:<shifted port>];
 *        an FTPS forward's passive range is its own too, never shifted (tcp)
 *     3. NAT reflection (render/reflection.ts): on a LAN interface, to a public
 *        address (the model's publicAddresses, or else any gateway address not
 *        on that LAN interface), the reflected forwards' maps alike
 *   forward hook (chain forward_filter): sees only connections sent on to
 *     another host, never one delivered on the gateway; nothing in our table
 *     hooks input. So the filter policy cannot cut off the panel, and a
 *     connection that stays local is delivered to its (possibly redirected) port.
 *
 * Disabled objects render nothing, so they count for nothing here. A model of
 * null is "no table loaded": every connection is delivered as it came. The
 * table is `ip` family: IPv6 peers never meet it. Pure: no I/O.
 */
import {
  containsPort,
  ftpsPassiveRanges,
  type GatewayModel,
  isReflected,
  type PortForward,
  portRanges,
  protocolsOf,
} from '@gatehouse/rules';
import { admits, isIpv4, unmap } from './ipv4.js';

export interface NewConnection {
  /** Interface the first packet arrives on. */
  iif: string;
  saddr: string;
  /** Destination address as sent (before any NAT). */
  daddr: string;
  /** Destination port as sent (before any NAT). */
  dport: number;
  proto: 'tcp' | 'udp';
  /** The gateway's own addresses: a DNAT to one of them is still local delivery. */
  localAddresses?: readonly string[];
  /** The addresses on `iif` (a reflected address is a gateway address not on the LAN interface it came in on). */
  iifAddresses?: readonly string[];
}

export type ActingObject =
  | { kind: 'gateway-forward'; id: string; name: string }
  | { kind: 'forward'; id: string; name: string };

export type Fate =
  /** Delivered on the gateway itself to `port` (`by`: the redirect or DNAT that sent it there). */
  | { kind: 'local'; port: number; by: ActingObject | null }
  /** Sent on to another host. */
  | { kind: 'dnat'; address: string; port: number; by: ActingObject };

function forwardPort(f: PortForward, dport: number): number {
  if (f.targetPort === undefined || containsPort(ftpsPassiveRanges(f), dport)) return dport;
  const first = portRanges(f.publicPorts)[0];
  return first ? dport - first.from + f.targetPort : dport;
}

function forwardMatches(f: PortForward, c: NewConnection): boolean {
  return (
    f.enabled &&
    protocolsOf(f.protocol).includes(c.proto) &&
    (containsPort(portRanges(f.publicPorts), c.dport) ||
      (c.proto === 'tcp' && containsPort(ftpsPassiveRanges(f), c.dport))) &&
    admits(f.allowedSources, c.saddr)
  );
}

/** Whether a connection arriving on a LAN interface is one the reflection rules take (to a public address). */
function reflectedArrival(model: GatewayModel, c: NewConnection): boolean {
  if (!model.interfaces.lan.includes(c.iif)) return false;
  const daddr = unmap(c.daddr);
  const named = model.reflection?.publicAddresses ?? [];
  if (named.length > 0) return named.includes(daddr);
  const local = (c.localAddresses ?? []).map(unmap);
  const onIif = (c.iifAddresses ?? []).map(unmap);
  return local.includes(daddr) && !onIif.includes(daddr);
}

function forwardedBy(f: PortForward, c: NewConnection): Fate {
  const by: ActingObject = { kind: 'forward', id: f.id, name: f.name };
  const port = forwardPort(f, c.dport);
  if ((c.localAddresses ?? []).some((a) => unmap(a) === f.target)) return { kind: 'local', port, by };
  return { kind: 'dnat', address: f.target, port, by };
}

export function fateOf(model: GatewayModel | null, c: NewConnection): Fate {
  if (!model || !isIpv4(c.saddr) || !isIpv4(c.daddr)) return { kind: 'local', port: c.dport, by: null };
  const onWan = c.iif === model.interfaces.wan;
  if (onWan) {
    for (const g of model.gatewayForwards) {
      if (!g.enabled || g.publicPort !== c.dport || !protocolsOf(g.protocol).includes(c.proto)) continue;
      if (!admits(g.allowedSources, c.saddr)) continue;
      return { kind: 'local', port: g.localPort, by: { kind: 'gateway-forward', id: g.id, name: g.name } };
    }
    // The source-limited maps come first in the chain, then the plain ones.
    const limited = model.forwards.find((f) => f.allowedSources.length > 0 && forwardMatches(f, c));
    const f = limited ?? model.forwards.find((x) => x.allowedSources.length === 0 && forwardMatches(x, c));
    if (f) return forwardedBy(f, c);
  } else if (reflectedArrival(model, c)) {
    const reflected = (x: PortForward) => isReflected(model, x) && forwardMatches(x, c);
    const limited = model.forwards.find((x) => x.allowedSources.length > 0 && reflected(x));
    const f = limited ?? model.forwards.find((x) => x.allowedSources.length === 0 && reflected(x));
    if (f) return forwardedBy(f, c);
  }
  return { kind: 'local', port: c.dport, by: null };
}
