/**
 * Which forwards the doctor looks at for TFTP, the helper family's second
 * member: every enabled forward carrying UDP whose target ports include a
 * TFTP port (the helper's ports, and 69 always: a server on 69 is TFTP
 * whether or not the helper is set up), with the public port that reaches it.
 */
import {
  carriesProtocolOf,
  containsPort,
  type GatewayModel,
  helperKindPolicy,
  portRangesOrNone,
  targetRanges,
} from '@gatehouse/rules';

export interface TftpForward {
  forwardId: string;
  forwardName: string;
  server: string;
  port: number;
  publicPort: number;
}

export function tftpPortsOf(model: GatewayModel): number[] {
  return [...new Set([69, ...helperKindPolicy(model, 'tftp').ports])].sort((a, b) => a - b);
}

export function tftpForwards(model: GatewayModel): TftpForward[] {
  const ports = tftpPortsOf(model);
  const out: TftpForward[] = [];
  for (const f of model.forwards) {
    if (!f.enabled || !carriesProtocolOf(f, 'udp')) continue;
    const targets = targetRanges(f);
    const publics = portRangesOrNone(f.publicPorts);
    for (const port of ports) {
      if (!containsPort(targets, port)) continue;
      // A shifted forward has one range; same-port forwards map a port to itself.
      const shifted = f.targetPort !== undefined && publics[0] && targets[0];
      const publicPort = shifted ? (publics[0]?.from ?? port) + (port - (targets[0]?.from ?? port)) : port;
      out.push({ forwardId: f.id, forwardName: f.name, server: f.target, port, publicPort });
    }
  }
  return out;
}
