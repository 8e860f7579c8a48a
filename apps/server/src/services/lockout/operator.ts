/** The operator's connection as the socket shows it, for the lockout check. */
import { networkInterfaces } from 'node:os';
import type { OperatorConnection } from './check.js';
import { inPrefix, unmap } from './ipv4.js';

/** Which interface owns a local address (the one the request arrived on, on a host that routes symmetrically). */
export function interfaceOfAddress(address: string | undefined): string | null {
  if (!address) return null;
  const a = unmap(address);
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (addrs?.some((x) => unmap(x.address) === a)) return name;
  }
  return null;
}

/**
 * The interface a connection arrived on: the one whose connected network holds
 * the peer (a LAN client that called the public address arrived on the LAN,
 * not on the interface that owns the address), else the one that owns the
 * address it called.
 */
export function arrivalInterface(localAddress: string | undefined, remoteAddress: string | undefined): string | null {
  const remote = unmap(remoteAddress ?? '');
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (addrs?.some((x) => x.family === 'IPv4' && !x.internal && x.cidr && inPrefix(remote, x.cidr))) return name;
  }
  return interfaceOfAddress(localAddress);
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((x) => unmap(x.address)));
}

function addressesOf(name: string | null): string[] {
  return name ? (networkInterfaces()[name] ?? []).map((x) => unmap(x.address)) : [];
}

export function operatorFromSocket(s: {
  localAddress?: string | undefined;
  localPort?: number | undefined;
  remoteAddress?: string | undefined;
}): OperatorConnection {
  const iif = arrivalInterface(s.localAddress, s.remoteAddress);
  return {
    interface: iif,
    interfaceAddresses: addressesOf(iif),
    localPort: s.localPort ?? 0,
    localAddress: unmap(s.localAddress ?? ''),
    remoteAddress: unmap(s.remoteAddress ?? ''),
    localAddresses: localAddresses(),
  };
}

/**
 * The connection a request came through, or null when the rules live in
 * another namespace (GATEHOUSE_NETNS): then the panel is not behind them and
 * there is nothing to lock out.
 */
export function operatorOf(
  netns: string | undefined,
  socket: Parameters<typeof operatorFromSocket>[0],
): OperatorConnection | null {
  return netns ? null : operatorFromSocket(socket);
}
