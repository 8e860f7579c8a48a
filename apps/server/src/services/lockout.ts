/**
 * Lockout protection: refuse an apply that would cut the operator off from
 * the panel. Port forwards only act on traffic entering the WAN interface, so
 * this matters only when the request itself came in through that interface:
 * then a forward that covers the panel's port would send the operator's next
 * request to a server on the LAN, and dropping a gateway forward (the
 * management way back in, e.g. ssh on 2222) would close the door behind them.
 */
import { networkInterfaces } from 'node:os';
import { containsPort, type GatewayModel, portRanges } from '@gatehouse/rules';

export interface OperatorConnection {
  /** Interface the request arrived on (in this process's namespace). */
  interface: string | null;
  /** The panel's port as the socket sees it. */
  localPort: number;
  remoteAddress: string;
}

export interface LockoutProblem {
  reason: string;
  object?: { kind: 'forward' | 'gateway-forward'; id: string };
}

function unmap(addr: string): string {
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

/** Which interface owns a local address (the one the request arrived on). */
export function interfaceOfAddress(address: string | undefined): string | null {
  if (!address) return null;
  const a = unmap(address);
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (addrs?.some((x) => unmap(x.address) === a)) return name;
  }
  return null;
}

function ipv4Int(a: string): number | null {
  const p = a.split('.').map(Number);
  if (p.length !== 4 || p.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null;
  return ((p[0] as number) * 2 ** 24 + (p[1] as number) * 2 ** 16 + (p[2] as number) * 256 + (p[3] as number)) >>> 0;
}

function inPrefix(addr: string, prefix: string): boolean {
  const [net, lenText] = prefix.split('/');
  const len = lenText === undefined ? 32 : Number(lenText);
  const a = ipv4Int(unmap(addr));
  const n = ipv4Int(net ?? '');
  if (a === null || n === null) return false;
  if (len === 0) return true;
  const mask = (0xffffffff << (32 - len)) >>> 0;
  return (a & mask) >>> 0 === (n & mask) >>> 0;
}

export function lockoutProblems(
  next: GatewayModel,
  applied: GatewayModel | null,
  op: OperatorConnection | null,
): LockoutProblem[] {
  if (!op?.interface || op.interface !== next.interfaces.wan) return [];
  const problems: LockoutProblem[] = [];
  for (const f of next.forwards) {
    if (!f.enabled || f.protocol === 'udp') continue;
    if (f.allowedSources.length > 0 && !f.allowedSources.some((p) => inPrefix(op.remoteAddress, p))) continue;
    if (containsPort(portRanges(f.publicPorts), op.localPort)) {
      problems.push({
        reason: `forward "${f.name}" would send TCP port ${op.localPort} on ${next.interfaces.wan}, the port this panel is reached on, to ${f.target}`,
        object: { kind: 'forward', id: f.id },
      });
    }
  }
  for (const g of applied?.gatewayForwards ?? []) {
    if (!g.enabled || applied?.interfaces.wan !== op.interface) continue;
    const kept = next.gatewayForwards.find(
      (n) => n.enabled && n.publicPort === g.publicPort && n.localPort === g.localPort && n.protocol === g.protocol,
    );
    if (!kept) {
      problems.push({
        reason: `gateway forward "${g.name}" (port ${g.publicPort} to the gateway's ${g.localPort}) is the management way in on ${op.interface}, the interface you are connected through; this apply removes it`,
        object: { kind: 'gateway-forward', id: g.id },
      });
    } else if (kept.allowedSources.length > 0 && !kept.allowedSources.some((p) => inPrefix(op.remoteAddress, p))) {
      problems.push({
        reason: `gateway forward "${kept.name}" would no longer admit your address ${unmap(op.remoteAddress)}`,
        object: { kind: 'gateway-forward', id: kept.id },
      });
    }
  }
  return problems;
}
