/**
 * Which forwards the doctor looks at: every enabled TCP forward whose target
 * ports include an FTP control port (the helper's control ports, and 21
 * always: a server on 21 is FTP whether or not the helper is set up), and
 * every FTPS forward (its own port), with the public port that reaches it.
 */
import {
  containsPort,
  type GatewayModel,
  HELPER_KIND_SPECS,
  type HelperKind,
  helperKindPolicy,
  portRangesOrNone,
  targetRanges,
} from '@gatehouse/rules';

export interface FtpForward {
  forwardId: string;
  forwardName: string;
  server: string;
  controlPort: number;
  publicPort: number;
  /** An FTPS forward's forwarded passive range; null for plain FTP. */
  ftpsPassivePorts: string | null;
}

/** The helper's policy as the doctor reads it (one place to follow the model's shape). */
export function helperPolicy(model: GatewayModel): { enabled: boolean; controlPorts: number[]; passiveOnly: boolean } {
  return { enabled: model.ftp.enabled, controlPorts: [...model.ftp.controlPorts], passiveOnly: model.ftp.passiveOnly };
}

/** A kind's ports for the doctor: its default ports (a server on 21 is FTP, on 69 TFTP, helper or not) and the helper's. */
export function helperPortsOf(model: GatewayModel, kind: HelperKind): number[] {
  const ports = [...HELPER_KIND_SPECS[kind].defaultPorts, ...helperKindPolicy(model, kind).ports];
  return [...new Set(ports)].sort((a, b) => a - b);
}

export function controlPortsOf(model: GatewayModel): number[] {
  return helperPortsOf(model, 'ftp');
}

type Forward = GatewayModel['forwards'][number];

/** The public port that reaches a forward's target port. */
export function publicPortOf(f: Forward, port: number): number {
  const targets = targetRanges(f);
  const publics = portRangesOrNone(f.publicPorts);
  // A shifted forward has one range; same-port forwards map a port to itself.
  const shifted = f.targetPort !== undefined && publics[0] && targets[0];
  return shifted ? (publics[0]?.from ?? port) + (port - (targets[0]?.from ?? port)) : port;
}

export function ftpForwards(model: GatewayModel): FtpForward[] {
  const ports = controlPortsOf(model);
  const out: FtpForward[] = [];
  for (const f of model.forwards) {
    if (!f.enabled || f.protocol === 'udp') continue;
    const targets = targetRanges(f);
    // An FTPS forward is FTP by definition: its own (first) port is a control port too.
    const own = f.ftps && targets[0] ? [targets[0].from] : [];
    for (const port of [...new Set([...ports, ...own])].sort((a, b) => a - b)) {
      if (!containsPort(targets, port)) continue;
      out.push({
        forwardId: f.id,
        forwardName: f.name,
        server: f.target,
        controlPort: port,
        publicPort: publicPortOf(f, port),
        ftpsPassivePorts: f.ftps?.passivePorts ?? null,
      });
    }
  }
  return out;
}
