/** The operator's connection as the socket shows it, for the lockout check. */
import { networkInterfaces } from 'node:os';
import type { OperatorConnection } from './check.js';
import { unmap } from './ipv4.js';

/** Which interface owns a local address (the one the request arrived on, on a host that routes symmetrically). */
export function interfaceOfAddress(address: string | undefined): string | null {
  if (!address) return null;
  const a = unmap(address);
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (addrs?.some((x) => unmap(x.address) === a)) return name;
  }
  return null;
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((x) => unmap(x.address)));
}

export function operatorFromSocket(s: {
  localAddress?: string | undefined;
  localPort?: number | undefined;
  remoteAddress?: string | undefined;
}): OperatorConnection {
  return {
    interface: interfaceOfAddress(s.localAddress),
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
