/**
 * Which forwards the doctor looks at for TFTP, the helper family's second
 * member: every enabled forward carrying UDP whose target ports include a
 * TFTP port (the helper's ports, and 69 always: a server on 69 is TFTP
 * whether or not the helper is set up), with the public port that reaches it.
 */
import { carriesProtocolOf, containsPort, type GatewayModel, targetRanges } from '@gatehouse/rules';
import { helperPortsOf, publicPortOf } from './forwards.js';

export interface TftpForward {
  forwardId: string;
  forwardName: string;
  server: string;
  port: number;
  publicPort: number;
}

export function tftpPortsOf(model: GatewayModel): number[] {
  return helperPortsOf(model, 'tftp');
}

export function tftpForwards(model: GatewayModel): TftpForward[] {
  const ports = tftpPortsOf(model);
  const out: TftpForward[] = [];
  for (const f of model.forwards) {
    if (!f.enabled || !carriesProtocolOf(f, 'udp')) continue;
    const targets = targetRanges(f);
    for (const port of ports) {
      if (!containsPort(targets, port)) continue;
      out.push({ forwardId: f.id, forwardName: f.name, server: f.target, port, publicPort: publicPortOf(f, port) });
    }
  }
  return out;
}
